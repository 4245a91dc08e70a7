//! WAV export of any listening point: rendered by the voices that play it, reduced to the file's
//! word length with the chosen dither, and written atomically (a temporary file, then a
//! rename), so a file on disk is always whole.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::audio::program::{ListenSpec, render_offline};
use crate::chain::scene::Scene;
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind, Quantizer, QuantizerSettings};
use crate::units::amp_to_db;
use crate::wav::{self, SampleFormat};

/// The sample format of an exported file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FileFormat {
    /// 16-bit integer (CD).
    #[default]
    Int16,
    /// 24-bit integer (studio).
    Int24,
    /// 32-bit float (keeps everything, even overs).
    Float32,
}

impl FileFormat {
    /// All, in menu order.
    pub const ALL: [Self; 3] = [Self::Int16, Self::Int24, Self::Float32];

    /// Name on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Int16 => "16",
            Self::Int24 => "24",
            Self::Float32 => "32f",
        }
    }

    /// Label for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Int16 => "16-bit",
            Self::Int24 => "24-bit",
            Self::Float32 => "32-bit float",
        }
    }

    /// The word length.
    #[must_use]
    pub fn bit_depth(self) -> BitDepth {
        match self {
            Self::Int16 => BitDepth::Fixed(16),
            Self::Int24 => BitDepth::Fixed(24),
            Self::Float32 => BitDepth::Float32,
        }
    }

    fn container(self) -> SampleFormat {
        match self {
            Self::Int16 => SampleFormat::Int(16),
            Self::Int24 => SampleFormat::Int(24),
            Self::Float32 => SampleFormat::Float(32),
        }
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FileFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "16" | "int16" | "s16" => Ok(Self::Int16),
            "24" | "int24" | "s24" => Ok(Self::Int24),
            "32f" | "f32" | "float" | "float32" | "32" => Ok(Self::Float32),
            other => Err(format!("unknown file format '{other}' (expected 16, 24 or 32f)")),
        }
    }
}

/// How a file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ExportSettings {
    /// Word length.
    pub format: FileFormat,
    /// Dither added before the word length is cut (ignored for float).
    pub dither: DitherKind,
}

/// What was written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExportSummary {
    /// Sample rate of the file, Hz.
    pub rate: u32,
    /// Channels.
    pub channels: usize,
    /// Frames.
    pub frames: usize,
    /// Samples that clipped when cut to the word length.
    pub clipped: u64,
    /// Highest sample written, dBFS.
    pub peak_dbfs: f64,
}

/// Writes `channels` at `rate` to `path` in `settings`' format, dithered as asked. The
/// quantizer is the model's own, seeded with `seed`.
///
/// # Errors
/// A rate a WAV file cannot hold, or the file cannot be written (the reason, with the path).
pub fn write(
    path: &Path,
    rate: f64,
    channels: &[Vec<f64>],
    settings: ExportSettings,
    seed: u64,
) -> Result<ExportSummary, String> {
    if !(rate.is_finite() && rate >= 1.0 && rate <= f64::from(u32::MAX)) {
        return Err(format!("cannot write a WAV file at {rate} Hz"));
    }
    let quantizer = QuantizerSettings {
        bit_depth: settings.format.bit_depth(),
        dither: Dither::new(if settings.format == FileFormat::Float32 { DitherKind::None } else { settings.dither }),
        ..QuantizerSettings::default()
    };
    let mut clipped = 0u64;
    let mut peak = 0.0f64;
    let reduced: Vec<Vec<f64>> = channels
        .iter()
        .enumerate()
        .map(|(ch, x)| {
            let mut q = Quantizer::new(quantizer, seed.wrapping_add(ch as u64));
            x.iter()
                .map(|&v| {
                    let out = q.process(v);
                    clipped += u64::from(out.clipped);
                    peak = peak.max(out.value.abs());
                    out.value
                })
                .collect()
        })
        .collect();
    let rate = rate.round() as u32;
    wav::write_file(path, rate, settings.format.container(), &reduced)?;
    Ok(ExportSummary {
        rate,
        channels: reduced.len(),
        frames: reduced.first().map_or(0, Vec::len),
        clipped,
        peak_dbfs: amp_to_db(peak),
    })
}

/// Renders `seconds` of `spec` (see [`render_offline`]) and writes it to `path`.
///
/// # Errors
/// What rendering or writing refuses, as a sentence.
pub fn export_point(
    spec: &ListenSpec,
    session: Option<&Scene>,
    seconds: f64,
    settings: ExportSettings,
    path: &Path,
) -> Result<ExportSummary, String> {
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 600.0) {
        return Err(format!("the length must be above 0 and at most 600 s (got {seconds})"));
    }
    let (rate, channels) = render_offline(spec, session, seconds, 48_000.0)?;
    write(path, rate, &channels, settings, 0x00E0_0A7E)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_lsb_sine_survives_16_bits_only_with_dither() {
        // A sine of 0.4 LSB at 16 bits: plain rounding wipes it out, TPDF keeps it (in noise).
        let lsb = 1.0 / 32_768.0;
        let x: Vec<f64> = (0..48_000).map(|n| 0.4 * lsb * (n as f64 * 0.1).sin()).collect();
        let dir = std::env::temp_dir().join(format!("hl-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let plain = dir.join("plain.wav");
        let dithered = dir.join("tpdf.wav");
        write(&plain, 48_000.0, std::slice::from_ref(&x), ExportSettings::default(), 1).expect("write");
        let tpdf = ExportSettings { format: FileFormat::Int16, dither: DitherKind::Tpdf };
        write(&dithered, 48_000.0, std::slice::from_ref(&x), tpdf, 1).expect("write");
        let silent = wav::read_file(&plain).expect("read").mono();
        assert!(silent.iter().all(|&v| v == 0.0), "rounding leaves digital silence");
        let noisy = wav::read_file(&dithered).expect("read").mono();
        // Correlate with the sine: the dithered file still carries it.
        let c: f64 = noisy.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>() / x.iter().map(|b| b * b).sum::<f64>();
        assert!((c - 1.0).abs() < 0.1, "the sine's amplitude comes through: {c}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
