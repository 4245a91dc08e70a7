//! Writing files atomically: into a temporary file beside the target, synced to disk, renamed
//! over it, and the folder synced, so a reader never sees half a file and a crash loses
//! nothing old. Reading the user's JSON files, with damaged ones set aside.

use std::io;
use std::path::{Path, PathBuf};

use crate::platform::{WriteSeek, fs};
use crate::textloc::{Nesting, position};

/// Writes `path` atomically: `write` fills a temporary file in the same folder, which is synced
/// and renamed over `path`, and the folder is synced so the rename survives a crash. On any
/// error the temporary file is removed and `path` is untouched. (On the web page: the data
/// folder lives in the browser's storage and other writes are downloads; see
/// [`crate::platform::fs`].)
///
/// # Errors
/// Any I/O error from creating, writing, syncing or renaming.
pub fn write_atomic<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn WriteSeek) -> io::Result<()>,
{
    fs::write_atomic(path, write)
}

/// The folder for the user's data (progress, settings, their own lessons):
/// `$HEADROOM_LAB_DATA_DIR` if set, else the platform's data folder
/// (`~/.local/share/headroom-lab` on Linux). `None` when neither can be found.
#[must_use]
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("HEADROOM_LAB_DATA_DIR") {
        return Some(PathBuf::from(d));
    }
    fs::data_dir()
}

/// A folder shipped with the program (`lessons`, `assets/demos`): `$ENV_VAR` if set, else
/// `REL` in the working folder, beside the program, or in the source tree it was built from.
#[must_use]
pub fn shipped_dir(env_var: &str, rel: &str) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(env_var) {
        return Some(PathBuf::from(d));
    }
    fs::shipped_dir(rel)
}

/// Moves a damaged file aside (`NAME.corrupt-SECONDS`), never deleting it; returns where.
///
/// # Errors
/// The rename failed.
pub fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = crate::platform::clock::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let mut target = path.with_file_name(format!("{name}.corrupt-{secs}"));
    let mut n = 1;
    while fs::exists(&target) {
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

/// Checks that no array or object of the JSON `bytes` nests deeper than
/// [`crate::textloc::MAX_NESTING`] (brackets in strings do not count), in a loop, whatever
/// limit the parser is built with.
///
/// # Errors
/// Where the first bracket too deep is: "nesting deeper than 64 at line L, column C".
pub fn check_json_nesting(bytes: &[u8]) -> Result<(), String> {
    let mut depth = Nesting::default();
    let (mut in_string, mut escaped) = (false, false);
    for (at, &b) in bytes.iter().enumerate() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') | (false, _, b'"') => in_string = !in_string,
            (false, _, b'[' | b'{') => depth.open().then_some(()).ok_or_else(|| {
                let before = String::from_utf8_lossy(&bytes[..at]);
                let (line, column) = position(&before, before.len());
                format!("nesting deeper than {} at line {line}, column {column}", crate::textloc::MAX_NESTING)
            })?,
            (false, _, b']' | b'}') => depth.close(),
            _ => {}
        }
    }
    Ok(())
}

/// Reads `path` as JSON. A missing file gives `(None, None)`; a file that cannot be read gives
/// a warning; one that cannot be parsed (or nests deeper than
/// [`crate::textloc::MAX_NESTING`]) is set aside (never deleted) with a warning naming where
/// it went. `what` names the file for people ("your progress", "the settings").
#[must_use]
pub fn load_json_or_set_aside<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> (Option<T>, Option<String>) {
    let parse = |bytes: &[u8]| {
        check_json_nesting(bytes)?;
        serde_json::from_slice::<T>(bytes).map_err(|e| e.to_string())
    };
    match fs::read(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => (None, None),
        Err(e) => (None, Some(format!("cannot read {what} ({}): {e}", path.display()))),
        Ok(bytes) => match parse(&bytes) {
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
    use std::fs::{self, File};

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).expect("list").map(|e| e.expect("entry").file_name().to_string_lossy().into()).collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_on_any_failure() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.txt");
        write_bytes_atomic(&path, b"one").expect("write");
        write_bytes_atomic(&path, b"two").expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"two");

        // The writer fails half way.
        let failed = write_atomic(&path, |w| {
            w.write_all(b"half a fi")?;
            Err(io::Error::other("boom"))
        });
        assert_eq!(failed.expect_err("fails").to_string(), "boom");
        // The writer panics.
        let panicked = std::panic::catch_unwind(|| write_atomic(&path, |_| panic!("writer panics")));
        assert!(panicked.is_err());
        assert_eq!(fs::read(&path).expect("read"), b"two", "the old file is intact");
        assert_eq!(names(dir.path()), ["a.txt"], "no temporary file left");

        // The rename fails: the target is a folder that is not empty.
        let blocked = dir.path().join("b");
        fs::create_dir_all(blocked.join("inside")).expect("dir");
        assert!(write_bytes_atomic(&blocked, b"x").is_err());
        assert_eq!(names(dir.path()), ["a.txt", "b"], "no temporary file left");
        assert!(blocked.join("inside").is_dir());

        // The folder does not exist: nothing is created anywhere.
        assert!(write_bytes_atomic(&dir.path().join("no/such/c.txt"), b"x").is_err());
        assert_eq!(names(dir.path()), ["a.txt", "b"]);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_get_the_permissions_of_a_plain_create() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = dir.path().join("plain");
        File::create(&plain).expect("create");
        let atomic = dir.path().join("atomic");
        write_bytes_atomic(&atomic, b"x").expect("write");
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&atomic), mode(&plain), "not the 0600 of a private temporary file");
    }

    #[test]
    fn json_nesting_is_limited_and_located() {
        let deep = |n: usize| format!("{{\"a\":\n {}1{}}}", "[".repeat(n), "]".repeat(n));
        assert!(check_json_nesting(deep(crate::textloc::MAX_NESTING - 1).as_bytes()).is_ok());
        let e = check_json_nesting(deep(crate::textloc::MAX_NESTING).as_bytes()).expect_err("too deep");
        assert_eq!(e, format!("nesting deeper than 64 at line 2, column {}", crate::textloc::MAX_NESTING + 1));
        // Brackets inside strings, escaped quotes included, are text.
        let text = format!("{{\"a\": \"\\\"{}\", \"b\": [1]}}", "[".repeat(1000));
        assert!(check_json_nesting(text.as_bytes()).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "the test text is valid JSON");
    }
}
