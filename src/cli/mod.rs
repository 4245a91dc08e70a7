//! The command line: `render` converts a signal (or a stage of a scene) to WAV, `analyze`
//! measures a WAV file; without a subcommand the app opens.

mod analyze;
mod lessons;
mod measure;
mod record;
mod render;
mod scene;

pub use analyze::measure_file;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::{AaFilter, AaFilterKind};
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind, NoiseShaping, QuantizerSettings, Rounding};
use crate::dsp::source::{SourceKind, SourceParams};

/// Headroom Lab: an interactive simulator for learning digital audio.
#[derive(Debug, Parser)]
#[command(name = "headroom-lab", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without a subcommand the app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the app (when no subcommand is given).
    #[command(flatten)]
    pub app: AppArgs,
}

/// Options of the app window.
#[derive(Debug, Clone, Args)]
#[allow(clippy::struct_excessive_bools, reason = "command-line flags are booleans")]
pub struct AppArgs {
    /// Open with a converter preset: default, aliasing, square-aliasing, 4-bit, dither-tiny,
    /// clipping, inter-sample-peak, staircase, live-input (the microphone).
    #[arg(long)]
    pub preset: Option<String>,
    /// Render some frames, save a PNG of the window here and exit.
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot.
    #[arg(long, default_value_t = 10)]
    pub frames: u32,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Run N frames, print the median and 95th percentile frame time and the app's own CPU
    /// time per frame, and exit.
    #[arg(long, value_name = "N")]
    pub bench_frames: Option<u32>,
    /// With --bench-frames: measure an empty window (the baseline) instead of the app.
    #[arg(long)]
    pub bench_empty: bool,
    /// Run this many seconds, print what the sound output did (device, latency, underruns,
    /// reopenings) and exit.
    #[arg(long, value_name = "SECS")]
    pub run_secs: Option<f64>,
    /// UI scale, 1 to 3 (default: the one last chosen in the app).
    #[arg(long)]
    pub scale: Option<f32>,
    /// Start in the projector theme (default: the theme last chosen in the app).
    #[arg(long)]
    pub projector: bool,
    /// Start with the transport running.
    #[arg(long)]
    pub play: bool,
    /// Open a scene file (the desk, or the converter screen for converter scenes).
    #[arg(long, value_name = "FILE.toml")]
    pub scene: Option<PathBuf>,
    /// Add an audio file (WAV, FLAC, MP3, Ogg) as a track on the desk.
    #[arg(long, value_name = "FILE")]
    pub add_track: Option<PathBuf>,
    /// Do not open the audio device: visual only.
    #[arg(long)]
    pub no_audio: bool,
    /// Open the desk's live input and hear it through the desk (use headphones).
    #[arg(long)]
    pub hear_input: bool,
    /// Open a window or menu at the start: blind-test, export, shortcuts (the `?` list), demos or view.
    #[arg(long, value_name = "WINDOW")]
    pub open: Option<crate::app::StartWindow>,
    /// Open the lesson panel at the start, with this lesson (its id) if given.
    #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "")]
    pub lesson: Option<String>,
    /// Keep progress and your own lessons here instead of the platform's data folder.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(|| format!("size must be WIDTHxHEIGHT (got '{s}')"))?;
    let parse = |v: &str| v.trim().parse::<u32>().map_err(|_| format!("size must be WIDTHxHEIGHT (got '{s}')"));
    let (w, h) = (parse(w)?, parse(h)?);
    if !(320..=7680).contains(&w) || !(240..=4320).contains(&h) {
        return Err(format!("size must be between 320x240 and 7680x4320 (got {w}x{h})"));
    }
    Ok((w, h))
}

/// A model signal by name; the live input is the app's (or `record`'s), not the model's.
fn parse_signal(s: &str) -> Result<SourceKind, String> {
    match s.parse::<SourceKind>()? {
        SourceKind::LiveInput => {
            Err("live input is the app's microphone, not a model signal; record it with `headroom-lab record`".into())
        }
        kind => Ok(kind),
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert a signal and write the converter's output as WAV.
    Render(render::RenderArgs),
    /// Measure an audio file (WAV, FLAC, MP3, Ogg): peaks, RMS, crest factor, clipping, DC,
    /// loudness; streamed, in constant memory.
    Analyze(analyze::AnalyzeArgs),
    /// Check lesson files.
    #[command(subcommand)]
    Lessons(lessons::LessonsCommand),
    /// The measurements of a scene or a converter preset as CSV (as the app exports them).
    Measure(measure::MeasureArgs),
    /// Record a take from the default input through preamp and converter (WAV), and measure it.
    Record(record::RecordArgs),
    /// Work with scene files.
    #[command(subcommand)]
    Scene(scene::SceneCommand),
}

/// The converter's settings as command-line options.
#[derive(Debug, Clone, Args)]
pub struct ConverterArgs {
    /// Source: sine, square, sawtooth, triangle, white-noise, pink-noise, sweep, two-tone,
    /// impulse.
    #[arg(long, default_value = "sine", value_parser = parse_signal)]
    pub signal: SourceKind,
    /// Frequency in Hz (fundamental, first tone, sweep start, click rate).
    #[arg(long, default_value_t = 997.0, allow_negative_numbers = true)]
    pub freq: f64,
    /// Second frequency in Hz (second tone, sweep end).
    #[arg(long, default_value_t = 20_000.0, allow_negative_numbers = true)]
    pub freq2: f64,
    /// Peak level in dBFS (noise: RMS of a sine of that peak).
    #[arg(long, default_value_t = -1.0, allow_negative_numbers = true)]
    pub level_dbfs: f64,
    /// Starting phase in degrees.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub phase_deg: f64,
    /// Duration of one sweep in seconds.
    #[arg(long, default_value_t = 5.0, allow_negative_numbers = true)]
    pub sweep_secs: f64,
    /// Analog gain before the converter, in dB.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub gain_db: f64,
    /// Analog noise floor (RMS in 20 Hz-20 kHz) in dBFS; none by default.
    #[arg(long, allow_negative_numbers = true)]
    pub noise_floor_dbfs: Option<f64>,
    /// Sample rate in Hz, any value from 1000 to 192000.
    #[arg(long, default_value_t = 48_000.0, allow_negative_numbers = true)]
    pub sample_rate: f64,
    /// Anti-alias filter: off, gentle or steep.
    #[arg(long, default_value = "steep")]
    pub aa_filter: AaFilterKind,
    /// Anti-alias filter cutoff in Hz (default 0.9 x Nyquist).
    #[arg(long, allow_negative_numbers = true)]
    pub aa_cutoff: Option<f64>,
    /// Bit depth: 1 to 24, or 32f for 32-bit float.
    #[arg(long, default_value = "16")]
    pub bits: BitDepth,
    /// round or truncate.
    #[arg(long, default_value = "round")]
    pub rounding: Rounding,
    /// Dither: none, rpdf or tpdf.
    #[arg(long, default_value = "none")]
    pub dither: DitherKind,
    /// Dither peak amplitude in LSB (default 0.5 for RPDF, 1 for TPDF).
    #[arg(long, allow_negative_numbers = true)]
    pub dither_lsb: Option<f64>,
    /// Noise shaping: off, first-order, second-order, f-weighted.
    #[arg(long, default_value = "off")]
    pub noise_shaping: NoiseShaping,
    /// Seed of noise and dither.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub seed: u64,
}

impl ConverterArgs {
    /// The converter parameters these options describe.
    #[must_use]
    pub fn params(&self) -> ConverterParams {
        ConverterParams {
            source: SourceParams {
                kind: self.signal,
                freq_hz: self.freq,
                freq2_hz: self.freq2,
                level_dbfs: self.level_dbfs,
                phase_deg: self.phase_deg,
                sweep_secs: self.sweep_secs,
            },
            analog_gain_db: self.gain_db,
            noise_floor_dbfs: self.noise_floor_dbfs,
            sample_rate_hz: self.sample_rate,
            aa_filter: AaFilter { kind: self.aa_filter, cutoff_hz: self.aa_cutoff },
            quantizer: QuantizerSettings {
                bit_depth: self.bits,
                rounding: self.rounding,
                dither: Dither { kind: self.dither, amplitude_lsb: self.dither_lsb },
                noise_shaping: self.noise_shaping,
            },
            seed: self.seed,
            ..ConverterParams::default()
        }
    }
}

/// A failure that ends the program with exit code 2 and a one-line message.
#[derive(Debug)]
pub struct CliError(pub String);

impl<T: std::fmt::Display> From<T> for CliError {
    fn from(e: T) -> Self {
        Self(e.to_string())
    }
}

/// Runs the command line; returns the process exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line: clap's first line names the option and the problem.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments").trim();
            eprintln!("{first}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Some(Command::Render(args)) => render::run(&args),
        Some(Command::Analyze(args)) => analyze::run(&args),
        Some(Command::Scene(cmd)) => scene::run(&cmd),
        Some(Command::Lessons(cmd)) => lessons::run(&cmd),
        Some(Command::Measure(args)) => measure::run(&args),
        Some(Command::Record(args)) => record::run(&args),
        None => return run_app(&cli.app),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run_app(args: &AppArgs) -> ExitCode {
    match app_options(args) {
        Ok(options) => crate::app::run(options),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The app's options from its command-line (or, on the web page, address) options.
///
/// # Errors
/// An unknown preset, a scene that does not load, a scale out of range, as a sentence.
pub fn app_options(args: &AppArgs) -> Result<crate::app::AppOptions, String> {
    if let Some(p) = &args.preset
        && crate::sim::presets::find(p).is_none()
    {
        let keys: Vec<&str> = crate::sim::presets::all().iter().map(|p| p.key).collect();
        return Err(format!("unknown preset '{p}' (presets: {})", keys.join(", ")));
    }
    if let Some(path) = &args.scene
        && let Err(e) = crate::chain::scene::Scene::load(path)
    {
        return Err(e.to_string());
    }
    if let Some(scale) = args.scale
        && !(1.0..=3.0).contains(&scale)
    {
        return Err(format!("--scale must be between 1 and 3 (got {scale})"));
    }
    Ok(crate::app::AppOptions {
        preset: args.preset.clone(),
        screenshot: args.screenshot.clone(),
        frames: args.frames,
        size: args.size,
        bench_frames: args.bench_frames,
        bench_empty: args.bench_empty,
        run_secs: args.run_secs,
        scale: args.scale,
        theme: args.projector.then_some(crate::ui::theme::ThemeKind::Projector),
        play: args.play,
        scene: args.scene.clone(),
        add_track: args.add_track.clone(),
        audio: !args.no_audio,
        hear_input: args.hear_input,
        open: args.open,
        data_dir: args.data_dir.clone(),
        lesson: args.lesson.clone(),
    })
}

/// Prints a JSON value on standard output.
#[allow(clippy::print_stdout, reason = "the command line's output is its purpose")]
fn print_json(value: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// Prints a line of the human-readable report on standard output.
#[allow(clippy::print_stdout, reason = "the command line's output is its purpose")]
fn print_line(line: &str) {
    println!("{line}");
}
