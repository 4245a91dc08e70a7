//! Files on the web page, as the rest of the app sees them (paths), kept where a page can keep
//! them:
//!
//! - the shipped lessons and demos (`lessons/...`, `assets/demos/...`) are built into the page;
//! - the data folder (`/data`: settings, progress, saved scenes, a teacher's own lessons) lives
//!   in the browser's `localStorage`, one entry per file (text only);
//! - files dropped on the page or chosen with the picker live in memory under `/files`;
//! - every other write (figures, WAV exports, anything under `/data/figures`) is a download.
//!
//! Writes are atomic as the desktop's are: the whole file is made in memory first, then stored
//! (or downloaded) in one step, or not at all.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Cursor};
use std::path::{Path, PathBuf};

use wasm_bindgen::JsCast;

use crate::platform::WriteSeek;

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// The data folder's place.
pub const DATA: &str = "/data";
/// Where dropped and picked files are.
pub const FILES: &str = "/files";
/// `localStorage` keys start with this.
const KEY_PREFIX: &str = "headroom-lab:";

thread_local! {
    /// Files dropped or picked, by path under [`FILES`].
    static MEMORY: RefCell<BTreeMap<PathBuf, Vec<u8>>> = const { RefCell::new(BTreeMap::new()) };
}

/// Where a path lives.
enum Place {
    Shipped,
    Stored,
    Memory,
    /// Written as a download (reading finds nothing).
    Download,
}

fn place(path: &Path) -> Place {
    if path.starts_with(FILES) {
        Place::Memory
    } else if path.starts_with(DATA) && !path.starts_with(Path::new(DATA).join("figures")) {
        Place::Stored
    } else if path.is_relative() && SHIPPED.iter().any(|(p, _)| Path::new(p).starts_with(path) || path == Path::new(p))
    {
        Place::Shipped
    } else {
        Place::Download
    }
}

fn storage() -> io::Result<web_sys::Storage> {
    let unavailable = || {
        io::Error::other(
            "this browser keeps no storage for the page (a private window, or storage turned off): settings and \
             progress will not be kept",
        )
    };
    super::window().ok_or_else(unavailable)?.local_storage().ok().flatten().ok_or_else(unavailable)
}

fn key(path: &Path) -> String {
    format!("{KEY_PREFIX}{}", path.display())
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{}: no such file", path.display()))
}

/// Keeps a file dropped on the page or chosen with the picker; returns its path.
#[must_use]
pub fn keep_arrived(name: &str, bytes: Vec<u8>) -> PathBuf {
    let clean: String = name.chars().map(|c| if c == '/' || c == '\\' { '_' } else { c }).collect();
    let path = Path::new(FILES).join(clean);
    MEMORY.with(|m| m.borrow_mut().insert(path.clone(), bytes));
    path
}

/// Makes the file in memory, then stores it (the data folder) or downloads it (anything else).
///
/// # Errors
/// The writer's error, text that is not UTF-8 for the storage, a full or disabled storage.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn WriteSeek) -> io::Result<()>) -> io::Result<()> {
    let mut buffer = Cursor::new(Vec::new());
    write(&mut buffer)?;
    let bytes = buffer.into_inner();
    match place(path) {
        Place::Stored => {
            let text = String::from_utf8(bytes).map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, "only text files can be kept in the browser's storage")
            })?;
            storage()?
                .set_item(&key(path), &text)
                .map_err(|_| io::Error::other("the browser's storage for this page is full: the file was not saved"))
        }
        Place::Memory => {
            MEMORY.with(|m| m.borrow_mut().insert(path.to_path_buf(), bytes));
            Ok(())
        }
        Place::Shipped | Place::Download => download(path, &bytes),
    }
}

/// Offers the file the user asked for (a figure, an export) as a download named after `path`;
/// returns that name.
///
/// # Errors
/// The writer's error, or the browser refused the download.
pub fn save_for_user(path: &Path, write: impl FnOnce(&mut dyn WriteSeek) -> io::Result<()>) -> io::Result<String> {
    let mut buffer = Cursor::new(Vec::new());
    write(&mut buffer)?;
    download(path, &buffer.into_inner())?;
    Ok(format!("{} (downloaded)", file_name(path)))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "headroom-lab".into(), |n| n.to_string_lossy().into_owned())
}

/// Hands `bytes` to the browser as a download named after `path`.
fn download(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let fail = |what: &str| io::Error::other(format!("the browser refused the download ({what})"));
    let mime = match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "wav" => "audio/wav",
        "png" => "image/png",
        "csv" => "text/csv",
        "html" => "text/html",
        "json" => "application/json",
        _ => "text/plain",
    };
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
    let document = super::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| fail("link"))?.dyn_into().map_err(|_| fail("link"))?;
    anchor.set_href(&url);
    anchor.set_download(&file_name(path));
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The whole file.
///
/// # Errors
/// `NotFound` when there is none; the storage is unavailable.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    match place(path) {
        Place::Shipped => {
            SHIPPED.iter().find(|(p, _)| Path::new(p) == path).map(|(_, b)| b.to_vec()).ok_or_else(|| not_found(path))
        }
        Place::Stored => {
            storage()?.get_item(&key(path)).ok().flatten().map(String::into_bytes).ok_or_else(|| not_found(path))
        }
        Place::Memory => MEMORY.with(|m| m.borrow().get(path).cloned()).ok_or_else(|| not_found(path)),
        Place::Download => Err(not_found(path)),
    }
}

/// The file, to read from the start and seek in (its bytes in memory).
///
/// # Errors
/// As [`read`].
pub fn open(path: &Path) -> io::Result<Box<dyn crate::platform::ReadSeek>> {
    Ok(Box::new(Cursor::new(read(path)?)))
}

/// The whole file as text.
///
/// # Errors
/// As [`read`], or text that is not UTF-8.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Every path of the storage's entries (a folder's files).
fn stored_paths() -> Vec<PathBuf> {
    let Ok(s) = storage() else { return Vec::new() };
    let n = s.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter_map(|k| k.strip_prefix(KEY_PREFIX).map(PathBuf::from))
        .collect()
}

fn all_paths(dir: &Path) -> Vec<PathBuf> {
    match place(dir) {
        Place::Shipped => SHIPPED.iter().map(|(p, _)| PathBuf::from(p)).collect(),
        Place::Stored => stored_paths(),
        Place::Memory => MEMORY.with(|m| m.borrow().keys().cloned().collect()),
        Place::Download => Vec::new(),
    }
}

/// The files directly in a folder, sorted by name.
///
/// # Errors
/// Never (an unknown folder is empty).
pub fn read_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = all_paths(dir).into_iter().filter(|p| p.parent() == Some(dir)).collect();
    entries.sort();
    Ok(entries)
}

/// Whether `path` is a folder that holds files (or the data folder).
#[must_use]
pub fn is_dir(path: &Path) -> bool {
    path == Path::new(DATA) || all_paths(path).iter().any(|p| p != path && p.starts_with(path))
}

/// Whether `path` exists.
#[must_use]
pub fn exists(path: &Path) -> bool {
    read(path).is_ok() || is_dir(path)
}

/// Renames a file in the storage or in memory.
///
/// # Errors
/// `NotFound`, or the storage refused.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    let bytes = read(from)?;
    write_atomic(to, |w| w.write_all(&bytes))?;
    match place(from) {
        Place::Stored => storage()?.remove_item(&key(from)).map_err(|_| io::Error::other("cannot remove")),
        Place::Memory => {
            MEMORY.with(|m| m.borrow_mut().remove(from));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Folders need not be made.
///
/// # Errors
/// Never.
pub fn create_dir_all(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// The data folder: the page's storage.
#[must_use]
pub fn data_dir() -> Option<PathBuf> {
    Some(PathBuf::from(DATA))
}

/// A folder built into the page (`lessons`, `assets/demos`).
#[must_use]
pub fn shipped_dir(rel: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(rel);
    SHIPPED.iter().any(|(p, _)| Path::new(p).starts_with(&dir)).then_some(dir)
}

/// Whether the page can keep settings and progress; why not, when it cannot.
#[must_use]
pub fn storage_problem() -> Option<String> {
    let probe = format!("{KEY_PREFIX}probe");
    match storage() {
        Err(e) => Some(e.to_string()),
        Ok(s) => match s.set_item(&probe, "1") {
            Ok(()) => {
                let _ = s.remove_item(&probe);
                None
            }
            Err(_) => {
                Some("the browser's storage for this page is full or turned off: progress will not be kept".into())
            }
        },
    }
}
