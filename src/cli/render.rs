//! `headroom-lab render`: convert a signal and write the output as WAV.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{CliError, ConverterArgs, print_json, print_line};
use crate::analysis::aliasing;
use crate::analysis::levels;
use crate::analysis::sine_test::sine_test;
use crate::analysis::spectrum::SpectrumAnalyzer;
use crate::analysis::theory::{theory_noise_dbfs, theory_snr_db};
use crate::analysis::window::Window;
use crate::audio::export::{self, ExportSettings, FileFormat};
use crate::audio::program::{ListenSpec, render_offline};
use crate::audio::voice::ConverterTap;
use crate::dsp::converter::Converter;
use crate::dsp::quantizer::{BitDepth, DitherKind};
use crate::dsp::source::SourceKind;

/// Longest render, in seconds.
pub(super) const MAX_SECONDS: f64 = 600.0;

/// Options of `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The converter's settings.
    #[command(flatten)]
    pub converter: ConverterArgs,
    /// Duration in seconds (default: 2 s for a signal, the scene's length for a scene).
    #[arg(long, allow_negative_numbers = true)]
    pub seconds: Option<f64>,
    /// Render a stage of this scene file instead of a converter signal.
    #[arg(long)]
    pub scene: Option<PathBuf>,
    /// The stage of the scene: track:NAME (or track:NAME:adc, :insert, :source), bus,
    /// master or export.
    #[arg(long, default_value = "master")]
    pub stage: String,
    /// Output WAV file (written atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to write of a converter signal: output (the converter's samples), analog (the
    /// source after the analog gain, at 48 kHz) or error (the quantization error alone).
    #[arg(long, default_value = "output")]
    pub point: ConverterTap,
    /// Sample format of the file: 16, 24 or 32f (default: one that holds the samples exactly).
    #[arg(long)]
    pub format: Option<FileFormat>,
    /// Dither added when the file's format is shorter than the signal: none, rpdf or tpdf
    /// (default: tpdf when the format cuts bits, none otherwise). `--dither` is the converter's.
    #[arg(long)]
    pub file_dither: Option<DitherKind>,
    /// Print the measurements as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The file format asked for on the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileChoice {
    /// The format, if given.
    pub format: Option<FileFormat>,
    /// The dither, if given.
    pub dither: Option<DitherKind>,
}

impl FileChoice {
    /// The settings for a signal of word length `natural`: by default a format that holds it
    /// exactly, and TPDF dither only when the format is shorter.
    #[must_use]
    pub fn settings_for(self, natural: BitDepth) -> ExportSettings {
        let format = self.format.unwrap_or(match natural {
            BitDepth::Fixed(n) if n <= 16 => FileFormat::Int16,
            BitDepth::Fixed(_) => FileFormat::Int24,
            BitDepth::Float32 => FileFormat::Float32,
        });
        let cuts = match (format.bit_depth(), natural) {
            (BitDepth::Float32, _) => false,
            (BitDepth::Fixed(_), BitDepth::Float32) => true,
            (BitDepth::Fixed(f), BitDepth::Fixed(n)) => f < n,
        };
        let dither = self.dither.unwrap_or(if cuts { DitherKind::Tpdf } else { DitherKind::None });
        ExportSettings { format, dither }
    }
}

/// Runs `render`.
///
/// # Errors
/// Out-of-range options or an unwritable output file.
pub fn run(args: &RenderArgs) -> Result<(), CliError> {
    if let Some(s) = args.seconds
        && !(s.is_finite() && s > 0.0 && s <= MAX_SECONDS)
    {
        return Err(CliError(format!("--seconds must be above 0 and at most {MAX_SECONDS} (got {s})")));
    }
    if args.out.is_none() && !args.json {
        return Err(CliError("nothing to do: give --out FILE.wav and/or --json".into()));
    }
    if let Some(scene) = &args.scene {
        let file = FileChoice { format: args.format, dither: args.file_dither };
        return super::scene::render_stage(scene, &args.stage, args.seconds, args.out.as_deref(), file, args.json);
    }
    let params = args.converter.params();
    let seconds = args.seconds.unwrap_or(2.0);
    let mut converter = Converter::new(&params).map_err(CliError)?;
    let fs = params.sample_rate_hz;
    let frames = (seconds * fs).round().max(1.0) as usize;
    let block = converter.render(0, frames);
    let mut written = None;
    if let Some(out) = &args.out {
        // The file is rendered by the same voice the app plays.
        let spec = ListenSpec::Converter { params: params.clone(), tap: args.point, gain_db: 0.0 };
        let (rate, channels) = render_offline(&spec, None, seconds, 48_000.0).map_err(CliError)?;
        let natural = if args.point == ConverterTap::Output { params.quantizer.bit_depth } else { BitDepth::Float32 };
        let settings = FileChoice { format: args.format, dither: args.file_dither }.settings_for(natural);
        written = Some(export::write(out, rate, &channels, settings, params.seed).map_err(CliError)?);
    }

    // Measure what was written: levels over the whole output, the sine test over up to
    // 65 536 samples from its middle.
    let lv = levels::measure(&block.output);
    let n = frames.min(65_536).next_power_of_two().min(frames.next_power_of_two());
    let n = if n > frames { n / 2 } else { n }.max(256);
    let start = (frames.saturating_sub(n)) / 2;
    let segment = &block.output[start..(start + n).min(frames)];
    let spectrum = SpectrumAnalyzer::new().analyze(segment, fs, n, Window::Kaiser);
    let tonal = params.source.kind == SourceKind::Sine;
    let sine = if tonal { sine_test(&spectrum, Some(params.source.freq_hz)) } else { None };
    let depth = params.quantizer.bit_depth;
    let dither = params.quantizer.dither;
    let level = sine.map_or(params.source.level_dbfs + params.analog_gain_db, |s| s.fundamental_dbfs);
    let theory = theory_snr_db(depth, level.min(0.0), &dither);
    let mut aliases = aliasing::predict(converter.analog(), fs, theory_noise_dbfs(depth, &dither), 32);
    aliasing::measure(&mut aliases, &spectrum);
    let alias_hz: Vec<f64> = aliases.iter().map(|a| (a.alias_hz * 10.0).round() / 10.0).collect();
    let clipped = block.clipped.len();

    if args.json {
        print_json(&json!({
            "signal": params.source.kind.name(),
            "sample_rate": fs,
            "bits": depth.to_string(),
            "frames": frames,
            "snr_db": sine.map(|s| s.snr_db),
            "sinad_db": sine.map(|s| s.sinad_db),
            "snr_excl_harmonics_db": sine.map(|s| s.snr_excl_harmonics_db),
            "thd_db": sine.map(|s| s.thd_db),
            "thd_n_db": sine.map(|s| s.thd_n_db),
            "enob_bits": sine.map(|s| s.enob_bits),
            "fundamental_hz": sine.map(|s| s.fundamental_hz),
            "fundamental_dbfs": sine.map(|s| s.fundamental_dbfs),
            "theory_snr_db": theory,
            "alias_frequencies_hz": alias_hz,
            "aliases": aliases,
            "clipped_samples": clipped,
            "clipped_at": block.clipped.iter().take(1000).collect::<Vec<_>>(),
            "sample_peak_dbfs": lv.sample_peak_dbfs,
            "true_peak_dbtp": lv.true_peak_dbtp,
            "rms_dbfs": lv.rms_dbfs,
            "crest_factor_db": lv.crest_factor_db,
            "dc_offset": lv.dc_offset,
            "headroom_db": lv.headroom_db,
        }));
    } else {
        match (&args.out, written) {
            (Some(out), Some(w)) => print_line(&format!(
                "wrote the {} ({} frames at {} Hz) to {}",
                args.point.name(),
                w.frames,
                w.rate,
                out.display()
            )),
            _ => print_line(&format!("rendered {frames} samples at {fs} Hz, {depth} bits")),
        }
        if let Some(s) = sine {
            print_line(&format!("SNR {:.2} dB (theory {theory:.2} dB), ENOB {:.2} bits", s.snr_db, s.enob_bits));
        }
        print_line(&format!(
            "sample peak {:.2} dBFS, true peak {:.2} dBTP, clipped samples {clipped}",
            lv.sample_peak_dbfs, lv.true_peak_dbtp
        ));
        for a in &aliases {
            print_line(&format!("alias: {:.1} Hz -> {:.1} Hz ({:.1} dBFS)", a.original_hz, a.alias_hz, a.level_dbfs));
        }
    }
    Ok(())
}
