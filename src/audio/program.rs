//! What a listening slot plays: described as plain data ([`ListenSpec`]) on the UI side, built
//! into a [`Program`] there (allocations and all), sent to the audio thread, and rendered there
//! without allocating. The same specs render offline for WAV export, through the same voices.

use crate::audio::voice::{ChainTap, ConverterTap, ConverterVoice};
use crate::chain::engine::{Chain, MAX_BLOCK, StageId};
use crate::chain::scene::Scene;
use crate::dsp::converter::ConverterParams;
use crate::dsp::live_converter::LiveConverter;
use crate::dsp::source::SourceKind;
use crate::units::db_to_amp;

/// What to listen to, as data.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum ListenSpec {
    /// Nothing.
    #[default]
    Silence,
    /// A converter signal.
    Converter {
        /// The converter's settings.
        params: ConverterParams,
        /// Which of its signals.
        tap: ConverterTap,
        /// Extra gain, dB (to make the quantization error of many bits audible).
        gain_db: f64,
    },
    /// A stage of the session running on the desk (the chain the meters measure).
    Session {
        /// The stage.
        stage: StageId,
    },
    /// A stage of a chain of its own: the session with other settings, for A/B and blind tests.
    Variant {
        /// Its scene.
        scene: Box<Scene>,
        /// The stage.
        stage: StageId,
    },
}

impl ListenSpec {
    /// Whether it plays a stage of the session.
    #[must_use]
    pub fn taps_session(&self) -> bool {
        matches!(self, Self::Session { .. })
    }

    /// Builds the program that plays it at `rate`; `session` is the scene running on the desk
    /// (a session tap needs its rates).
    ///
    /// # Errors
    /// Settings out of range, an unreadable track file, or a session tap without a session.
    pub fn build(&self, rate: f64, session: Option<&Scene>) -> Result<Program, String> {
        Ok(match self {
            Self::Silence => Program::Silence,
            Self::Converter { params, tap, gain_db } if params.source.kind == SourceKind::LiveInput => {
                // The live input reaches the audio thread at the device's rate: that is the
                // "analog" signal the converter samples.
                let converter = LiveConverter::new(params, rate, *tap)?;
                Program::LiveConverter { converter: Box::new(converter), gain: db_to_amp(*gain_db) }
            }
            Self::Converter { params, tap, gain_db } => {
                Program::Converter(ConverterVoice::new(params, *tap, *gain_db, rate)?)
            }
            Self::Session { stage } => {
                let scene = session.ok_or("no session is running")?;
                check_stage(*stage, scene)?;
                Program::Session(ChainTap::new(*stage, stage_rate(*stage, scene), rate))
            }
            Self::Variant { scene, stage } => {
                check_stage(*stage, scene)?;
                let chain = Chain::new(scene)?;
                let tap = ChainTap::new(*stage, stage_rate(*stage, scene), rate);
                Program::Variant { chain: Box::new(chain), tap }
            }
        })
    }
}

/// The rate of a stage's samples.
fn stage_rate(stage: StageId, scene: &Scene) -> f64 {
    if stage == StageId::Export { scene.export_rate_hz() } else { scene.sample_rate_hz }
}

fn check_stage(stage: StageId, scene: &Scene) -> Result<(), String> {
    let n = scene.tracks.len();
    match stage {
        StageId::TrackSource(i) | StageId::TrackAdc(i) | StageId::TrackInsert(i) | StageId::Track(i) if i >= n => {
            Err(format!("the scene has no track {}", i + 1))
        }
        _ => Ok(()),
    }
}

/// A slot's program, built and ready to render. It travels boxed, so the variants' sizes do not
/// matter.
#[derive(Debug, Default)]
#[allow(clippy::large_enum_variant)]
pub enum Program {
    /// Nothing.
    #[default]
    Silence,
    /// A converter signal.
    Converter(ConverterVoice),
    /// A stage of the session (fed by the engine, which runs the session).
    Session(ChainTap),
    /// A chain of its own.
    Variant {
        /// The chain.
        chain: Box<Chain>,
        /// Its tapped stage.
        tap: ChainTap,
    },
    /// The converter with live input as its source (fed by the engine's live input).
    LiveConverter {
        /// The converter, at the device's rate.
        converter: Box<LiveConverter>,
        /// Extra gain.
        gain: f64,
    },
}

impl Program {
    /// Whether the engine must feed it the session's blocks.
    #[must_use]
    pub fn taps_session(&self) -> bool {
        matches!(self, Self::Session(_))
    }

    /// Whether it plays the live input (the engine then hands it the input's samples).
    #[must_use]
    pub fn takes_live_input(&self) -> bool {
        matches!(self, Self::LiveConverter { .. })
    }

    /// Starts at device sample `d0`; a variant starts at session sample `session_pos` (to line
    /// up with the session) or, without a session, at the time `d0` stands for.
    pub fn start(&mut self, d0: u64, rate: f64, session_pos: Option<u64>) {
        match self {
            Self::Silence => {}
            Self::Converter(v) => v.start(d0),
            Self::Session(tap) => tap.reset(),
            Self::LiveConverter { converter, .. } => converter.reset(),
            Self::Variant { chain, tap } => {
                let pos = session_pos.unwrap_or_else(|| (d0 as f64 * chain.sample_rate_hz() / rate).round() as u64);
                chain.seek(pos);
                tap.reset();
            }
        }
    }

    /// Renders the next frames into `left` and `right` (a session tap plays what the engine fed
    /// it; the live converter converts `input`, the live input at the device's rate, as long as
    /// `left`, or silence where it is shorter).
    pub fn fill(&mut self, rate: f64, input: &[f64], left: &mut [f64], right: &mut [f64]) {
        match self {
            Self::Silence => {
                left.fill(0.0);
                right.fill(0.0);
            }
            Self::Converter(v) => v.fill(left, right),
            Self::Session(tap) => {
                tap.fill(left, right);
            }
            Self::LiveConverter { converter, gain } => {
                let n = left.len().min(right.len());
                let mut at = 0;
                converter.process(&input[..input.len().min(n)], |chunk| {
                    for (o, &h) in left[at..].iter_mut().zip(chunk.heard) {
                        *o = h * *gain;
                    }
                    at += chunk.heard.len();
                });
                left[at.min(n)..n].fill(0.0);
                right[..n].copy_from_slice(&left[..n]);
            }
            Self::Variant { chain, tap } => {
                let n = left.len().min(right.len());
                while tap.ready() < n {
                    let need = n - tap.ready();
                    let step = ((need as f64 * chain.sample_rate_hz() / rate).ceil() as usize).clamp(1, MAX_BLOCK);
                    chain.process(step);
                    tap.feed(chain, step);
                }
                tap.fill(left, right);
            }
        }
    }
}

/// Renders `seconds` of `spec` offline, at the point's own rate when it has a whole one (the
/// converter's output and error at its sample rate, a stage at its chain's), otherwise at
/// `fallback_rate`; returns the rate and the channels (one for mono points). The samples come
/// from the same voices that play them.
///
/// # Errors
/// What [`ListenSpec::build`] refuses, or a silent spec.
pub fn render_offline(
    spec: &ListenSpec,
    session: Option<&Scene>,
    seconds: f64,
    fallback_rate: f64,
) -> Result<(f64, Vec<Vec<f64>>), String> {
    let frames_at = |rate: f64| (seconds * rate).round().max(1.0) as usize;
    match spec {
        ListenSpec::Silence => Err("nothing to render: the listening point is silent".into()),
        ListenSpec::Converter { params, tap, .. } => {
            let fs = params.sample_rate_hz;
            let rate = if *tap != ConverterTap::Analog && fs.fract() == 0.0 { fs } else { fallback_rate };
            let Program::Converter(mut voice) = spec.build(rate, None)? else {
                return Err("not a converter".into());
            };
            voice.start(0);
            let frames = frames_at(rate);
            let mut out = vec![0.0; frames];
            let mut right = vec![0.0; MAX_BLOCK];
            for chunk in out.chunks_mut(MAX_BLOCK) {
                let n = chunk.len();
                voice.fill(chunk, &mut right[..n]);
            }
            Ok((rate, vec![out]))
        }
        ListenSpec::Session { stage } | ListenSpec::Variant { stage, .. } => {
            let scene = match spec {
                ListenSpec::Variant { scene, .. } => scene,
                _ => session.ok_or("no session is open")?,
            };
            check_stage(*stage, scene)?;
            let mut chain = Chain::new(scene)?;
            let rate = if *stage == StageId::Export { chain.export_rate_hz() } else { chain.sample_rate_hz() };
            Ok((rate, chain.render(*stage, frames_at(chain.sample_rate_hz()))))
        }
    }
}
