//! Each student's progress through the lessons, saved as JSON in their data folder. Written
//! atomically; a file that cannot be read is moved aside with a warning (never deleted) and
//! the student starts afresh.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Progress through one lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LessonProgress {
    /// Steps done (0-based).
    pub done: BTreeSet<usize>,
    /// The step the student is on.
    pub current: usize,
    /// Steps where the student used "show me".
    pub shown: BTreeSet<usize>,
}

impl LessonProgress {
    /// Whether every one of `steps` steps is done.
    #[must_use]
    pub fn complete(&self, steps: usize) -> bool {
        steps > 0 && (0..steps).all(|i| self.done.contains(&i))
    }
}

/// Progress through every lesson, by lesson id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Progress {
    /// Format version.
    pub version: u32,
    /// This student's seed: the numbers of every problem drawn per student come from it, so
    /// neighbours get different ones and each student keeps theirs (0: not drawn yet).
    pub seed: u64,
    /// By lesson id.
    pub lessons: BTreeMap<String, LessonProgress>,
}

/// A new student's seed: different for each (the clock and the process), never 0.
#[must_use]
pub fn new_seed() -> u64 {
    let nanos = crate::platform::clock::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    // SplitMix64's finaliser spreads nearby clocks far apart.
    let mut z = (nanos as u64) ^ (crate::platform::clock::run_id() << 32) ^ 0x9e37_79b9_7f4a_7c15;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)).max(1)
}

/// Progress and where it lives.
#[derive(Clone, Debug)]
pub struct ProgressStore {
    path: Option<PathBuf>,
    /// The progress.
    pub progress: Progress,
    /// What went wrong when loading (a file set aside), to tell the student once.
    pub warning: Option<String>,
}

/// The progress file in the data folder.
#[must_use]
pub fn default_path() -> Option<PathBuf> {
    crate::fsutil::data_dir().map(|d| d.join("progress.json"))
}

impl ProgressStore {
    /// Loads progress from `path` (none: kept in memory only). A missing file is a fresh
    /// start; one that cannot be read or parsed is set aside and reported in `warning`.
    #[must_use]
    pub fn open(path: Option<PathBuf>) -> Self {
        let mut store = Self { path, progress: Progress { version: 1, ..Progress::default() }, warning: None };
        let Some(p) = store.path.clone() else {
            store.progress.seed = new_seed();
            return store;
        };
        let (loaded, warning) = crate::fsutil::load_json_or_set_aside::<Progress>(&p, "your progress");
        if let Some(progress) = loaded {
            store.progress = progress;
        }
        store.warning = warning;
        if store.progress.seed == 0 {
            store.progress.seed = new_seed();
        }
        store
    }

    /// Where it is saved.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The progress of lesson `id`, created if new.
    pub fn lesson_mut(&mut self, id: &str) -> &mut LessonProgress {
        self.progress.lessons.entry(id.to_string()).or_default()
    }

    /// The progress of lesson `id`.
    #[must_use]
    pub fn lesson(&self, id: &str) -> Option<&LessonProgress> {
        self.progress.lessons.get(id)
    }

    /// Saves atomically (a temporary file, then a rename).
    ///
    /// # Errors
    /// The folder cannot be made or the file cannot be written.
    pub fn save(&self) -> Result<(), String> {
        let Some(path) = &self.path else { return Ok(()) };
        crate::fsutil::save_json(path, &self.progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_survives_a_round_trip_and_a_damaged_file_is_set_aside() {
        let dir = std::env::temp_dir().join(format!("hl-progress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("progress.json");
        let mut store = ProgressStore::open(Some(path.clone()));
        assert!(store.warning.is_none());
        store.lesson_mut("aliasing").done.insert(0);
        store.lesson_mut("aliasing").current = 1;
        store.save().expect("saves");
        let again = ProgressStore::open(Some(path.clone()));
        assert_eq!(again.progress, store.progress);
        assert_ne!(again.progress.seed, 0, "a student's seed is drawn once and kept");

        std::fs::write(&path, b"{ not json").expect("write");
        let fresh = ProgressStore::open(Some(path.clone()));
        assert!(fresh.progress.lessons.is_empty());
        let warning = fresh.warning.expect("a warning");
        assert!(warning.contains("damaged") && warning.contains("corrupt"), "{warning}");
        assert!(!path.exists(), "moved aside");
        let kept: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("progress.json.corrupt-"))
            .collect();
        assert_eq!(kept.len(), 1, "the damaged file is kept");
        assert_eq!(std::fs::read(kept[0].path()).expect("read"), b"{ not json");
        std::fs::remove_dir_all(&dir).ok();
    }
}
