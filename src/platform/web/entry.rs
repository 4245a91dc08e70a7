//! Where the page starts: the app, with the options the page's address gives
//! (`index.html?preset=aliasing&play` is `--preset aliasing --play`), and what the page shows
//! tests and curious teachers in `window.__headroomLab` (reports, the app's state).

use wasm_bindgen::JsValue;

/// The page's canvas the app draws in (`web/index.html` has it).
pub const CANVAS: Option<&str> = Some("#headroom-lab");

/// Whether the app publishes its state for the page ([`publish_status`]).
pub const PUBLISHES_STATUS: bool = true;

/// The command-line words of the page's address: `?a=1&b` is `--a 1 --b`.
fn words_of(search: &str) -> Vec<String> {
    let mut words = vec!["headroom-lab".to_string()];
    for pair in search.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode =
            |s: &str| js_sys::decode_uri_component(&s.replace('+', " ")).map_or_else(|_| s.to_string(), String::from);
        words.push(format!("--{}", decode(k)));
        if !v.is_empty() {
            words.push(decode(v));
        }
    }
    words
}

/// Runs the app in the page.
#[must_use]
pub fn main() -> std::process::ExitCode {
    use clap::Parser;
    let search = super::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let options = match crate::cli::Cli::try_parse_from(words_of(&search)) {
        Ok(cli) => crate::cli::app_options(&cli.app),
        Err(e) => Err(e.to_string()),
    };
    let options = options.unwrap_or_else(|e| {
        web_sys::console::error_1(&JsValue::from_str(&format!("headroom-lab: the page's address: {e}")));
        crate::app::AppOptions::default()
    });
    crate::app::run(crate::app::AppOptions { audio: true, ..options })
}

/// `window.__headroomLab`, made if needed.
fn page_object() -> Option<js_sys::Object> {
    let window = super::window()?;
    let name = JsValue::from_str("__headroomLab");
    let existing = js_sys::Reflect::get(&window, &name).ok().filter(JsValue::is_object);
    if let Some(o) = existing {
        return Some(o.into());
    }
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&window, &name, &o);
    Some(o)
}

/// A line of a report (`bench-frames`, `run-secs`): on the console and in
/// `window.__headroomLab.reports`.
pub fn report(line: &str) {
    web_sys::console::log_1(&JsValue::from_str(line));
    let Some(page) = page_object() else { return };
    let key = JsValue::from_str("reports");
    let reports = js_sys::Reflect::get(&page, &key).ok().filter(js_sys::Array::is_array).map_or_else(
        || {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&page, &key, &a);
            a
        },
        Into::into,
    );
    reports.push(&JsValue::from_str(line));
}

/// The app's state as JSON, in `window.__headroomLab.status` (read by the browser test).
pub fn publish_status(json: &str) {
    if let Some(page) = page_object() {
        let _ = js_sys::Reflect::set(&page, &JsValue::from_str("status"), &JsValue::from_str(json));
    }
}

/// Whether the page asked for the widgets (`window.__headroomLab.wantWidgets`).
#[must_use]
pub fn widgets_wanted() -> bool {
    page_object()
        .and_then(|p| js_sys::Reflect::get(&p, &JsValue::from_str("wantWidgets")).ok())
        .is_some_and(|v| v.is_truthy())
}

/// Every labelled widget of the last frame as JSON, in `window.__headroomLab.widgets`.
pub fn publish_widgets(json: &str) {
    if let Some(page) = page_object() {
        let _ = js_sys::Reflect::set(&page, &JsValue::from_str("widgets"), &JsValue::from_str(json));
    }
}
