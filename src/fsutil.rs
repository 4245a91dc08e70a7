//! Writing files atomically: into a temporary file beside the target, flushed to disk, then
//! renamed over it, so a reader never sees half a file and a crash loses nothing old.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary path in the same folder as `path` (so the rename stays on one file system).
fn temp_path_for(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// Writes `path` atomically: `write` fills a buffered temporary file, which is synced and
/// renamed over `path`. On any error the temporary file is removed and `path` is untouched.
///
/// # Errors
/// Any I/O error from creating, writing, syncing or renaming.
pub fn write_atomic<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    let tmp = temp_path_for(path);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        write(&mut w)?;
        w.flush()?;
        let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The folder for the user's data (progress, settings, their own lessons):
/// `$HEADROOM_LAB_DATA_DIR` if set, else the platform's data folder
/// (`~/.local/share/headroom-lab` on Linux). `None` when neither can be found.
#[must_use]
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("HEADROOM_LAB_DATA_DIR") {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("org", "Headroom Lab", "headroom-lab").map(|p| p.data_dir().to_path_buf())
}

/// A folder shipped with the program (`lessons`, `assets/demos`): `$ENV_VAR` if set, else
/// `REL` in the working folder, beside the program, or in the source tree it was built from.
#[must_use]
pub fn shipped_dir(env_var: &str, rel: &str) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(env_var) {
        return Some(PathBuf::from(d));
    }
    let mut candidates = vec![PathBuf::from(rel)];
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join(rel));
        candidates.push(dir.join("../..").join(rel));
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel));
    candidates.into_iter().find(|d| d.is_dir())
}

/// Moves a damaged file aside (`NAME.corrupt-SECONDS`), never deleting it; returns where.
///
/// # Errors
/// The rename failed.
pub fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let mut target = path.with_file_name(format!("{name}.corrupt-{secs}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{name}.corrupt-{secs}-{n}"));
        n += 1;
    }
    fs::rename(path, &target)?;
    Ok(target)
}

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// Any I/O error.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// Reads `path` as JSON. A missing file gives `(None, None)`; a file that cannot be read gives
/// a warning; one that cannot be parsed is set aside (never deleted) with a warning naming
/// where it went. `what` names the file for people ("your progress", "the settings").
#[must_use]
pub fn load_json_or_set_aside<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> (Option<T>, Option<String>) {
    match fs::read(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => (None, None),
        Err(e) => (None, Some(format!("cannot read {what} ({}): {e}", path.display()))),
        Ok(bytes) => match serde_json::from_slice::<T>(&bytes) {
            Ok(value) => (Some(value), None),
            Err(e) => (
                None,
                Some(match set_aside(path) {
                    Ok(aside) => {
                        format!(
                            "{what} file was damaged ({e}); it was kept as {} and you start afresh",
                            aside.display()
                        )
                    }
                    Err(r) => format!("{what} file is damaged ({e}) and could not be moved aside ({r})"),
                }),
            ),
        },
    }
}

/// Writes `value` as pretty JSON to `path` atomically, making its folder if needed.
///
/// # Errors
/// The folder cannot be made or the file cannot be written.
pub fn save_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    let json = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    write_bytes_atomic(path, &json).map_err(|e| format!("cannot save {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("hl-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("a.txt");
        write_bytes_atomic(&path, b"one").expect("write");
        write_bytes_atomic(&path, b"two").expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let failed = write_atomic(&path, |_| Err(io::Error::other("boom")));
        assert!(failed.is_err());
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let leftovers = fs::read_dir(&dir).expect("list").count();
        assert_eq!(leftovers, 1);
        fs::remove_dir_all(&dir).ok();
    }
}
