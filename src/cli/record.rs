//! `headroom-lab record`: a take from the default input through preamp and converter.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;

use super::{CliError, print_json, print_line};
use crate::audio::input::{InputBackend, InputStream};
use crate::dsp::capture::{Capture, CaptureSettings, CaptureStats};
use crate::dsp::quantizer::BitDepth;

/// Options of `record`.
#[derive(Debug, Args)]
#[command(after_help = "The input is the default input device's first channel, at its own rate; it is \
resampled to --sample-rate when that differs, amplified by --preamp-db, clipped at full scale and \
quantized to --bits (rounding, no dither) as an ADC would. The take is written as mono WAV.\n\n\
Reported: sample peak (dBFS), true peak (dBTP, 4x oversampled), clipped samples (at or beyond full \
scale after the preamp), and the noise floor: the RMS of the take's quietest whole 400 ms block, \
in dBFS (a full-scale sine reads -3.01 dBFS; digital silence -400).\n\n\
Exit code 2 with a one-line reason when there is no input device or it stops.")]
pub struct RecordArgs {
    /// Length of the take, seconds (up to 3600).
    #[arg(long, allow_negative_numbers = true)]
    pub seconds: f64,
    /// The WAV file to write (atomically).
    #[arg(long, value_name = "FILE.wav")]
    pub out: PathBuf,
    /// Preamp gain before the ADC, dB (-40 to 60).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub preamp_db: f64,
    /// The ADC's word length: 1 to 24, or 32f.
    #[arg(long, default_value = "24")]
    pub bits: BitDepth,
    /// The ADC's sample rate in Hz, 8000 to 192000 (default: the input's own rate).
    #[arg(long, allow_negative_numbers = true)]
    pub sample_rate: Option<f64>,
    /// The input device, by name as the app's input track lists it (default: the system's
    /// default input).
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,
    /// Print the measurements as JSON.
    #[arg(long)]
    pub json: bool,
}

/// How long the input may deliver nothing before the take is given up, seconds.
const STALL_SECS: f64 = 3.0;

/// Runs `record` with the platform's default input.
///
/// # Errors
/// Bad options, no input device, an input that stops, a file that cannot be written.
pub fn run(args: &RecordArgs) -> Result<(), CliError> {
    run_with(args, crate::platform::sound::input_backend().as_mut())
}

fn run_with(args: &RecordArgs, backend: &mut dyn InputBackend) -> Result<(), CliError> {
    if !(args.seconds > 0.0 && args.seconds <= 3600.0) {
        return Err(CliError(format!("--seconds must be more than 0 and at most 3600 (got {})", args.seconds)));
    }
    // Checked before the device opens, so a bad option never waits on a device.
    let check_rate = args.sample_rate.unwrap_or(48_000.0);
    CaptureSettings { preamp_db: args.preamp_db, bit_depth: args.bits, sample_rate_hz: check_rate }
        .validate()
        .map_err(CliError)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty())
        && !crate::platform::fs::is_dir(dir)
    {
        return Err(CliError(format!("cannot write {}: no folder {}", args.out.display(), dir.display())));
    }
    let mut input = backend.open_device(args.device.as_deref()).map_err(|e| CliError(format!("cannot record: {e}")))?;
    let rate = args.sample_rate.unwrap_or(input.info().rate);
    let settings = CaptureSettings { preamp_db: args.preamp_db, bit_depth: args.bits, sample_rate_hz: rate };
    settings.validate().map_err(|e| CliError(format!("{e} (the input runs at {} Hz)", input.info().rate)))?;
    let (take, stats, latency) = record(&mut input, settings, args.seconds)?;
    crate::wav::write_file(&args.out, rate as u32, crate::wav::container_for(args.bits), &[take]).map_err(CliError)?;
    report(args, &input, &stats, latency);
    Ok(())
}

/// Records `seconds` of ADC output; returns the take, its measurements and the input latency.
fn record(
    input: &mut InputStream,
    settings: CaptureSettings,
    seconds: f64,
) -> Result<(Vec<f64>, CaptureStats, f64), CliError> {
    let wanted = (seconds * settings.sample_rate_hz).round() as usize;
    let mut capture = Capture::new(input.info().rate, settings).with_limit(wanted as u64);
    let mut take = Vec::with_capacity(wanted + 4096);
    let mut raw = Vec::with_capacity((input.info().rate * 0.5) as usize);
    let mut last_sound = Instant::now();
    while !capture.is_done() {
        std::thread::sleep(Duration::from_millis(10));
        raw.clear();
        if input.read(&mut raw) > 0 {
            last_sound = Instant::now();
            capture.process(&raw, &mut take);
        }
        if let Some(failure) = input.health().failure {
            return Err(CliError(format!("the input stopped: {}", failure.sentence())));
        }
        if last_sound.elapsed().as_secs_f64() > STALL_SECS {
            return Err(CliError(format!("the input ({}) delivered no sound for {STALL_SECS} s", input.info().name)));
        }
    }
    let stats = capture.finish();
    Ok((take, stats, input.health().latency_secs))
}

fn report(args: &RecordArgs, input: &InputStream, s: &CaptureStats, latency_secs: f64) {
    let info = input.info();
    let health = input.health();
    if args.json {
        print_json(&json!({
            "file": args.out.display().to_string(),
            "input_device": info.name,
            "input_rate_hz": info.rate,
            "input_channels": info.channels,
            "input_latency_s": latency_secs,
            "input_overruns": health.underruns,
            "sample_rate_hz": s.sample_rate_hz,
            "bits": args.bits.to_string(),
            "preamp_db": args.preamp_db,
            "duration_s": s.duration_secs(),
            "input_peak_dbfs": s.input_peak_dbfs,
            "sample_peak_dbfs": s.peak_dbfs,
            "true_peak_dbtp": s.true_peak_dbtp,
            "clipped_samples": s.clipped_samples,
            "noise_floor_dbfs": s.noise_floor_dbfs,
        }));
    } else {
        print_line(&format!(
            "{}: {:.3} s at {} Hz, {} bits, preamp {:+.1} dB, from {} ({} Hz, {} channel(s), latency {:.1} ms)",
            args.out.display(),
            s.duration_secs(),
            s.sample_rate_hz,
            args.bits,
            args.preamp_db,
            info.name,
            info.rate,
            info.channels,
            latency_secs * 1e3
        ));
        print_line(&format!("input peak    {:8.2} dBFS   (before the preamp)", s.input_peak_dbfs));
        print_line(&format!("sample peak   {:8.2} dBFS", s.peak_dbfs));
        print_line(&format!("true peak     {:8.2} dBTP", s.true_peak_dbtp));
        print_line(&format!("clipped       {:8} samples", s.clipped_samples));
        let floor = s.noise_floor_dbfs.map_or_else(|| "     -".to_string(), |f| format!("{f:8.2}"));
        print_line(&format!("noise floor   {floor} dBFS   (RMS of the quietest 400 ms)"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::input::NoInput;

    fn args(seconds: f64) -> RecordArgs {
        RecordArgs {
            seconds,
            out: std::env::temp_dir().join("hl-record-unit.wav"),
            preamp_db: 0.0,
            bits: BitDepth::Fixed(16),
            sample_rate: None,
            json: true,
            device: None,
        }
    }

    #[test]
    fn no_device_and_bad_options_are_one_line_errors() {
        let mut none = NoInput("no audio input device found".into());
        let e = run_with(&args(1.0), &mut none).err().map(|e| e.0).unwrap_or_default();
        assert_eq!(e, "cannot record: no audio input device found");
        let e = run_with(&args(-1.0), &mut none).err().map(|e| e.0).unwrap_or_default();
        assert!(e.starts_with("--seconds"), "{e}");
        // A folder that does not exist is refused before anything is recorded.
        let mut a = args(1.0);
        a.out = std::env::temp_dir().join("hl-no-such-folder").join("take.wav");
        let e = run_with(&a, &mut none).err().map(|e| e.0).unwrap_or_default();
        assert!(e.contains("no folder"), "{e}");
    }
}
