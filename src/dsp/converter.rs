//! The whole analog-to-digital converter: source, analog noise floor and gain, anti-alias
//! filter, sampler and quantizer, with the reconstruction a DAC would apply.

use serde::{Deserialize, Serialize};

use crate::dsp::analog::AnalogSignal;
use crate::dsp::filter::{AaFilter, AaFilterKind, FilterResponse};
use crate::dsp::noise::{NoiseColour, ShapedNoise};
use crate::dsp::quantizer::{BitDepth, Quantizer, QuantizerSettings};
use crate::dsp::reconstruct::Reconstruction;
use crate::dsp::source::{ANALOG_BANDWIDTH_HZ, SourceKind, SourceParams, check_range};
use crate::units::{SQRT_2, db_to_amp};

/// Lowest and highest sample rate the sampler accepts, in Hz.
pub const SAMPLE_RATE_RANGE_HZ: (f64, f64) = (1000.0, 192_000.0);
/// The band in which the analog noise floor's level is quoted (20 Hz to 20 kHz, as gear
/// datasheets do).
pub const NOISE_FLOOR_BAND_HZ: f64 = 20_000.0;

/// Every setting of the converter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConverterParams {
    /// What is played into the converter.
    pub source: SourceParams,
    /// Gain of the analog stage in front of the converter, in dB.
    pub analog_gain_db: f64,
    /// RMS of the analog noise floor in the 20 Hz-20 kHz band, in dBFS, before the gain; the
    /// noise is white up to 96 kHz, so without a filter the part above Nyquist folds in.
    /// `None`: a noiseless analog world.
    pub noise_floor_dbfs: Option<f64>,
    /// Sample rate in Hz, any value from 1 000 to 192 000.
    pub sample_rate_hz: f64,
    /// Anti-alias filter.
    pub aa_filter: AaFilter,
    /// Bit depth, rounding, dither and noise shaping.
    #[serde(flatten)]
    pub quantizer: QuantizerSettings,
    /// How the output is turned back into a continuous signal for display and listening.
    pub reconstruction: Reconstruction,
    /// Seed of every random process (noise, dither): the same seed gives the same samples.
    pub seed: u64,
}

impl Default for ConverterParams {
    fn default() -> Self {
        Self {
            source: SourceParams::default(),
            analog_gain_db: 0.0,
            noise_floor_dbfs: None,
            sample_rate_hz: 48_000.0,
            aa_filter: AaFilter::new(AaFilterKind::Steep),
            quantizer: QuantizerSettings::fixed(16),
            reconstruction: Reconstruction::BandLimited,
            seed: 1,
        }
    }
}

impl ConverterParams {
    /// Checks every field; the message names the first one out of range.
    ///
    /// # Errors
    /// A sentence naming the field and its allowed range.
    pub fn validate(&self) -> Result<(), String> {
        self.source.validate().map_err(|e| format!("source.{e}"))?;
        check_range("analog_gain_db", self.analog_gain_db, -120.0, 60.0)?;
        if let Some(n) = self.noise_floor_dbfs {
            check_range("noise_floor_dbfs", n, -200.0, 0.0)?;
        }
        let (lo, hi) = SAMPLE_RATE_RANGE_HZ;
        check_range("sample_rate_hz", self.sample_rate_hz, lo, hi)?;
        if let Some(c) = self.aa_filter.cutoff_hz {
            check_range("aa_filter.cutoff_hz", c, 10.0, 500_000.0)?;
        }
        self.quantizer.validate()
    }

    /// The filter resolved at this sample rate.
    #[must_use]
    pub fn filter_response(&self) -> FilterResponse {
        self.aa_filter.response(self.sample_rate_hz)
    }

    /// The Nyquist frequency, fs/2.
    #[must_use]
    pub fn nyquist_hz(&self) -> f64 {
        0.5 * self.sample_rate_hz
    }
}

/// A block of converted samples and what happened to them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConvertedBlock {
    /// Index of the first sample (time = index / fs).
    pub start: u64,
    /// The analog signal at each sampling instant, after gain, noise and filter: what the
    /// quantizer was asked to represent.
    pub analog: Vec<f64>,
    /// The converter's output, on the code grid.
    pub output: Vec<f64>,
    /// Indices (within the block) of samples that clipped.
    pub clipped: Vec<usize>,
}

impl ConvertedBlock {
    /// The quantization error at each sample: output minus analog input.
    pub fn error(&self) -> impl Iterator<Item = f64> + '_ {
        self.output.iter().zip(&self.analog).map(|(y, x)| y - x)
    }
}

/// A converter with its state (noise generators, dither and noise-shaping memory).
#[derive(Clone, Debug)]
pub struct Converter {
    params: ConverterParams,
    analog: AnalogSignal,
    source_noise: Option<ShapedNoise>,
    floor_noise: Option<ShapedNoise>,
    quantizer: Quantizer,
}

impl Converter {
    /// Builds a converter.
    ///
    /// # Errors
    /// When a parameter is out of range (see [`ConverterParams::validate`]).
    pub fn new(params: &ConverterParams) -> Result<Self, String> {
        params.validate()?;
        let fs = params.sample_rate_hz;
        let filter = params.filter_response();
        let analog = AnalogSignal::new(&params.source, params.analog_gain_db, filter);
        let gain = db_to_amp(params.analog_gain_db);
        let filtered = filter.kind != AaFilterKind::Off;
        let source_noise = params.source.kind.is_noise().then(|| {
            let colour =
                if params.source.kind == SourceKind::PinkNoise { NoiseColour::Pink } else { NoiseColour::White };
            let rms = params.source.peak() / SQRT_2 * gain;
            let shape = move |f: f64| filter.magnitude(f).powi(2);
            ShapedNoise::new(params.seed, colour, rms, fs, filtered.then_some(&shape as &dyn Fn(f64) -> f64))
        });
        let floor_noise = params.noise_floor_dbfs.map(|level| {
            // White to 96 kHz with this RMS in 20 kHz: density N0 = rms^2 / 20 kHz. Sampling
            // folds every band of width fs/2 onto 0..fs/2, so the power at frequency f below
            // Nyquist is the sum of |H|^2 over all its images up to 96 kHz.
            let density = db_to_amp(level).powi(2) / NOISE_FLOOR_BAND_HZ;
            let nyq = 0.5 * fs;
            let folded = move |f: f64| {
                let mut p = 0.0;
                let mut k = 0.0;
                loop {
                    let lo = k * fs - f;
                    let hi = k * fs + f;
                    if lo > ANALOG_BANDWIDTH_HZ {
                        break;
                    }
                    if k > 0.0 && lo <= ANALOG_BANDWIDTH_HZ {
                        p += filter.magnitude(lo).powi(2);
                    }
                    if hi <= ANALOG_BANDWIDTH_HZ {
                        p += filter.magnitude(hi).powi(2);
                    }
                    k += 1.0;
                }
                p
            };
            // Unit-variance white noise at fs has density 1 / nyq per Hz.
            let rms = (density * nyq).sqrt() * gain;
            ShapedNoise::new(params.seed.wrapping_add(0x9e37_79b9), NoiseColour::White, rms, fs, Some(&folded))
        });
        Ok(Self {
            params: params.clone(),
            analog,
            source_noise,
            floor_noise,
            quantizer: Quantizer::new(params.quantizer, params.seed),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &ConverterParams {
        &self.params
    }

    /// The analog signal (deterministic part).
    #[must_use]
    pub fn analog(&self) -> &AnalogSignal {
        &self.analog
    }

    /// The sample rate in Hz.
    #[must_use]
    pub fn sample_rate_hz(&self) -> f64 {
        self.params.sample_rate_hz
    }

    /// Converts `n` samples starting at sample index `start` into `block`, reusing its
    /// buffers. Noise and dither continue from the previous call.
    pub fn render_into(&mut self, start: u64, n: usize, block: &mut ConvertedBlock) {
        block.start = start;
        block.analog.resize(n, 0.0);
        block.output.resize(n, 0.0);
        block.clipped.clear();
        self.analog.sample(start, self.params.sample_rate_hz, &mut block.analog);
        if let Some(noise) = &mut self.source_noise {
            noise.add_to(&mut block.analog);
        }
        if let Some(noise) = &mut self.floor_noise {
            noise.add_to(&mut block.analog);
        }
        self.quantizer.process_block(&block.analog, &mut block.output, &mut block.clipped, 0);
    }

    /// Converts `n` samples starting at sample index `start`.
    pub fn render(&mut self, start: u64, n: usize) -> ConvertedBlock {
        let mut block = ConvertedBlock::default();
        self.render_into(start, n, &mut block);
        block
    }

    /// The bit depth.
    #[must_use]
    pub fn bit_depth(&self) -> BitDepth {
        self.params.quantizer.bit_depth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_parameters_with_the_field_name() {
        let mut p = ConverterParams { sample_rate_hz: 500.0, ..ConverterParams::default() };
        assert!(Converter::new(&p).unwrap_err().contains("sample_rate_hz"));
        p.sample_rate_hz = 48_000.0;
        p.source.freq_hz = f64::NAN;
        assert!(Converter::new(&p).unwrap_err().contains("source.freq_hz"));
    }

    #[test]
    fn output_lies_on_the_code_grid() {
        let p = ConverterParams { quantizer: QuantizerSettings::fixed(6), ..ConverterParams::default() };
        let mut c = Converter::new(&p).expect("valid");
        let block = c.render(0, 1000);
        for y in &block.output {
            let code = y * 32.0;
            assert_eq!(code, code.round());
        }
    }
}
