//! `headroom-lab analyze`: measure a WAV file.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{CliError, print_json, print_line};
use crate::analysis::levels;
use crate::analysis::loudness::LoudnessMeter;
use crate::units::{amp_to_db, power_to_db};
use crate::wav::{self, SampleFormat};

/// Options of `analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The WAV file.
    pub file: PathBuf,
    /// Print the measurements as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `analyze`.
///
/// # Errors
/// When the file cannot be read as WAV.
pub fn run(args: &AnalyzeArgs) -> Result<(), CliError> {
    let audio = wav::read_file(&args.file).map_err(|e| CliError(format!("{}: {e}", args.file.display())))?;
    let per_channel: Vec<levels::Levels> = audio.channels.iter().map(|c| levels::measure(c)).collect();
    let peak = per_channel.iter().map(|l| l.sample_peak).fold(0.0, f64::max);
    let true_peak = per_channel.iter().map(|l| l.true_peak_dbtp).fold(f64::NEG_INFINITY, f64::max);
    let total: usize = audio.channels.iter().map(Vec::len).sum();
    let sum2: f64 = audio.channels.iter().flatten().map(|x| x * x).sum();
    let sum: f64 = audio.channels.iter().flatten().sum();
    let rms_dbfs = power_to_db(sum2 / total as f64);
    let peak_dbfs = amp_to_db(peak);
    let mut loud = LoudnessMeter::new(audio.channels.len(), f64::from(audio.sample_rate));
    let planar: Vec<&[f64]> = audio.channels.iter().map(Vec::as_slice).collect();
    loud.process(&planar);
    let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
    let integrated = finite(loud.integrated());
    let format = match audio.format {
        SampleFormat::Int(b) => format!("{b}-bit integer"),
        SampleFormat::Float(b) => format!("{b}-bit float"),
    };
    let report = json!({
        "file": args.file.display().to_string(),
        "format": format,
        "sample_rate": audio.sample_rate,
        "channels": audio.channels.len(),
        "frames": audio.frames(),
        "duration_s": audio.duration_secs(),
        "sample_peak_dbfs": peak_dbfs,
        "true_peak_dbtp": true_peak,
        "rms_dbfs": rms_dbfs,
        "crest_factor_db": peak_dbfs - rms_dbfs,
        "clipped_samples": audio.clipped_samples,
        "headroom_db": -peak_dbfs,
        "true_peak_headroom_db": -true_peak,
        "dc_offset": sum / total as f64,
        "lufs_integrated": integrated,
        "lufs_momentary_max": finite(loud.momentary_max()),
        "lufs_short_term_max": finite(loud.short_term_max()),
        "loudness_range_lu": loud.loudness_range(),
        "plr_db": integrated.map(|i| true_peak - i),
    });
    if args.json {
        print_json(&report);
    } else {
        print_line(&format!(
            "{}: {format}, {} Hz, {} channel(s), {} frames ({:.3} s)",
            args.file.display(),
            audio.sample_rate,
            audio.channels.len(),
            audio.frames(),
            audio.duration_secs()
        ));
        print_line(&format!("sample peak   {peak_dbfs:8.2} dBFS   (headroom {:.2} dB)", -peak_dbfs));
        print_line(&format!("true peak     {true_peak:8.2} dBTP"));
        print_line(&format!("RMS           {rms_dbfs:8.2} dBFS   (crest factor {:.2} dB)", peak_dbfs - rms_dbfs));
        print_line(&format!("clipped       {:8} samples", audio.clipped_samples));
        print_line(&format!("DC offset     {:8.6}", sum / total as f64));
        let show = |v: Option<f64>| v.map_or_else(|| "  -inf".to_string(), |x| format!("{x:8.2}"));
        print_line(&format!(
            "loudness      {} LUFS integrated, {} LUFS max momentary, {} LUFS max short-term",
            show(integrated),
            show(finite(loud.momentary_max())),
            show(finite(loud.short_term_max()))
        ));
        print_line(&format!("range         {:8.2} LU", loud.loudness_range()));
    }
    Ok(())
}
