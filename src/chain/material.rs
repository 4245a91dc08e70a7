//! What each track plays: the band's parts (rendered once per seed and rate, then shared),
//! audio files (decoded, mixed to mono, converted to the session rate), or a converter
//! source evaluated live.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use crate::chain::band::{self, Part};
use crate::chain::scene::{Scene, TrackSource, TrackSourceKind};
use crate::dsp::analog::AnalogSignal;
use crate::dsp::filter::{AaFilter, AaFilterKind};
use crate::dsp::noise::{NoiseColour, ShapedNoise};
use crate::dsp::resample::{Resampler, SrcQuality};
use crate::dsp::source::SourceKind;
use crate::units::{SQRT_2, db_to_amp};

/// Longest audio file accepted as a track, in seconds.
pub const MAX_FILE_SECS: f64 = 600.0;

/// The source of one track.
#[derive(Clone, Debug)]
pub enum TrackMaterial {
    /// A recording, looped: a band part or a file, at the session rate, scaled to its level.
    Buffer {
        /// The samples.
        samples: Arc<[f32]>,
        /// Gain applied on playback (the source level).
        gain: f64,
    },
    /// A converter source, evaluated at each sample instant.
    Signal {
        /// The deterministic part (after the ADC's steep anti-alias filter).
        analog: Box<AnalogSignal>,
        /// The random part, for noise sources.
        noise: Option<Box<ShapedNoise>>,
    },
    /// Live input, handed to [`crate::chain::engine::Chain::process_with_input`] by whoever
    /// runs the chain (the audio engine); silence otherwise.
    Live,
}

impl TrackMaterial {
    /// Fills `out` with the source from session sample `pos` on.
    pub fn fill(&mut self, pos: u64, sample_rate_hz: f64, out: &mut [f64]) {
        match self {
            Self::Buffer { samples, gain } => {
                let len = samples.len();
                if len == 0 {
                    out.fill(0.0);
                    return;
                }
                let mut i = (pos % len as u64) as usize;
                for o in out.iter_mut() {
                    *o = f64::from(samples[i]) * *gain;
                    i += 1;
                    if i == len {
                        i = 0;
                    }
                }
            }
            Self::Signal { analog, noise } => {
                analog.sample(pos, sample_rate_hz, out);
                if let Some(n) = noise {
                    n.add_to(out);
                }
            }
            Self::Live => out.fill(0.0),
        }
    }

    /// Length of one loop in samples (`None` for live signals).
    #[must_use]
    pub fn loop_len(&self) -> Option<usize> {
        match self {
            Self::Buffer { samples, .. } => Some(samples.len()),
            Self::Signal { .. } | Self::Live => None,
        }
    }
}

type PartKey = (Part, u64, u64);

/// A band part, rendered once per (part, seed, rate) and shared afterwards.
#[must_use]
pub fn band_part(part: Part, seed: u64, sample_rate_hz: f64) -> Arc<[f32]> {
    static CACHE: OnceLock<Mutex<HashMap<PartKey, Arc<[f32]>>>> = OnceLock::new();
    let key = (part, seed, sample_rate_hz.to_bits());
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let rendered: Arc<[f32]> = band::render(part, seed, sample_rate_hz).into();
    if let Ok(mut c) = cache.lock() {
        c.insert(key, rendered.clone());
    }
    rendered
}

/// Decodes an audio file to mono at `sample_rate_hz`.
///
/// # Errors
/// Why the file cannot be used, in one sentence.
pub fn load_file(path: &Path, sample_rate_hz: f64) -> Result<Vec<f32>, String> {
    let (rate, mono) = crate::audiofile::decode_mono(path)?;
    if mono.len() as f64 / f64::from(rate) > MAX_FILE_SECS {
        return Err(format!("{}: longer than {MAX_FILE_SECS} s", path.display()));
    }
    let mut out = Vec::with_capacity((mono.len() as f64 * sample_rate_hz / f64::from(rate)) as usize + 16);
    let mut r = Resampler::new(f64::from(rate), sample_rate_hz, SrcQuality::High);
    r.process(&mono, &mut out);
    // Flush the converter's delay so the end of the file is not cut.
    let tail = vec![0.0; (r.latency_input_samples().ceil() as usize) + 2];
    r.process(&tail, &mut out);
    let skip = (r.latency_input_samples() * r.ratio()).round() as usize;
    Ok(out.iter().skip(skip).map(|&x| x as f32).collect())
}

/// The material of every track of `scene`.
///
/// # Errors
/// The first track whose file cannot be read, with the reason.
pub fn load(scene: &Scene) -> Result<Vec<TrackMaterial>, String> {
    scene
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| material_for(&t.source, scene, i).map_err(|e| format!("track '{}': {e}", t.name)))
        .collect()
}

fn material_for(source: &TrackSource, scene: &Scene, index: usize) -> Result<TrackMaterial, String> {
    let fs = scene.sample_rate_hz;
    let gain = db_to_amp(source.level_dbfs);
    if let Some(part) = source.kind.part() {
        return Ok(TrackMaterial::Buffer { samples: band_part(part, scene.seed, fs), gain });
    }
    if source.kind == TrackSourceKind::Live {
        return Ok(TrackMaterial::Live);
    }
    if source.kind == TrackSourceKind::File {
        let path = source.path.as_deref().ok_or("a file track needs a path")?;
        let mut samples = load_file(path, fs)?;
        // Like the band's parts, a file is normalised to a peak of 1 and then played at the
        // track's source level.
        let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        if peak > 0.0 {
            for x in &mut samples {
                *x /= peak;
            }
        }
        return Ok(TrackMaterial::Buffer { samples: samples.into(), gain });
    }
    let params = source.signal_params().ok_or("unknown source")?;
    let filter = AaFilter::new(AaFilterKind::Steep).response(fs);
    let analog = AnalogSignal::new(&params, 0.0, filter);
    let noise = params.kind.is_noise().then(|| {
        let colour = if params.kind == SourceKind::PinkNoise { NoiseColour::Pink } else { NoiseColour::White };
        let shape = move |f: f64| filter.magnitude(f).powi(2);
        Box::new(ShapedNoise::new(
            scene.seed.wrapping_add(1000 + index as u64),
            colour,
            params.peak() / SQRT_2,
            fs,
            Some(&shape),
        ))
    });
    Ok(TrackMaterial::Signal { analog: Box::new(analog), noise })
}
