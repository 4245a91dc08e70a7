//! Lessons on the real model: the simulator's state as plain data ([`SimState`]), settings
//! applied to it by assignments, and measurements taken by the same code the screens use
//! (a [`ConverterLab`] for the converter, a whole [`Chain`] render for the desk).

use crate::chain::band::LOOP_SECS;
use crate::chain::engine::{Chain, ChainReadout, StageId};
use crate::chain::scene::{BusFormat, Scene};
use crate::dsp::capture::CaptureStats;
use crate::dsp::codec::CodecQuality;
use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::AaFilterKind;
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind, NoiseShaping, Rounding};
use crate::dsp::reconstruct::Reconstruction;
use crate::dsp::resample::SrcQuality;
use crate::dsp::source::SourceKind;
use crate::lesson::expr::{Assignment, Operand, Reader, Value};
use crate::lesson::quantity::{
    AbxQ, ConvQ, DeskQ, InputQ, MeterQ, Quantity, Scope, StageSel, TakeQ, TrackSel, TrackSetting,
};
use crate::sim::converter_view::{ConverterLab, ConverterSnapshot, ViewSettings};
use crate::sim::input_track::InputControls;

/// The score of the blind test a lesson step set up: what the student has heard so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listening {
    /// The blind test's key (see `sim::blind_tests`).
    pub test: String,
    /// Trials answered.
    pub trials: u32,
    /// Trials answered right.
    pub correct: u32,
}

/// What the simulator is set to: the screen and both screens' settings, the input track's
/// controls and its last take, and the score of the step's blind test.
#[derive(Clone, Debug, PartialEq)]
pub struct SimState {
    /// The screen on show.
    pub screen: Scope,
    /// The converter's settings.
    pub converter: ConverterParams,
    /// The desk's session.
    pub scene: Scene,
    /// The step's blind test, when one runs.
    pub listening: Option<Listening>,
    /// The desk's input track: preamp and word length.
    pub input: InputControls,
    /// What the last take recorded on the input track measured (none: no take yet). In the
    /// app the student's own; `lessons check --verify` records a simulated talker instead
    /// (`lesson::simulated_take`).
    pub take: Option<CaptureStats>,
}

impl Default for SimState {
    fn default() -> Self {
        Self {
            screen: Scope::Converter,
            converter: ConverterParams::default(),
            scene: Scene::band(),
            listening: None,
            input: InputControls::default(),
            take: None,
        }
    }
}

fn sym(o: &Operand) -> Option<&str> {
    if let Operand::Sym(s) = o { Some(s) } else { None }
}

fn num(o: &Operand) -> Option<f64> {
    if let Operand::Num(n) = o { Some(*n) } else { None }
}

fn parse<T: std::str::FromStr<Err = String>>(o: &Operand) -> Result<T, String> {
    match o {
        Operand::Sym(s) => s.parse(),
        Operand::Num(n) => n.to_string().parse(),
        Operand::Q(_) => Err("expected a value".into()),
    }
}

fn on(o: &Operand) -> Result<bool, String> {
    match sym(o) {
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        _ => Err("expected on or off".into()),
    }
}

fn bits(o: &Operand) -> Result<BitDepth, String> {
    match (sym(o), num(o)) {
        (Some("float"), _) => Ok(BitDepth::Float32),
        (_, Some(n)) if n.fract() == 0.0 && (1.0..=24.0).contains(&n) => Ok(BitDepth::Fixed(n as u8)),
        _ => Err("bits must be 1 to 24 or float".into()),
    }
}

fn bits_value(d: BitDepth) -> Value {
    match d {
        BitDepth::Fixed(n) => Value::Num(f64::from(n)),
        BitDepth::Float32 => Value::Sym("float".into()),
    }
}

fn on_value(b: bool) -> Value {
    Value::Sym(if b { "on" } else { "off" }.into())
}

/// The index of the track `sel` names in `scene`.
#[must_use]
pub fn track_index(scene: &Scene, sel: &TrackSel) -> Option<usize> {
    match sel {
        TrackSel::Number(n) => (*n >= 1 && *n <= scene.tracks.len()).then(|| n - 1),
        TrackSel::Name(name) => scene.tracks.iter().position(|t| t.name.eq_ignore_ascii_case(name)),
        TrackSel::Every => None,
    }
}

impl SimState {
    /// Applies a setting; the result is checked as the app would (ranges).
    ///
    /// # Errors
    /// A value the setting cannot take, or a track that does not exist.
    pub fn apply(&mut self, a: &Assignment) -> Result<(), String> {
        let v = &a.value;
        let need = |o: Option<f64>| o.ok_or_else(|| "expected a number".to_string());
        match &a.quantity {
            Quantity::Conv(q) => {
                let p = &mut self.converter;
                match q {
                    ConvQ::Signal => p.source.kind = parse::<SourceKind>(v)?,
                    ConvQ::Freq => p.source.freq_hz = need(num(v))?,
                    ConvQ::Freq2 => p.source.freq2_hz = need(num(v))?,
                    ConvQ::Level => p.source.level_dbfs = need(num(v))?,
                    ConvQ::Phase => p.source.phase_deg = need(num(v))?,
                    ConvQ::AnalogGain => p.analog_gain_db = need(num(v))?,
                    ConvQ::NoiseFloor => p.noise_floor_dbfs = if sym(v) == Some("off") { None } else { num(v) },
                    ConvQ::SampleRate => p.sample_rate_hz = need(num(v))?,
                    ConvQ::AaFilter => p.aa_filter.kind = parse::<AaFilterKind>(v)?,
                    ConvQ::AaCutoff => p.aa_filter.cutoff_hz = if sym(v) == Some("auto") { None } else { num(v) },
                    ConvQ::Bits => p.quantizer.bit_depth = bits(v)?,
                    ConvQ::Rounding => p.quantizer.rounding = parse::<Rounding>(v)?,
                    ConvQ::Dither => p.quantizer.dither.kind = parse::<DitherKind>(v)?,
                    ConvQ::DitherLsb => p.quantizer.dither.amplitude_lsb = Some(need(num(v))?),
                    ConvQ::NoiseShaping => p.quantizer.noise_shaping = parse::<NoiseShaping>(v)?,
                    ConvQ::Reconstruction => p.reconstruction = parse::<Reconstruction>(v)?,
                    _ => return Err("this cannot be set".into()),
                }
                p.validate()
            }
            Quantity::Track(sel, s) => {
                let i = track_index(&self.scene, sel).ok_or_else(|| format!("the session has no track {sel}"))?;
                let t = &mut self.scene.tracks[i];
                match s {
                    TrackSetting::Preamp => t.preamp_db = need(num(v))?,
                    TrackSetting::ClipGain => t.clip_gain_db = need(num(v))?,
                    TrackSetting::Fader => t.fader_db = need(num(v))?,
                    TrackSetting::Pan => t.pan = need(num(v))?,
                    TrackSetting::Mute => t.mute = on(v)?,
                    TrackSetting::Insert => t.insert = on(v)?,
                    TrackSetting::Bits => t.bits = bits(v)?,
                }
                self.scene.validate().map_err(|(f, m)| format!("{f}: {m}"))
            }
            Quantity::Desk(d) => {
                let s = &mut self.scene;
                match d {
                    DeskQ::BusFormat => {
                        s.bus.format = if sym(v) == Some("fixed24") { BusFormat::Fixed24 } else { BusFormat::Float32 };
                    }
                    DeskQ::Compressor => s.bus.compressor.enabled = on(v)?,
                    DeskQ::CompressorThreshold => s.bus.compressor.threshold_dbfs = need(num(v))?,
                    DeskQ::CompressorRatio => s.bus.compressor.ratio = need(num(v))?,
                    DeskQ::CompressorMakeup => s.bus.compressor.makeup_db = need(num(v))?,
                    DeskQ::MasterFader => s.master.fader_db = need(num(v))?,
                    DeskQ::Limiter => s.master.limiter.enabled = on(v)?,
                    DeskQ::LimiterDrive => s.master.limiter.input_gain_db = need(num(v))?,
                    DeskQ::LimiterCeiling => {
                        s.master.limiter.ceiling_dbtp = need(num(v))?;
                        s.targets.ceiling_dbtp = s.master.limiter.ceiling_dbtp;
                    }
                    DeskQ::ExportBits => s.export.bits = bits(v)?,
                    DeskQ::ExportDither => s.export.dither = Dither::new(parse::<DitherKind>(v)?),
                    DeskQ::ExportCodec => match sym(v) {
                        Some("off") => s.export.codec.enabled = false,
                        Some(q) => {
                            s.export.codec.enabled = true;
                            s.export.codec.quality = if q == "high" { CodecQuality::High } else { CodecQuality::Low };
                        }
                        None => return Err("expected off, low or high".into()),
                    },
                    DeskQ::ExportRate => s.export.sample_rate_hz = Some(need(num(v))?),
                    DeskQ::ExportSrc => s.export.src_quality = src_quality(v)?,
                    DeskQ::VuReference => s.targets.vu_reference_dbfs = need(num(v))?,
                    DeskQ::LoudnessTarget => s.targets.loudness_lufs = need(num(v))?,
                    DeskQ::Clips | DeskQ::LimiterGr | DeskQ::CompressorGr => return Err("this cannot be set".into()),
                }
                s.validate().map_err(|(f, m)| format!("{f}: {m}"))
            }
            Quantity::Input(i) => {
                match i {
                    InputQ::Preamp => self.input.preamp_db = need(num(v))?,
                    InputQ::Bits => self.input.bits = bits(v)?,
                }
                let (lo, hi) = crate::dsp::capture::PREAMP_RANGE_DB;
                if (lo..=hi).contains(&self.input.preamp_db) {
                    Ok(())
                } else {
                    Err(format!("the input's preamp gain must be between {lo} and {hi} dB"))
                }
            }
            Quantity::LevelAt(_) | Quantity::Meter(..) | Quantity::Abx(_) | Quantity::Take(_) => {
                Err("a measurement cannot be set".into())
            }
        }
    }

    /// Reads a setting of the state (measurements need [`Measured`]).
    #[must_use]
    pub fn setting(&self, q: &Quantity) -> Option<Value> {
        let p = &self.converter;
        Some(match q {
            Quantity::Conv(c) => match c {
                ConvQ::Signal => Value::Sym(p.source.kind.name().into()),
                ConvQ::Freq => Value::Num(p.source.freq_hz),
                ConvQ::Freq2 => Value::Num(p.source.freq2_hz),
                ConvQ::Level => Value::Num(p.source.level_dbfs),
                ConvQ::Phase => Value::Num(p.source.phase_deg),
                ConvQ::AnalogGain => Value::Num(p.analog_gain_db),
                ConvQ::NoiseFloor => p.noise_floor_dbfs.map_or(Value::Sym("off".into()), Value::Num),
                ConvQ::SampleRate => Value::Num(p.sample_rate_hz),
                ConvQ::Nyquist => Value::Num(p.nyquist_hz()),
                ConvQ::AaFilter => Value::Sym(p.aa_filter.kind.name().into()),
                ConvQ::AaCutoff => Value::Num(p.filter_response().cutoff_hz),
                ConvQ::Bits => bits_value(p.quantizer.bit_depth),
                ConvQ::Rounding => Value::Sym(
                    match p.quantizer.rounding {
                        Rounding::Round => "round",
                        Rounding::Truncate => "truncate",
                    }
                    .into(),
                ),
                ConvQ::Dither => Value::Sym(p.quantizer.dither.kind.name().into()),
                ConvQ::DitherLsb => Value::Num(p.quantizer.dither.amplitude()),
                ConvQ::NoiseShaping => Value::Sym(p.quantizer.noise_shaping.name().into()),
                ConvQ::Reconstruction => Value::Sym(p.reconstruction.name().into()),
                _ => return None,
            },
            Quantity::Track(sel, s) => {
                let Some(i) = track_index(&self.scene, sel) else {
                    return Some(Value::Missing(format!("no track {sel}")));
                };
                let t = &self.scene.tracks[i];
                match s {
                    TrackSetting::Preamp => Value::Num(t.preamp_db),
                    TrackSetting::ClipGain => Value::Num(t.clip_gain_db),
                    TrackSetting::Fader => Value::Num(t.fader_db),
                    TrackSetting::Pan => Value::Num(t.pan),
                    TrackSetting::Mute => on_value(t.mute),
                    TrackSetting::Insert => on_value(t.insert),
                    TrackSetting::Bits => bits_value(t.bits),
                }
            }
            Quantity::Desk(d) => {
                let s = &self.scene;
                match d {
                    DeskQ::BusFormat => Value::Sym(
                        match s.bus.format {
                            BusFormat::Float32 => "float",
                            BusFormat::Fixed24 => "fixed24",
                        }
                        .into(),
                    ),
                    DeskQ::Compressor => on_value(s.bus.compressor.enabled),
                    DeskQ::CompressorThreshold => Value::Num(s.bus.compressor.threshold_dbfs),
                    DeskQ::CompressorRatio => Value::Num(s.bus.compressor.ratio),
                    DeskQ::CompressorMakeup => Value::Num(s.bus.compressor.makeup_db),
                    DeskQ::MasterFader => Value::Num(s.master.fader_db),
                    DeskQ::Limiter => on_value(s.master.limiter.enabled),
                    DeskQ::LimiterDrive => Value::Num(s.master.limiter.input_gain_db),
                    DeskQ::LimiterCeiling => Value::Num(s.master.limiter.ceiling_dbtp),
                    DeskQ::ExportBits => bits_value(s.export.bits),
                    DeskQ::ExportDither => Value::Sym(s.export.dither.kind.name().into()),
                    DeskQ::ExportCodec => Value::Sym(
                        match (s.export.codec.enabled, s.export.codec.quality) {
                            (false, _) => "off",
                            (true, CodecQuality::Low) => "low",
                            (true, CodecQuality::High) => "high",
                        }
                        .into(),
                    ),
                    DeskQ::ExportRate => Value::Num(s.export_rate_hz()),
                    DeskQ::ExportSrc => Value::Sym(s.export.src_quality.name().into()),
                    DeskQ::VuReference => Value::Num(s.targets.vu_reference_dbfs),
                    DeskQ::LoudnessTarget => Value::Num(s.targets.loudness_lufs),
                    DeskQ::Clips | DeskQ::LimiterGr | DeskQ::CompressorGr => return None,
                }
            }
            Quantity::Input(InputQ::Preamp) => Value::Num(self.input.preamp_db),
            Quantity::Input(InputQ::Bits) => bits_value(self.input.bits),
            Quantity::LevelAt(_) | Quantity::Meter(..) | Quantity::Abx(_) | Quantity::Take(_) => return None,
        })
    }
}

fn src_quality(o: &Operand) -> Result<SrcQuality, String> {
    SrcQuality::ALL.into_iter().find(|q| sym(o) == Some(q.name())).ok_or_else(|| "expected poor, medium or high".into())
}

/// Measurements of a state.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The state measured.
    pub state: SimState,
    /// The converter screen's analysis (when the converter is on show).
    pub converter: Option<ConverterSnapshot>,
    /// The desk's meters after a render (when the desk is on show).
    pub desk: Option<ChainReadout>,
}

/// How long the desk is rendered for a measurement by default: the band's loop.
pub const DESK_SECS: f64 = LOOP_SECS;

/// Where the converter is measured: after this many samples, in its steady state (at sample 0
/// the time view would show the signal's onset, which no band-limited curve follows).
pub const CONVERTER_START: u64 = 4096;

/// What `quantities` need: a measurement of `state` on the model ([`measure`]) when any of them
/// is measured there, or only the state itself (settings, a blind test's score).
///
/// # Errors
/// As [`measure`].
pub fn measure_for<'a>(
    state: &SimState,
    desk_secs: f64,
    mut quantities: impl Iterator<Item = &'a Quantity>,
) -> Result<Measured, String> {
    if quantities.any(Quantity::needs_model) {
        measure(state, desk_secs)
    } else {
        Ok(Measured { state: state.clone(), converter: None, desk: None })
    }
}

/// Measures `state` on the model: the converter as its screen analyses it (from sample
/// [`CONVERTER_START`]), or
/// the desk's session rendered for `desk_secs` with every meter and the noise floors.
///
/// # Errors
/// Settings out of range, or an unreadable track file.
pub fn measure(state: &SimState, desk_secs: f64) -> Result<Measured, String> {
    match state.screen {
        Scope::Converter => {
            if state.converter.source.kind.is_live() {
                // The checks run on the model, which has no microphone.
                return Err("a goal cannot measure the live input; it measures the model's signals".into());
            }
            let mut lab = ConverterLab::new(&state.converter)?;
            let view = ViewSettings {
                time_span_secs: ViewSettings::default_span_secs(&state.converter),
                ..ViewSettings::default()
            };
            let snap = lab.compute(CONVERTER_START, &view);
            Ok(Measured { state: state.clone(), converter: Some(snap), desk: None })
        }
        Scope::Desk => {
            let mut chain = Chain::new(&state.scene)?;
            let frames = (desk_secs * state.scene.sample_rate_hz).round().max(1.0) as usize;
            let mut done = 0;
            while done < frames {
                let n = (frames - done).min(crate::chain::engine::MAX_BLOCK);
                chain.process(n);
                done += n;
            }
            chain.measure_noise_floors(0.5);
            Ok(Measured { state: state.clone(), converter: None, desk: Some(chain.readout()) })
        }
    }
}

fn opt(v: Option<f64>, why: &str) -> Value {
    v.map_or_else(|| Value::Missing(why.into()), Value::Num)
}

impl Measured {
    fn converter_value(&self, q: &Quantity) -> Value {
        let Some(s) = &self.converter else { return Value::Missing("the converter screen is not on show".into()) };
        let sine = |f: &dyn Fn(&crate::analysis::sine_test::SineTest) -> f64| {
            opt(s.sine.as_ref().map(f), "no sine test for this signal")
        };
        let visible = || s.aliases.iter().filter(|a| a.visible).max_by(|a, b| a.level_dbfs.total_cmp(&b.level_dbfs));
        match q {
            Quantity::LevelAt(f) => {
                if *f > 0.5 * s.sample_rate_hz {
                    return Value::Missing("above Nyquist".into());
                }
                Value::Num(s.spectrum.tone_dbfs(*f, s.spectrum.window.main_lobe_bins()))
            }
            Quantity::Conv(c) => match c {
                ConvQ::Snr => sine(&|t| t.snr_db),
                ConvQ::TheorySnr => Value::Num(s.theory_snr_db),
                ConvQ::Sinad => sine(&|t| t.sinad_db),
                ConvQ::Thd => sine(&|t| t.thd_db),
                ConvQ::ThdN => sine(&|t| t.thd_n_db),
                ConvQ::Enob => sine(&|t| t.enob_bits),
                ConvQ::SnrExclHarmonics => sine(&|t| t.snr_excl_harmonics_db),
                ConvQ::SamplePeak => Value::Num(s.levels.sample_peak_dbfs),
                ConvQ::TruePeak => Value::Num(s.levels.true_peak_dbtp),
                ConvQ::Rms => Value::Num(s.levels.rms_dbfs),
                ConvQ::CrestFactor => Value::Num(s.levels.crest_factor_db),
                ConvQ::Headroom => Value::Num(s.levels.headroom_db),
                ConvQ::DcOffset => Value::Num(s.levels.dc_offset),
                ConvQ::Clipped => Value::Num(s.clipped_samples as f64),
                ConvQ::ErrorRmsLsb => opt(s.error.rms_lsb, "float has no LSB"),
                ConvQ::ErrorRmsDbfs => Value::Num(s.error.rms_dbfs),
                ConvQ::Aliases => Value::Num(s.aliases.iter().filter(|a| a.visible).count() as f64),
                ConvQ::AliasHz => opt(visible().map(|a| a.alias_hz), "no alias stands out"),
                ConvQ::AliasDbfs => opt(visible().and_then(|a| a.measured_dbfs), "no alias stands out"),
                ConvQ::BitsUsed => match self.state.converter.quantizer.bit_depth {
                    BitDepth::Fixed(n) => Value::Num(crate::analysis::theory::used_bits(s.levels.sample_peak_dbfs, n)),
                    BitDepth::Float32 => Value::Missing("float".into()),
                },
                ConvQ::LevelsUsed => Value::Num(levels_used(&s.time.samples) as f64),
                ConvQ::ErrorMeanLsb => match self.state.converter.quantizer.bit_depth.lsb() {
                    Some(lsb) if !s.time.error.is_empty() => {
                        Value::Num(s.time.error.iter().map(|[_, e]| e).sum::<f64>() / s.time.error.len() as f64 / lsb)
                    }
                    Some(_) => Value::Missing("nothing in view".into()),
                    None => Value::Missing("float has no LSB".into()),
                },
                ConvQ::DacError => opt(dac_error_dbfs(&s.time), "nothing in view"),
                _ => self.state.setting(q).unwrap_or_else(|| Value::Missing("unknown".into())),
            },
            _ => Value::Missing("not a converter quantity".into()),
        }
    }

    fn desk_value(&self, q: &Quantity) -> Value {
        let Some(r) = &self.desk else { return Value::Missing("the desk is not on show".into()) };
        let scene = &self.state.scene;
        match q {
            Quantity::Meter(sel, m) => {
                let track = match sel {
                    StageSel::Track(t, _) => match track_index(scene, t) {
                        Some(i) => Some(i),
                        None => return Value::Missing(format!("no track {t}")),
                    },
                    _ => None,
                };
                let Some(stage) = Quantity::stage_of(sel, track) else { return Value::Missing("no stage".into()) };
                let Some(m_read) = stage_readout(r, stage) else {
                    return Value::Missing("no such stage".into());
                };
                meter_value(&m_read, *m)
            }
            Quantity::Desk(DeskQ::Clips) => {
                let mut n = r.bus.clipped_samples + r.master.clipped_samples + r.export.clipped_samples;
                for t in &r.tracks {
                    n += t.adc.clipped_samples + t.insert.clipped_samples + t.out.clipped_samples;
                }
                Value::Num(n as f64)
            }
            Quantity::Desk(DeskQ::LimiterGr) => Value::Num(r.limiter_gain_reduction_db),
            Quantity::Desk(DeskQ::CompressorGr) => Value::Num(r.compressor_gain_reduction_db),
            _ => self.state.setting(q).unwrap_or_else(|| Value::Missing("unknown".into())),
        }
    }
}

fn stage_readout(r: &ChainReadout, stage: StageId) -> Option<crate::analysis::meters::StageReadout> {
    Some(match stage {
        StageId::TrackSource(i) | StageId::TrackAdc(i) => r.tracks.get(i)?.adc,
        StageId::TrackInsert(i) => r.tracks.get(i)?.insert,
        StageId::Track(i) => r.tracks.get(i)?.out,
        StageId::Bus => r.bus,
        StageId::Master => r.master,
        StageId::Export => r.export,
    })
}

fn meter_value(m: &crate::analysis::meters::StageReadout, q: MeterQ) -> Value {
    let basic = "this tap has no such meter";
    match q {
        MeterQ::SamplePeak => Value::Num(m.sample_peak_dbfs),
        MeterQ::TruePeak => opt(m.true_peak_dbtp, basic),
        MeterQ::Rms => Value::Num(m.rms_dbfs),
        MeterQ::Average => Value::Num(m.average_dbfs),
        MeterQ::VuMax => Value::Num(m.vu_max),
        MeterQ::LufsIntegrated => opt(m.lufs_integrated, basic),
        MeterQ::LufsShortTermMax => opt(m.lufs_short_term_max, basic),
        MeterQ::LufsMomentaryMax => opt(m.lufs_momentary_max, basic),
        MeterQ::Lra => opt(m.loudness_range_lu, basic),
        MeterQ::Plr => opt(m.plr_db, basic),
        MeterQ::CrestFactor => Value::Num(m.crest_factor_db),
        MeterQ::Headroom => Value::Num(m.headroom_db),
        MeterQ::TruePeakHeadroom => opt(m.true_peak_headroom_db, basic),
        MeterQ::HeadroomToCeiling => Value::Num(m.headroom_to_ceiling_db),
        MeterQ::Clipped => Value::Num(m.clipped_samples as f64),
        MeterQ::NoiseFloor => opt(m.noise_floor_dbfs, "not measured"),
        MeterQ::DcOffset => Value::Num(m.dc_offset),
    }
}

/// How many different values the samples take.
fn levels_used(samples: &[[f64; 2]]) -> usize {
    let mut values: Vec<u64> = samples.iter().map(|[_, y]| (y + 0.0).to_bits()).collect();
    values.sort_unstable();
    values.dedup();
    values.len()
}

/// RMS of the reconstructed output minus the analog signal that reached the sampler, over the
/// time view, dBFS: how far what a DAC puts out is from what came in.
fn dac_error_dbfs(time: &crate::sim::converter_view::TimeView) -> Option<f64> {
    let n = time.reconstructed.len().min(time.analog.len());
    (n > 0).then(|| {
        let sum: f64 = time.reconstructed.iter().zip(&time.analog).map(|([_, y], [_, x])| (y - x) * (y - x)).sum();
        crate::units::power_to_db(sum / n as f64)
    })
}

impl Measured {
    fn abx_value(&self, q: AbxQ) -> Value {
        let Some(l) = &self.state.listening else {
            return Value::Missing("no blind test of this step is running".into());
        };
        match q {
            AbxQ::Trials => Value::Num(f64::from(l.trials)),
            AbxQ::Correct => Value::Num(f64::from(l.correct)),
            AbxQ::P => Value::Num(crate::abx::p_at_least(l.correct, l.trials)),
        }
    }
}

/// What a goal on a take reads before there is one.
pub const NO_TAKE: &str = "record a take first";

/// A reading of a take's measurements.
#[must_use]
pub fn take_value(take: Option<&CaptureStats>, q: TakeQ) -> Value {
    let Some(t) = take else { return Value::Missing(NO_TAKE.into()) };
    let floor = t.noise_floor_dbfs;
    match q {
        TakeQ::SamplePeak => Value::Num(t.peak_dbfs),
        TakeQ::TruePeak => Value::Num(t.true_peak_dbtp),
        TakeQ::Clipped => Value::Num(t.clipped_samples as f64),
        TakeQ::NoiseFloor => opt(floor, "the take is empty"),
        // Digital silence in the pauses has no level to stand above.
        TakeQ::PeakToNoise => match floor {
            Some(f) if f > crate::units::FLOOR_DB => Value::Num(t.peak_dbfs - f),
            Some(_) => Value::Missing("the pauses are digital silence".into()),
            None => Value::Missing("the take is empty".into()),
        },
        TakeQ::ErrorRms => Value::Num(t.error_rms_dbfs),
        TakeQ::InputPeak => Value::Num(t.input_peak_dbfs),
        TakeQ::Duration => Value::Num(t.duration_secs()),
    }
}

impl Reader for Measured {
    fn read(&self, q: &Quantity) -> Value {
        match q {
            Quantity::Abx(a) => return self.abx_value(*a),
            Quantity::Take(t) => return take_value(self.state.take.as_ref(), *t),
            _ => {}
        }
        if let Some(v) = self.state.setting(q) {
            return v;
        }
        match q.scope() {
            Some(Scope::Converter) => self.converter_value(q),
            _ => self.desk_value(q),
        }
    }

    fn track_count(&self) -> usize {
        self.state.scene.tracks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::expr::{Value, parse_assignment, parse_goal};

    #[test]
    fn an_eight_bit_sine_meets_its_theory_and_settings_apply() {
        let mut s = SimState::default();
        s.apply(&parse_assignment("bits = 8").expect("parses")).expect("applies");
        let m = measure(&s, 1.0).expect("measures");
        let g =
            parse_goal("snr_db within 0.5 of theory_snr_db and bits == 8 and clipped_samples == 0").expect("parses");
        let o = g.evaluate(&m);
        assert!(o.met, "{o:?}");
        assert!(s.apply(&parse_assignment("sample_rate = 500").expect("parses")).is_err(), "out of range");
    }

    /// A step may put the student on the live input, but a goal cannot measure it: the
    /// checks run on the model, which has no microphone.
    #[test]
    fn live_input_can_be_set_but_not_measured() {
        let mut s = SimState::default();
        s.apply(&parse_assignment("signal = live-input").expect("parses")).expect("applies");
        assert!(s.converter.source.kind.is_live());
        let e = measure(&s, 1.0).expect_err("not measured");
        assert!(e.contains("live input"), "{e}");
    }

    fn read(s: &SimState, q: &str) -> f64 {
        let g = parse_goal(&format!("{q} > 0")).expect("parses");
        let m = measure(s, 1.0).expect("measures");
        match m.read(g.quantities()[0]) {
            Value::Num(x) => x,
            other => panic!("{q}: {other:?}"),
        }
    }

    fn state(settings: &[&str]) -> SimState {
        let mut s = SimState::default();
        for a in settings {
            s.apply(&parse_assignment(a).expect("parses")).expect("applies");
        }
        s
    }

    /// A -40 dBFS sine is 0.01 x 128 = 1.28 LSB at 8 bits: its samples take the codes -1, 0
    /// and +1 only.
    #[test]
    fn a_quiet_sine_at_eight_bits_uses_three_codes() {
        assert_eq!(read(&state(&["bits = 8", "level = -40 dBFS"]), "levels_used"), 3.0);
        // At -1 dBFS it spans the whole range: about 2 x 0.89 x 128 codes.
        // At -1 dBFS it uses many more: about one code per sample of the three cycles in view.
        let loud = read(&state(&["bits = 8", "level = -1 dBFS"]), "levels_used");
        assert!(loud > 60.0, "{loud}");
    }

    /// Truncation's error lies between -1 and 0 LSB, rounding's between -1/2 and +1/2: their
    /// means differ by half an LSB.
    #[test]
    fn truncation_is_half_an_lsb_low_on_average() {
        let mean = |r: &str| read(&state(&["bits = 8", r]), "error_mean_lsb");
        let (t, r) = (mean("rounding = truncate"), mean("rounding = round"));
        assert!((t + 0.5).abs() < 0.05 && r.abs() < 0.05, "truncate {t}, round {r}");
    }

    /// Goals on a take read what the tracking stage measured of it: 1 s of a -20 dBFS tone and
    /// 1 s of a -70 dBFS one (997 Hz) (the "pause") through +10 dB at 24 bits peak at -10 dBFS, with a
    /// noise floor of -70 + 10 - 3.01 dBFS (a sine's RMS) and so 53.01 dB between them; no take
    /// yet reads "record a take first" and meets nothing.
    #[test]
    fn take_quantities_read_the_last_take_and_wait_for_one() {
        use crate::dsp::capture::{Capture, CaptureSettings};
        let rate = 48_000.0;
        let tone = |dbfs: f64| {
            (0..48_000)
                .map(move |n| crate::units::db_to_amp(dbfs) * (std::f64::consts::TAU * 997.0 * n as f64 / rate).sin())
        };
        let input: Vec<f64> = tone(-20.0).chain(tone(-70.0)).collect();
        let settings = CaptureSettings { preamp_db: 10.0, bit_depth: BitDepth::Fixed(24), sample_rate_hz: rate };
        let mut c = Capture::new(rate, settings);
        c.process(&input, &mut Vec::new());
        let mut s = state(&["input.preamp_db = 10 dB", "input.bits = 24"]);
        assert_eq!(s.input, InputControls { preamp_db: 10.0, bits: BitDepth::Fixed(24), ..InputControls::default() });
        let goal = parse_goal("take.sample_peak_dbfs in -12..-6 and take.clipped_samples == 0").expect("parses");
        let m = measure_for(&s, 1.0, goal.quantities().into_iter()).expect("reads");
        let o = goal.evaluate(&m);
        assert!(!o.met && o.atoms.iter().all(|a| a.value == "— (record a take first)"), "{o:?}");
        s.take = Some(c.finish());
        let m = measure_for(&s, 1.0, goal.quantities().into_iter()).expect("reads");
        assert!(goal.evaluate(&m).met);
        let read = |q: &str| match m.read(parse_goal(&format!("{q} > 0")).expect("parses").quantities()[0]) {
            Value::Num(x) => x,
            other => panic!("{q}: {other:?}"),
        };
        assert!((read("take.sample_peak_dbfs") + 10.0).abs() < 1e-3);
        assert!((read("take.input_peak_dbfs") + 20.0).abs() < 1e-3);
        assert!((read("take.noise_floor_dbfs") + 63.0103).abs() < 0.01);
        assert!((read("take.peak_to_noise_db") - 53.0103).abs() < 0.01);
        assert!((read("take.duration_secs") - 2.0).abs() < 1e-9);
        assert_eq!(read("take.clipped_samples"), 0.0);
        // The true peak of a 997 Hz tone at 48 kHz lies within 0.02 dB of its sample peak.
        assert!((read("take.true_peak_dbtp") + 10.0).abs() < 0.02);
        // 24-bit rounding: LSB 2^-23 / sqrt(12), -149.3 dBFS.
        assert!((read("take.error_rms_dbfs") + 149.26).abs() < 0.2, "{}", read("take.error_rms_dbfs"));
        assert!(s.apply(&parse_assignment("input.preamp_db = 70 dB").expect("parses")).is_err(), "out of range");
        assert!(parse_assignment("take.clipped_samples = 0").is_err(), "a take's reading cannot be set");
    }

    /// The staircase departs from the analog input by far more than the band-limited curve.
    #[test]
    fn the_staircase_is_far_from_the_input_and_the_band_limited_curve_is_close() {
        for filter in ["off", "steep"] {
            let base = ["sample_rate = 8000", "freq = 1000 Hz", "level = -1 dBFS"];
            let filter = format!("aa_filter = {filter}");
            let with = |r: &str| {
                let mut all = base.to_vec();
                all.extend([r, filter.as_str()]);
                read(&state(&all), "dac_error_dbfs")
            };
            let (e_stairs, e_smooth) = (with("reconstruction = staircase"), with("reconstruction = band-limited"));
            assert!(e_stairs > -15.0 && e_smooth < -60.0, "{filter}: {e_stairs} {e_smooth}");
        }
    }
}
