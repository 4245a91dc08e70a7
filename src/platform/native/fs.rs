//! Files on the desktop: the file system, with atomic writes.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::platform::WriteSeek;

/// Writes `path` atomically: `write` fills a buffered temporary file in the same folder, which
/// is synced and renamed over `path`, and the folder is synced so the rename survives a crash.
/// On any error the temporary file is removed and `path` is untouched.
///
/// # Errors
/// Any I/O error from creating, writing, syncing or renaming.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn WriteSeek) -> io::Result<()>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Created as `File::create` would (0666 less the umask), not private like most temporaries.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    // From here on, dropping `tmp` (an error, a panic in `write`) deletes the temporary file.
    let mut tmp = builder.tempfile_in(dir)?;
    {
        let mut w = BufWriter::new(tmp.as_file_mut());
        write(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Syncs a folder, so a rename in it is on disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Folders cannot be opened as files here; the rename is as durable as the system makes it.
#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Writes a file the user asked for (a figure, an export) at `path`, atomically; returns where
/// it went (on the web page, the name of the download).
///
/// # Errors
/// Any I/O error.
pub fn save_for_user(path: &Path, write: impl FnOnce(&mut dyn WriteSeek) -> io::Result<()>) -> io::Result<String> {
    write_atomic(path, write)?;
    Ok(path.display().to_string())
}

/// The whole file.
///
/// # Errors
/// Any I/O error (`NotFound` when there is none).
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// The file, to read from the start and seek in.
///
/// # Errors
/// Any I/O error.
pub fn open(path: &Path) -> io::Result<Box<dyn crate::platform::ReadSeek>> {
    Ok(Box::new(File::open(path)?))
}

/// The whole file as text.
///
/// # Errors
/// Any I/O error, or text that is not UTF-8.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path)
}

/// The entries of a folder, sorted by name.
///
/// # Errors
/// The folder cannot be listed.
pub fn read_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    Ok(entries)
}

/// Whether `path` is a folder.
#[must_use]
pub fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

/// Whether `path` exists.
#[must_use]
pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// Renames `from` to `to`.
///
/// # Errors
/// Any I/O error.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)
}

/// Makes a folder and its parents.
///
/// # Errors
/// Any I/O error.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// The platform's folder for the user's data (`~/.local/share/headroom-lab` on Linux).
#[must_use]
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Headroom Lab", "headroom-lab").map(|p| p.data_dir().to_path_buf())
}

/// A folder shipped with the program (`lessons`, `assets/demos`): `REL` in the working folder,
/// beside the program, or in the source tree it was built from.
#[must_use]
pub fn shipped_dir(rel: &str) -> Option<PathBuf> {
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

/// Why the data folder cannot keep settings and progress, if it cannot (on the desktop the
/// reasons come with each file).
#[must_use]
pub fn storage_problem() -> Option<String> {
    None
}
