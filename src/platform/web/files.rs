//! Files given to the page: dropped on it, or chosen with the browser's picker. Their bytes are
//! read asynchronously by the browser, kept in memory (see [`super::fs::keep_arrived`]) and
//! handed to the app as paths by [`take_arrived`], like files dropped on the desktop's window.

use std::cell::RefCell;
use std::path::PathBuf;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

thread_local! {
    static ARRIVED: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
    static LISTENING: RefCell<bool> = const { RefCell::new(false) };
}

/// Whether the app can ask the user to choose a file.
pub const CAN_PICK: bool = true;

/// Files dropped or chosen since the last call, as paths [`super::fs`] reads.
#[must_use]
pub fn take_arrived() -> Vec<PathBuf> {
    listen();
    ARRIVED.with(|a| std::mem::take(&mut *a.borrow_mut()))
}

/// Reads each file of `list` into memory; each becomes an arrived path when read.
fn read_files(list: &web_sys::FileList) {
    for i in 0..list.length() {
        let Some(file) = list.item(i) else { continue };
        let name = file.name();
        let promise = file.array_buffer();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(promise).await {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                let path = super::fs::keep_arrived(&name, bytes);
                ARRIVED.with(|a| a.borrow_mut().push(path));
            }
        });
    }
}

/// Listens for files dropped anywhere on the page (once).
fn listen() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    let Some(document) = super::window().and_then(|w| w.document()) else { return };
    let over = Closure::<dyn FnMut(web_sys::DragEvent)>::new(|e: web_sys::DragEvent| e.prevent_default());
    let drop = Closure::<dyn FnMut(web_sys::DragEvent)>::new(|e: web_sys::DragEvent| {
        e.prevent_default();
        if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
            read_files(&list);
        }
    });
    let _ = document.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
    let _ = document.add_event_listener_with_callback("drop", drop.as_ref().unchecked_ref());
    // They live as long as the page.
    over.forget();
    drop.forget();
}

/// Opens the browser's file picker (audio files, scenes, lessons); what is chosen arrives
/// through [`take_arrived`]. Must follow a click or key press (browsers require it).
pub fn pick() {
    let Some(document) = super::window().and_then(|w| w.document()) else { return };
    let Ok(element) = document.create_element("input") else { return };
    let Ok(input) = element.dyn_into::<web_sys::HtmlInputElement>() else { return };
    input.set_type("file");
    input.set_multiple(true);
    input.set_accept(".wav,.flac,.mp3,.ogg,.toml,audio/*");
    let chosen = input.clone();
    let change = Closure::<dyn FnMut()>::new(move || {
        if let Some(list) = chosen.files() {
            read_files(&list);
        }
    });
    input.set_onchange(Some(change.as_ref().unchecked_ref()));
    change.forget();
    input.click();
}
