//! The web page's side of [`crate::platform`] (wasm32 in a browser, one thread).

pub mod entry;
pub mod files;
pub mod fs;
pub mod sound;
pub mod tasks;

/// The clock: a page has no CPU clock per thread.
pub mod clock {
    /// The wall clock (the browser's `Date.now()`: std's clock does not exist in the page).
    #[must_use]
    pub fn now() -> std::time::SystemTime {
        std::time::UNIX_EPOCH + std::time::Duration::from_secs_f64(js_sys::Date::now().max(0.0) / 1e3)
    }

    /// A number that differs between two pages opened at the same instant.
    #[must_use]
    pub fn run_id() -> u64 {
        (js_sys::Math::random() * 4_294_967_296.0) as u64
    }

    /// Not on the web page: callers fall back to the page's clock.
    #[must_use]
    pub fn thread_cpu_time() -> Option<std::time::Duration> {
        None
    }
}

/// The page's window, if there is one.
fn window() -> Option<web_sys::Window> {
    web_sys::window()
}
