//! The demo library: scene files a teacher opens with one key, in the order a class meets the
//! topics (`assets/demos/NN-name.toml`), then the scenes the teacher saved
//! (`scenes/` in the data folder). Same format as the desk's scenes; a broken file is listed
//! with its located error and the others stay usable.

use std::path::{Path, PathBuf};

use crate::chain::scene::Scene;

/// One demo.
#[derive(Clone, Debug, PartialEq)]
pub struct Demo {
    /// The file it came from.
    pub path: PathBuf,
    /// The scene.
    pub scene: Scene,
    /// Saved by the teacher (not shipped).
    pub saved: bool,
}

/// Every demo found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemoLibrary {
    /// Shipped demos in file-name order, then the saved scenes.
    pub demos: Vec<Demo>,
    /// Files that could not be loaded, with why (file, line and field).
    pub broken: Vec<String>,
    /// Where saved scenes go.
    pub save_dir: Option<PathBuf>,
}

/// The shipped demos: `assets/demos` (or `$HEADROOM_LAB_DEMOS`).
#[must_use]
pub fn builtin_dir() -> Option<PathBuf> {
    crate::fsutil::shipped_dir("HEADROOM_LAB_DEMOS", "assets/demos")
}

/// Where saved scenes go in a data folder.
#[must_use]
pub fn saved_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("scenes")
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    crate::platform::fs::read_dir(dir)
        .map(|entries| entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")).collect())
        .unwrap_or_default()
}

impl DemoLibrary {
    /// Loads the shipped demos from `builtin` and the saved scenes from `saved` (made on the
    /// first save).
    #[must_use]
    pub fn load(builtin: Option<&Path>, saved: Option<&Path>) -> Self {
        let mut lib = Self { save_dir: saved.map(Path::to_path_buf), ..Self::default() };
        for (dir, is_saved) in [(builtin, false), (saved, true)] {
            let Some(dir) = dir else { continue };
            for path in toml_files(dir) {
                match Scene::load(&path) {
                    Ok(scene) => lib.demos.push(Demo { path, scene, saved: is_saved }),
                    Err(e) => lib.broken.push(e.to_string()),
                }
            }
        }
        lib
    }

    /// Loads the default folders (`data_dir`: the data folder, if any).
    #[must_use]
    pub fn load_default(data_dir: Option<&Path>) -> Self {
        let saved = data_dir.map(Path::to_path_buf).or_else(crate::fsutil::data_dir).map(|d| saved_dir(&d));
        Self::load(builtin_dir().as_deref(), saved.as_deref())
    }

    /// Saves `scene` under its name in the saved folder (never over another file) and adds
    /// it to the library; returns where it went.
    ///
    /// # Errors
    /// No data folder, or the file cannot be written.
    pub fn save(&mut self, scene: &Scene) -> Result<PathBuf, String> {
        let dir = self.save_dir.clone().ok_or("no data folder to save scenes in")?;
        crate::platform::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        let path = crate::figures::unused_path(&dir, &crate::figures::slug(&scene.name), "toml");
        scene.save(&path)?;
        // Read back what was written, so the library holds exactly what the next session loads.
        let back = Scene::load(&path).map_err(|e| e.to_string())?;
        self.demos.push(Demo { path: path.clone(), scene: back, saved: true });
        Ok(path)
    }
}
