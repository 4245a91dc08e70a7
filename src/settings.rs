//! The presentation settings a teacher expects the app to remember (theme, UI scale), saved
//! as JSON in the data folder. Written atomically; a damaged file is set aside with a warning.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ui::theme::ThemeKind;

/// The smallest and largest UI scale.
pub const SCALE_RANGE: (f32, f32) = (1.0, 3.0);
/// One step of the UI scale (keyboard and menu).
pub const SCALE_STEP: f32 = 0.25;

/// What is remembered between sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Colour theme.
    pub theme: ThemeKind,
    /// UI scale, 1 to 3.
    pub ui_scale: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { theme: ThemeKind::Dark, ui_scale: 1.0 }
    }
}

/// `scale` kept within [`SCALE_RANGE`] (a non-finite value gives 1).
#[must_use]
pub fn clamp_scale(scale: f32) -> f32 {
    if scale.is_finite() { scale.clamp(SCALE_RANGE.0, SCALE_RANGE.1) } else { 1.0 }
}

/// Settings and where they live.
#[derive(Clone, Debug)]
pub struct SettingsStore {
    path: Option<PathBuf>,
    /// As last loaded or saved.
    pub settings: Settings,
    /// What went wrong when loading, to tell the user once.
    pub warning: Option<String>,
}

impl SettingsStore {
    /// Loads the settings from `path` (none: kept in memory only); a missing file gives the
    /// defaults, a damaged one is set aside and reported in `warning`.
    #[must_use]
    pub fn open(path: Option<PathBuf>) -> Self {
        let (loaded, warning) = path
            .as_deref()
            .map_or((None, None), |p| crate::fsutil::load_json_or_set_aside::<Settings>(p, "the settings"));
        let mut settings = loaded.unwrap_or_default();
        settings.ui_scale = clamp_scale(settings.ui_scale);
        Self { path, settings, warning }
    }

    /// Where they are saved.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Remembers `settings`, saving them atomically when they differ from what was saved.
    ///
    /// # Errors
    /// The file cannot be written (the settings are kept in memory all the same).
    pub fn update(&mut self, settings: Settings) -> Result<(), String> {
        if settings == self.settings {
            return Ok(());
        }
        self.settings = settings;
        match &self.path {
            Some(p) => crate::fsutil::save_json(p, &self.settings),
            None => Ok(()),
        }
    }
}

/// The settings file in a data folder.
#[must_use]
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join("settings.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_remembered_and_a_damaged_file_is_set_aside() {
        let dir = std::env::temp_dir().join(format!("hl-settings-{}", std::process::id()));
        let path = path_in(&dir);
        let mut store = SettingsStore::open(Some(path.clone()));
        assert_eq!(store.settings, Settings::default());
        store.update(Settings { theme: ThemeKind::Projector, ui_scale: 2.0 }).expect("saves");
        let again = SettingsStore::open(Some(path.clone()));
        assert_eq!(again.settings.theme, ThemeKind::Projector);
        assert!((again.settings.ui_scale - 2.0).abs() < 1e-6);

        std::fs::write(&path, b"{\"theme\": \"neon\"}").expect("write");
        let fresh = SettingsStore::open(Some(path.clone()));
        assert_eq!(fresh.settings, Settings::default());
        assert!(fresh.warning.as_deref().is_some_and(|w| w.contains("damaged")), "{:?}", fresh.warning);
        assert!(!path.exists(), "moved aside, not overwritten");
        std::fs::write(&path, b"{\"ui_scale\": 40.0}").expect("write");
        assert!((SettingsStore::open(Some(path)).settings.ui_scale - 3.0).abs() < 1e-6, "clamped");
        let _ = std::fs::remove_dir_all(dir);
    }
}
