//! `headroom-lab measure`: the measurements of a scene (or a converter preset) as CSV, the
//! same table the app's "Export > Measurements as CSV" writes, computed by the same readers.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, print_line};
use crate::chain::scene::{Scene, Screen as SceneScreen};
use crate::lesson::measure::{DESK_SECS, SimState, measure};
use crate::lesson::quantity::Scope;

/// What to measure.
#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// A scene file (the desk's meters after a full render, or the converter's measurements
    /// for a converter scene).
    #[arg(long, value_name = "FILE.toml", conflicts_with = "preset")]
    pub scene: Option<PathBuf>,
    /// A converter preset instead.
    #[arg(long)]
    pub preset: Option<String>,
    /// Write the CSV here (atomically) instead of to standard output.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
}

/// Runs `measure`.
///
/// # Errors
/// An unreadable scene, an unknown preset, settings out of range, an unwritable file.
pub fn run(args: &MeasureArgs) -> Result<(), CliError> {
    let (state, title) = match (&args.scene, &args.preset) {
        (Some(path), _) => {
            let scene = Scene::load(path)?;
            let screen = match scene.screen {
                SceneScreen::Converter => Scope::Converter,
                SceneScreen::Chain => Scope::Desk,
            };
            let title = scene.name.clone();
            let converter = scene.converter.clone().unwrap_or_default();
            (SimState { screen, converter, scene, ..SimState::default() }, title)
        }
        (None, Some(key)) => {
            let p = crate::sim::presets::find(key).ok_or_else(|| format!("unknown preset '{key}'"))?;
            (SimState { screen: Scope::Converter, converter: p.params, ..SimState::default() }, p.title.to_string())
        }
        (None, None) => return Err(CliError("give --scene FILE or --preset NAME".into())),
    };
    let measured = measure(&state, state.scene.duration_secs.unwrap_or(DESK_SECS))?;
    let stamp = crate::figures::timestamp(std::time::SystemTime::now());
    let csv = crate::figures::measurements_csv(&measured, &title, &stamp);
    match &args.out {
        Some(path) => crate::fsutil::write_bytes_atomic(path, csv.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => print_line(csv.trim_end()),
    }
    Ok(())
}
