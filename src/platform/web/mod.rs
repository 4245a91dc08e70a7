//! The web page's side of [`crate::platform`] (wasm32 in a browser, one thread).

pub mod entry;
pub mod files;
pub mod fs;
pub mod sound;
pub mod tasks;

/// The clock: a page has no CPU clock per thread.
pub mod clock {
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
