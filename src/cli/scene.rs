//! `headroom-lab scene check` and `render --scene`: scenes from the command line.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{Value, json};

use super::{CliError, print_json, print_line};
use crate::chain::band::LOOP_SECS;
use crate::chain::engine::{Chain, StageId};
use crate::chain::scene::Scene;

/// Scene subcommands.
#[derive(Debug, Subcommand)]
pub enum SceneCommand {
    /// Validate a scene file: exit 0 if it loads, 2 with the file, line and field if not.
    Check {
        /// The scene file.
        file: PathBuf,
    },
}

/// Runs a scene subcommand.
///
/// # Errors
/// The located error of a bad scene.
pub fn run(cmd: &SceneCommand) -> Result<(), CliError> {
    match cmd {
        SceneCommand::Check { file } => {
            let scene = Scene::load(file).map_err(|e| CliError(e.to_string()))?;
            // Files named by tracks must be readable too.
            Chain::new(&scene).map_err(|e| CliError(format!("{}: {e}", file.display())))?;
            print_line(&format!("{}: ok, {:?}, {} track(s)", file.display(), scene.name, scene.tracks.len()));
            Ok(())
        }
    }
}

/// Renders one stage of a scene to WAV and/or JSON.
///
/// # Errors
/// A bad scene, an unknown stage or an unwritable output.
pub fn render_stage(
    file: &Path,
    stage_name: &str,
    seconds: Option<f64>,
    out: Option<&Path>,
    choice: super::render::FileChoice,
    as_json: bool,
) -> Result<(), CliError> {
    let scene = Scene::load(file).map_err(|e| CliError(e.to_string()))?;
    let stage = StageId::parse(stage_name, &scene).map_err(CliError)?;
    let mut chain = Chain::new(&scene).map_err(CliError)?;
    let secs = seconds.or(scene.duration_secs).unwrap_or(LOOP_SECS);
    let frames = (secs * scene.sample_rate_hz).round().max(1.0) as usize;
    let samples = chain.render(stage, frames);
    chain.measure_noise_floors(1.0);
    let (rate, natural) = match stage {
        StageId::Export => (scene.export_rate_hz(), scene.export.bits),
        StageId::TrackAdc(i) => (scene.sample_rate_hz, scene.tracks[i].bits),
        _ => (scene.sample_rate_hz, crate::dsp::quantizer::BitDepth::Float32),
    };
    if let Some(path) = out {
        crate::audio::export::write(path, rate, &samples, choice.settings_for(natural), scene.seed)
            .map_err(CliError)?;
    }
    let readout = chain.stage_readout(stage);
    if as_json {
        let mut report = json!({
            "scene": scene.name,
            "stage": stage_name,
            "sample_rate": rate,
            "channels": samples.len(),
            "frames": samples.first().map_or(0, Vec::len),
            "duration_s": samples.first().map_or(0.0, |c| c.len() as f64 / rate),
        });
        if let (Value::Object(map), Ok(Value::Object(meters))) = (&mut report, serde_json::to_value(readout)) {
            map.extend(meters);
            if stage == StageId::Master {
                let r = chain.readout();
                map.insert("limiter_gain_reduction_db".into(), json!(r.limiter_gain_reduction_db));
            }
        }
        print_json(&report);
    } else {
        print_line(&format!(
            "{} / {stage_name}: {} frames at {rate} Hz",
            scene.name,
            samples.first().map_or(0, Vec::len)
        ));
        let opt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |x| format!("{x:.2}"));
        print_line(&format!(
            "sample peak {:.2} dBFS, true peak {} dBTP, RMS {:.2} dBFS, clipped {}",
            readout.sample_peak_dbfs,
            opt(readout.true_peak_dbtp),
            readout.rms_dbfs,
            readout.clipped_samples
        ));
        print_line(&format!(
            "loudness: integrated {} LUFS, LRA {} LU, PLR {} dB; noise floor {} dBFS",
            opt(readout.lufs_integrated),
            opt(readout.loudness_range_lu),
            opt(readout.plr_db),
            opt(readout.noise_floor_dbfs)
        ));
    }
    Ok(())
}
