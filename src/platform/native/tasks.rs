//! Background work on the desktop: a thread per task.

use std::thread::JoinHandle;

/// Work running beside the app; [`Task::poll`] takes its result once it is done.
#[derive(Debug)]
pub struct Task<T>(Option<JoinHandle<T>>);

/// Starts `work` in a thread of its own.
pub fn spawn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Task<T> {
    Task(Some(std::thread::spawn(work)))
}

impl<T> Task<T> {
    /// The result, once: `Some(Err)` when the work panicked.
    ///
    /// # Errors
    /// The work panicked.
    pub fn poll(&mut self) -> Option<Result<T, String>> {
        if !self.0.as_ref()?.is_finished() {
            return None;
        }
        let handle = self.0.take()?;
        Some(handle.join().map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the work failed".into())
        }))
    }

    /// Whether the result has been taken or the work still runs.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.0.is_none()
    }
}

/// Waits `secs` (the app's fade-out before it closes the device).
pub fn sleep_secs(secs: f64) {
    std::thread::sleep(std::time::Duration::from_secs_f64(secs.max(0.0)));
}
