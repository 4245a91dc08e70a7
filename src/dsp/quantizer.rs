//! The quantizer: N-bit fixed point (1 to 24 bits) or 32-bit float, rounding or truncation,
//! RPDF/TPDF dither, optional noise shaping, and the hard clip at 0 dBFS.
//!
//! Fixed point is two's complement scaled so that full scale is 1.0: N bits give codes
//! -2^(N-1) ..= 2^(N-1) - 1, one LSB is 2^(1-N), and the largest positive value is 1 - LSB.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

use crate::dsp::noise::Random;

/// Fixed-point word length or 32-bit float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitDepth {
    /// Fixed point with this many bits (1..=24).
    Fixed(u8),
    /// IEEE 754 single precision: 24-bit mantissa, no clipping.
    Float32,
}

impl Default for BitDepth {
    fn default() -> Self {
        Self::Fixed(16)
    }
}

impl BitDepth {
    /// Largest fixed-point word length.
    pub const MAX_FIXED: u8 = 24;

    /// The LSB as a fraction of full scale, for fixed point.
    #[must_use]
    pub fn lsb(self) -> Option<f64> {
        match self {
            Self::Fixed(n) => Some(2f64.powi(1 - i32::from(n))),
            Self::Float32 => None,
        }
    }

    /// Bits of resolution the theory formula uses: N, or the 24-bit mantissa of a float.
    #[must_use]
    pub fn effective_bits(self) -> u8 {
        match self {
            Self::Fixed(n) => n,
            Self::Float32 => 24,
        }
    }

    /// One step up (more bits); 24 goes to float.
    #[must_use]
    pub fn up(self) -> Self {
        match self {
            Self::Fixed(n) if n < Self::MAX_FIXED => Self::Fixed(n + 1),
            _ => Self::Float32,
        }
    }

    /// One step down (fewer bits); float goes to 24.
    #[must_use]
    pub fn down(self) -> Self {
        match self {
            Self::Float32 => Self::Fixed(Self::MAX_FIXED),
            Self::Fixed(n) => Self::Fixed(n.saturating_sub(1).max(1)),
        }
    }

    /// Checks the word length.
    ///
    /// # Errors
    /// When a fixed word length is outside 1..=24.
    pub fn validate(self) -> Result<(), String> {
        match self {
            Self::Fixed(n) if !(1..=Self::MAX_FIXED).contains(&n) => {
                Err(format!("bit depth must be 1 to 24 or 32f (got {n})"))
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for BitDepth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(n) => write!(f, "{n}"),
            Self::Float32 => f.write_str("32f"),
        }
    }
}

impl FromStr for BitDepth {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        if matches!(t.as_str(), "32f" | "float" | "f32" | "32-float") {
            return Ok(Self::Float32);
        }
        let n: u8 = t.parse().map_err(|_| format!("bit depth must be 1 to 24 or 32f (got '{s}')"))?;
        let d = Self::Fixed(n);
        d.validate()?;
        Ok(d)
    }
}

impl Serialize for BitDepth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Fixed(n) => s.serialize_u8(*n),
            Self::Float32 => s.serialize_str("32f"),
        }
    }
}

impl<'de> Deserialize<'de> for BitDepth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        let parsed = match Raw::deserialize(d)? {
            Raw::Int(n) => {
                u8::try_from(n).map_err(|_| format!("bit depth must be 1 to 24 or 32f (got {n})")).and_then(|n| {
                    let b = Self::Fixed(n);
                    b.validate().map(|()| b)
                })
            }
            Raw::Text(t) => t.parse(),
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

/// How a value between two codes becomes a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// To the nearest code: error within +/- half an LSB.
    #[default]
    Round,
    /// Down to the code below (towards minus infinity): error in [-1, 0) LSB, a DC offset of
    /// half an LSB.
    Truncate,
}

impl FromStr for Rounding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "round" | "rounding" => Ok(Self::Round),
            "truncate" | "truncation" | "floor" => Ok(Self::Truncate),
            other => Err(format!("unknown rounding '{other}' (expected round or truncate)")),
        }
    }
}

/// The probability density of the dither noise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DitherKind {
    /// No dither.
    #[default]
    None,
    /// Rectangular PDF, +/- 0.5 LSB by default: noise floor +3.01 dB.
    Rpdf,
    /// Triangular PDF, +/- 1 LSB by default: noise floor +4.77 dB, error independent of the
    /// signal.
    Tpdf,
}

impl DitherKind {
    /// Every kind in menu order.
    pub const ALL: [Self; 3] = [Self::None, Self::Rpdf, Self::Tpdf];

    /// Name used in files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Rpdf => "rpdf",
            Self::Tpdf => "tpdf",
        }
    }

    /// The default peak amplitude (half-width of the PDF) in LSB.
    #[must_use]
    pub fn default_amplitude_lsb(self) -> f64 {
        match self {
            Self::None => 0.0,
            Self::Rpdf => 0.5,
            Self::Tpdf => 1.0,
        }
    }
}

impl fmt::Display for DitherKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DitherKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "off" => Ok(Self::None),
            "rpdf" | "rect" => Ok(Self::Rpdf),
            "tpdf" | "tri" => Ok(Self::Tpdf),
            other => Err(format!("unknown dither '{other}' (expected none, rpdf or tpdf)")),
        }
    }
}

/// Dither: its PDF and its peak amplitude.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Dither {
    /// None, RPDF or TPDF.
    pub kind: DitherKind,
    /// Peak amplitude (half-width of the PDF) in LSB; `None` for the standard one
    /// (RPDF 0.5, TPDF 1.0).
    pub amplitude_lsb: Option<f64>,
}

impl Dither {
    /// Dither of `kind` at its standard amplitude.
    #[must_use]
    pub fn new(kind: DitherKind) -> Self {
        Self { kind, amplitude_lsb: None }
    }

    /// Peak amplitude in LSB actually used.
    #[must_use]
    pub fn amplitude(&self) -> f64 {
        self.amplitude_lsb.unwrap_or_else(|| self.kind.default_amplitude_lsb())
    }

    /// Variance of the dither in LSB²: a²/3 for RPDF of half-width a, a²/6 for TPDF.
    #[must_use]
    pub fn variance_lsb2(&self) -> f64 {
        let a = self.amplitude();
        match self.kind {
            DitherKind::None => 0.0,
            DitherKind::Rpdf => a * a / 3.0,
            DitherKind::Tpdf => a * a / 6.0,
        }
    }

    /// How much the dither raises the noise floor over plain quantization noise (LSB²/12),
    /// in dB: 3.01 for standard RPDF, 4.77 for standard TPDF.
    #[must_use]
    pub fn noise_penalty_db(&self) -> f64 {
        10.0 * (1.0 + 12.0 * self.variance_lsb2()).log10()
    }
}

/// Error-feedback noise shaping: the quantization error is filtered by
/// NTF(z) = 1 - sum h_k z^-k, pushing it towards high frequencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum NoiseShaping {
    /// Flat error spectrum.
    #[default]
    Off,
    /// NTF = 1 - z^-1: +6 dB per octave, zero at DC.
    FirstOrder,
    /// NTF = (1 - z^-1)^2: +12 dB per octave.
    SecondOrder,
    /// Wannamaker's 9-tap F-weighted filter (as in SoX), designed for 44.1 kHz: least noise
    /// where the ear is most sensitive (2-5 kHz), more near Nyquist.
    FWeighted,
}

impl NoiseShaping {
    /// Every kind in menu order.
    pub const ALL: [Self; 4] = [Self::Off, Self::FirstOrder, Self::SecondOrder, Self::FWeighted];

    /// Name used in files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::FirstOrder => "first-order",
            Self::SecondOrder => "second-order",
            Self::FWeighted => "f-weighted",
        }
    }

    /// Label for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "Off",
            Self::FirstOrder => "1st order",
            Self::SecondOrder => "2nd order",
            Self::FWeighted => "F-weighted (44.1 kHz)",
        }
    }

    /// The feedback coefficients h_1..h_k.
    #[must_use]
    pub fn coefficients(self) -> &'static [f64] {
        match self {
            Self::Off => &[],
            Self::FirstOrder => &[1.0],
            Self::SecondOrder => &[2.0, -1.0],
            Self::FWeighted => &[2.412, -3.370, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847],
        }
    }

    /// |NTF| at `freq_hz` for sample rate `fs`.
    #[must_use]
    pub fn ntf_magnitude(self, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        let w = std::f64::consts::TAU * freq_hz / sample_rate_hz;
        let (mut re, mut im) = (1.0, 0.0);
        for (k, h) in self.coefficients().iter().enumerate() {
            let a = w * (k + 1) as f64;
            re -= h * a.cos();
            im += h * a.sin();
        }
        (re * re + im * im).sqrt()
    }
}

impl FromStr for NoiseShaping {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Ok(Self::Off),
            "first-order" | "1" => Ok(Self::FirstOrder),
            "second-order" | "2" => Ok(Self::SecondOrder),
            "f-weighted" | "psychoacoustic" => Ok(Self::FWeighted),
            other => Err(format!("unknown noise shaping '{other}'")),
        }
    }
}

/// Everything that decides how a value becomes a code.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct QuantizerSettings {
    /// Word length.
    pub bit_depth: BitDepth,
    /// Rounding or truncation.
    pub rounding: Rounding,
    /// Dither.
    pub dither: Dither,
    /// Noise shaping.
    pub noise_shaping: NoiseShaping,
}

impl QuantizerSettings {
    /// Plain rounding at `bits`, no dither.
    #[must_use]
    pub fn fixed(bits: u8) -> Self {
        Self { bit_depth: BitDepth::Fixed(bits), ..Self::default() }
    }

    /// Checks ranges.
    ///
    /// # Errors
    /// A sentence naming the field.
    pub fn validate(&self) -> Result<(), String> {
        self.bit_depth.validate()?;
        if let Some(a) = self.dither.amplitude_lsb {
            crate::dsp::source::check_range("dither amplitude_lsb", a, 0.0, 16.0)?;
        }
        Ok(())
    }
}

/// A stateful quantizer (dither generator and noise-shaping memory).
#[derive(Clone, Debug)]
pub struct Quantizer {
    settings: QuantizerSettings,
    lsb: f64,
    min_code: f64,
    max_code: f64,
    dither_amp: f64,
    coefs: &'static [f64],
    /// Past errors, newest first.
    errors: [f64; 9],
    random: Random,
}

/// What happened to one sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantized {
    /// The output value (on the code grid for fixed point).
    pub value: f64,
    /// True if the code saturated at the top or bottom of the range.
    pub clipped: bool,
}

impl Quantizer {
    /// A quantizer whose dither sequence is fixed by `seed`.
    #[must_use]
    pub fn new(settings: QuantizerSettings, seed: u64) -> Self {
        let (lsb, min_code, max_code) = match settings.bit_depth {
            BitDepth::Fixed(n) => {
                let half = 2f64.powi(i32::from(n) - 1);
                (1.0 / half, -half, half - 1.0)
            }
            BitDepth::Float32 => (0.0, 0.0, 0.0),
        };
        let fixed = matches!(settings.bit_depth, BitDepth::Fixed(_));
        Self {
            settings,
            lsb,
            min_code,
            max_code,
            dither_amp: if fixed { settings.dither.amplitude() } else { 0.0 },
            coefs: if fixed { settings.noise_shaping.coefficients() } else { &[] },
            errors: [0.0; 9],
            random: Random::new(seed ^ 0x5eed_d174_e400_0000),
        }
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &QuantizerSettings {
        &self.settings
    }

    /// Quantizes one sample.
    #[inline]
    pub fn process(&mut self, x: f64) -> Quantized {
        if self.settings.bit_depth == BitDepth::Float32 {
            return Quantized { value: f64::from(x as f32), clipped: false };
        }
        // Error feedback: v = x - sum h_k e[n-k].
        let mut v = x;
        for (h, e) in self.coefs.iter().zip(&self.errors) {
            v -= h * e;
        }
        let d = match self.settings.dither.kind {
            DitherKind::None => 0.0,
            DitherKind::Rpdf => 2.0 * self.dither_amp * self.random.uniform_centered(),
            DitherKind::Tpdf => self.dither_amp * (self.random.uniform_centered() + self.random.uniform_centered()),
        };
        let u = v / self.lsb + d;
        let code = match self.settings.rounding {
            Rounding::Round => u.round(),
            Rounding::Truncate => u.floor(),
        };
        let clipped = !(self.min_code..=self.max_code).contains(&code);
        let value = code.clamp(self.min_code, self.max_code) * self.lsb;
        if !self.coefs.is_empty() {
            // Feed back the error of the unclipped code, so a clip cannot destabilise the loop.
            let e = if code.is_finite() { code * self.lsb - v } else { 0.0 };
            self.errors.copy_within(0..8, 1);
            self.errors[0] = e;
        }
        Quantized { value, clipped }
    }

    /// Quantizes `input` into `output`, pushing the indices (plus `index_offset`) of clipped
    /// samples onto `clipped`. Returns how many clipped.
    pub fn process_block(
        &mut self,
        input: &[f64],
        output: &mut [f64],
        clipped: &mut Vec<usize>,
        index_offset: usize,
    ) -> usize {
        let mut count = 0;
        for (i, (x, y)) in input.iter().zip(output.iter_mut()).enumerate() {
            let q = self.process(*x);
            *y = q.value;
            if q.clipped {
                count += 1;
                clipped.push(i + index_offset);
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_sit_on_the_grid_and_clip_at_full_scale() {
        let mut q = Quantizer::new(QuantizerSettings::fixed(4), 1);
        let lsb = 1.0 / 8.0;
        assert_eq!(q.process(0.3).value, 2.0 * lsb);
        assert_eq!(q.process(0.99), Quantized { value: 7.0 * lsb, clipped: true });
        assert_eq!(q.process(-1.2), Quantized { value: -1.0, clipped: true });
        assert_eq!(q.process(-1.0), Quantized { value: -1.0, clipped: false });
        assert!(!q.process(0.9).clipped); // rounds to 7/8
    }

    #[test]
    fn truncation_goes_down() {
        let settings = QuantizerSettings { rounding: Rounding::Truncate, ..QuantizerSettings::fixed(8) };
        let mut q = Quantizer::new(settings, 1);
        let lsb = 1.0 / 128.0;
        assert_eq!(q.process(0.99 * lsb).value, 0.0);
        assert_eq!(q.process(-0.01 * lsb).value, -lsb);
    }

    #[test]
    fn dither_penalties_match_the_textbook() {
        assert!((Dither::new(DitherKind::Rpdf).noise_penalty_db() - 3.0103).abs() < 1e-3);
        assert!((Dither::new(DitherKind::Tpdf).noise_penalty_db() - 4.7712).abs() < 1e-3);
        assert_eq!(Dither::new(DitherKind::None).noise_penalty_db(), 0.0);
    }

    #[test]
    fn bit_depth_parses_and_steps() {
        assert_eq!("16".parse::<BitDepth>(), Ok(BitDepth::Fixed(16)));
        assert_eq!("32f".parse::<BitDepth>(), Ok(BitDepth::Float32));
        assert!("25".parse::<BitDepth>().is_err());
        assert!("0".parse::<BitDepth>().is_err());
        assert_eq!(BitDepth::Fixed(24).up(), BitDepth::Float32);
        assert_eq!(BitDepth::Fixed(1).down(), BitDepth::Fixed(1));
    }

    #[test]
    fn noise_shaping_lowers_the_error_at_low_frequencies() {
        for ns in [NoiseShaping::FirstOrder, NoiseShaping::SecondOrder, NoiseShaping::FWeighted] {
            assert!(ns.ntf_magnitude(100.0, 44_100.0) < 0.5, "{ns:?}");
            assert!(ns.ntf_magnitude(20_000.0, 44_100.0) > 1.5, "{ns:?}");
        }
    }
}
