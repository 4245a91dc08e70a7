//! Background work on the web page: there is one thread, so a task runs at once, when it is
//! started, and its result waits for [`Task::poll`]. The work given to it is kept short enough
//! for a frame (the lessons' checks render a few seconds of the desk, not its whole loop).

/// Work already done, its result waiting to be taken.
#[derive(Debug)]
pub struct Task<T>(Option<T>);

/// Runs `work` now.
pub fn spawn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Task<T> {
    Task(Some(work()))
}

impl<T> Task<T> {
    /// The result, once.
    ///
    /// # Errors
    /// Never on the page (a panic there stops the page).
    pub fn poll(&mut self) -> Option<Result<T, String>> {
        self.0.take().map(Ok)
    }

    /// Whether the result has been taken.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.0.is_none()
    }
}

/// The page cannot wait: the sound fades by itself as the page closes.
pub fn sleep_secs(_secs: f64) {}
