//! Scene files: a whole session described in plain TOML that a teacher can write by hand:
//! the tracks and every gain, the converter settings of each stage, the bus, the master, the
//! export and the targets. Loading names the file, line and field of any mistake.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::chain::band::Part;
use crate::chain::dynamics::{CompressorParams, LimiterParams};
use crate::chain::targets::Targets;
use crate::dsp::codec::CodecQuality;
use crate::dsp::converter::ConverterParams;
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind, NoiseShaping};
use crate::dsp::resample::SrcQuality;
use crate::dsp::source::{SourceKind, SourceParams, check_range};
use crate::textloc::{LocatedError, at_path, parse_toml};

/// What a track plays into its preamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrackSourceKind {
    /// The band's drums.
    Drums,
    /// The band's bass.
    Bass,
    /// The band's lead.
    Lead,
    /// The band's pad.
    Pad,
    /// An audio file (WAV; FLAC, MP3, OGG when readable).
    File,
    /// A converter source: sine.
    Sine,
    /// Square.
    Square,
    /// Sawtooth.
    Sawtooth,
    /// Triangle.
    Triangle,
    /// White noise.
    WhiteNoise,
    /// Pink noise.
    PinkNoise,
    /// Log sweep.
    Sweep,
    /// Two tones.
    TwoTone,
    /// Impulse train.
    Impulse,
    /// Live input: the input device's first channel as it arrives (its level is the
    /// device's: `level_dbfs` does not apply). Silent where no input runs, as in offline
    /// renders and exports; record a take to keep it.
    Live,
}

impl TrackSourceKind {
    /// The band part, if this is one.
    #[must_use]
    pub fn part(self) -> Option<Part> {
        match self {
            Self::Drums => Some(Part::Drums),
            Self::Bass => Some(Part::Bass),
            Self::Lead => Some(Part::Lead),
            Self::Pad => Some(Part::Pad),
            _ => None,
        }
    }

    /// The converter source kind, if this is one.
    #[must_use]
    pub fn signal(self) -> Option<SourceKind> {
        Some(match self {
            Self::Sine => SourceKind::Sine,
            Self::Square => SourceKind::Square,
            Self::Sawtooth => SourceKind::Sawtooth,
            Self::Triangle => SourceKind::Triangle,
            Self::WhiteNoise => SourceKind::WhiteNoise,
            Self::PinkNoise => SourceKind::PinkNoise,
            Self::Sweep => SourceKind::Sweep,
            Self::TwoTone => SourceKind::TwoTone,
            Self::Impulse => SourceKind::Impulse,
            _ => return None,
        })
    }
}

/// A track's source: a band part, a converter signal or a file, at a level at the preamp input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackSource {
    /// What plays.
    pub kind: TrackSourceKind,
    /// Peak level at the preamp input (what 0 dB of preamp gain would record), dBFS. The band
    /// parts default to -30 dBFS, like a microphone or instrument before its preamp.
    #[serde(default = "default_source_level")]
    pub level_dbfs: f64,
    /// Frequency for a signal, Hz.
    #[serde(default)]
    pub freq_hz: Option<f64>,
    /// Second frequency for a signal, Hz.
    #[serde(default)]
    pub freq2_hz: Option<f64>,
    /// The file, relative to the scene file.
    #[serde(default)]
    pub path: Option<PathBuf>,
}

fn default_source_level() -> f64 {
    -30.0
}

impl TrackSource {
    /// The converter source this describes, if it is a signal.
    #[must_use]
    pub fn signal_params(&self) -> Option<SourceParams> {
        let kind = self.kind.signal()?;
        let d = SourceParams::default();
        Some(SourceParams {
            kind,
            freq_hz: self.freq_hz.unwrap_or(d.freq_hz),
            freq2_hz: self.freq2_hz.unwrap_or(d.freq2_hz),
            level_dbfs: self.level_dbfs,
            ..d
        })
    }
}

/// One channel strip: source, noise, preamp, ADC, clip gain, insert, fader, pan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackParams {
    /// Name shown on the strip and used by `--stage track:NAME`.
    pub name: String,
    /// What plays.
    pub source: TrackSource,
    /// Noise of microphone and preamp, referred to the input: RMS in 20 Hz-20 kHz, dBFS.
    #[serde(default = "default_input_noise")]
    pub input_noise_dbfs: Option<f64>,
    /// Preamp gain, dB.
    #[serde(default)]
    pub preamp_db: f64,
    /// The ADC's word length (the sample rate is the session's).
    #[serde(default = "default_track_bits")]
    pub bits: BitDepth,
    /// Digital clip gain after the ADC, dB.
    #[serde(default)]
    pub clip_gain_db: f64,
    /// The analog-modelled insert (saturator) on or bypassed.
    #[serde(default)]
    pub insert: bool,
    /// Fader, dB.
    #[serde(default)]
    pub fader_db: f64,
    /// Pan, -1 (left) to 1 (right).
    #[serde(default)]
    pub pan: f64,
    /// Muted.
    #[serde(default)]
    pub mute: bool,
}

// serde's `default = "..."` needs functions.
#[allow(clippy::unnecessary_wraps, reason = "serde default for an Option field")]
fn default_input_noise() -> Option<f64> {
    Some(-125.0)
}

fn default_track_bits() -> BitDepth {
    BitDepth::Fixed(24)
}

/// Number format of the mix bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BusFormat {
    /// 32-bit float: never clips inside; overs survive until a conversion to fixed point.
    #[default]
    Float32,
    /// 24-bit fixed point: clips at 0 dBFS like any fixed-point stage.
    Fixed24,
}

/// The mix bus.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BusParams {
    /// Float or fixed.
    pub format: BusFormat,
    /// The bus compressor.
    pub compressor: CompressorParams,
}

/// The master section.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct MasterParams {
    /// Master fader, dB.
    pub fader_db: f64,
    /// The mastering limiter.
    pub limiter: LimiterParams,
}

/// The lossy codec stage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CodecParams {
    /// On or off.
    pub enabled: bool,
    /// How hard it squeezes.
    pub quality: CodecQuality,
}

/// The export: sample-rate conversion, word length with dither, and an optional codec.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportParams {
    /// Delivery sample rate, Hz; `None` keeps the session's.
    pub sample_rate_hz: Option<f64>,
    /// Quality of the sample-rate conversion.
    pub src_quality: SrcQuality,
    /// 16, 24 or 32f.
    pub bits: BitDepth,
    /// Dither before the word-length reduction.
    pub dither: Dither,
    /// Noise shaping of the dither.
    pub noise_shaping: NoiseShaping,
    /// The lossy codec after the export.
    pub codec: CodecParams,
}

impl Default for ExportParams {
    fn default() -> Self {
        Self {
            sample_rate_hz: None,
            src_quality: SrcQuality::High,
            bits: BitDepth::Fixed(16),
            dither: Dither::new(DitherKind::Tpdf),
            noise_shaping: NoiseShaping::Off,
            codec: CodecParams::default(),
        }
    }
}

/// Which screen a scene opens on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Screen {
    /// The converter: sampling, quantization, aliasing.
    #[default]
    Converter,
    /// The mixing desk: tracking, mix, master, export.
    Chain,
}

/// A whole session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Title.
    pub name: String,
    /// What the scene shows, for the teacher and the student.
    #[serde(default)]
    pub description: String,
    /// The screen it opens on.
    #[serde(default)]
    pub screen: Screen,
    /// Seed of the band and of every noise.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Session sample rate, Hz.
    #[serde(default = "default_session_rate")]
    pub sample_rate_hz: f64,
    /// Length of a render, seconds (default: the band's 16 s loop).
    #[serde(default)]
    pub duration_secs: Option<f64>,
    /// The analog noise of each ADC (independent of the preamp gain), RMS dBFS; real
    /// converters sit near -118 dBFS, far above the 24-bit quantization floor.
    #[serde(default = "default_adc_noise")]
    pub adc_noise_dbfs: Option<f64>,
    /// The channel strips.
    #[serde(default)]
    pub tracks: Vec<TrackParams>,
    /// The mix bus.
    #[serde(default)]
    pub bus: BusParams,
    /// The master.
    #[serde(default)]
    pub master: MasterParams,
    /// The export.
    #[serde(default)]
    pub export: ExportParams,
    /// The target zones shown on meters and checked by lessons.
    #[serde(default)]
    pub targets: Targets,
    /// Settings of the converter screen, for scenes that open there.
    #[serde(default)]
    pub converter: Option<ConverterParams>,
}

fn default_seed() -> u64 {
    1
}

fn default_session_rate() -> f64 {
    48_000.0
}

#[allow(clippy::unnecessary_wraps, reason = "serde default for an Option field")]
fn default_adc_noise() -> Option<f64> {
    Some(-118.0)
}

impl Default for Scene {
    fn default() -> Self {
        Self {
            name: "Untitled".into(),
            description: String::new(),
            screen: Screen::Chain,
            seed: default_seed(),
            sample_rate_hz: default_session_rate(),
            duration_secs: None,
            adc_noise_dbfs: default_adc_noise(),
            tracks: Vec::new(),
            bus: BusParams::default(),
            master: MasterParams::default(),
            export: ExportParams::default(),
            targets: Targets::default(),
            converter: None,
        }
    }
}

/// The example scenes built into the app (the files under assets/demos): file stem, title,
/// text.
pub const EXAMPLES: [(&str, &str, &str); 5] = [
    ("clean-mix", "Clean mix", include_str!("../../assets/demos/15-clean-mix.toml")),
    ("too-hot-tracking", "Too hot while tracking", include_str!("../../assets/demos/13-too-hot-tracking.toml")),
    (
        "too-quiet-noisy-makeup",
        "Too quiet, made up later",
        include_str!("../../assets/demos/14-too-quiet-noisy-makeup.toml"),
    ),
    ("float-bus-over", "Float bus over 0 dBFS", include_str!("../../assets/demos/16-float-bus-over.toml")),
    ("loud-master-codec", "Loud master through a codec", include_str!("../../assets/demos/17-loud-master-codec.toml")),
];

/// A built-in example scene by its file stem (`clean-mix`), or the band for `band`.
#[must_use]
pub fn example(stem: &str) -> Option<Scene> {
    if stem == "band" {
        return Some(Scene::band());
    }
    let (_, title, text) = EXAMPLES.iter().find(|(s, _, _)| *s == stem)?;
    Scene::from_toml(title, text).ok()
}

/// A validation problem: the field path and what is wrong.
pub type FieldError = (String, String);

impl Scene {
    /// The band as four tracks, recorded well (peaks around -10 dBFS), into a float bus.
    #[must_use]
    pub fn band() -> Self {
        let track = |name: &str, kind: TrackSourceKind, preamp_db: f64, pan: f64| TrackParams {
            name: name.into(),
            source: TrackSource { kind, level_dbfs: -30.0, freq_hz: None, freq2_hz: None, path: None },
            input_noise_dbfs: default_input_noise(),
            preamp_db,
            bits: BitDepth::Fixed(24),
            clip_gain_db: 0.0,
            insert: true,
            fader_db: -6.0,
            pan,
            mute: false,
        };
        Self {
            name: "The band".into(),
            description: "Four tracks recorded with peaks around -10 dBFS, mixed into a float bus.".into(),
            tracks: vec![
                track("Drums", TrackSourceKind::Drums, 20.0, 0.0),
                track("Bass", TrackSourceKind::Bass, 20.0, 0.0),
                track("Lead", TrackSourceKind::Lead, 20.0, 0.2),
                track("Pad", TrackSourceKind::Pad, 20.0, -0.3),
            ],
            ..Self::default()
        }
    }

    /// Checks every value against its range; each problem names its field path.
    ///
    /// # Errors
    /// The first problem found.
    pub fn validate(&self) -> Result<(), FieldError> {
        let field = |path: &str, r: Result<(), String>| r.map_err(|m| (path.to_string(), m));
        let range = |path: &str, v: f64, lo: f64, hi: f64| {
            check_range(path.rsplit('.').next().unwrap_or(path), v, lo, hi).map_err(|m| (path.to_string(), m))
        };
        if self.name.trim().is_empty() {
            return Err(("name".into(), "a scene needs a name".into()));
        }
        range("sample_rate_hz", self.sample_rate_hz, 8_000.0, 192_000.0)?;
        if let Some(d) = self.duration_secs {
            range("duration_secs", d, 0.1, 600.0)?;
        }
        if let Some(n) = self.adc_noise_dbfs {
            range("adc_noise_dbfs", n, -200.0, -20.0)?;
        }
        if self.tracks.len() > 16 {
            return Err(("tracks".into(), format!("at most 16 tracks (got {})", self.tracks.len())));
        }
        for (i, t) in self.tracks.iter().enumerate() {
            let p = |f: &str| format!("tracks[{i}].{f}");
            if t.name.trim().is_empty() {
                return Err((p("name"), "a track needs a name".into()));
            }
            if self.tracks[..i].iter().any(|o| o.name.eq_ignore_ascii_case(&t.name)) {
                return Err((p("name"), format!("two tracks are named '{}'", t.name)));
            }
            range(&p("source.level_dbfs"), t.source.level_dbfs, -120.0, 20.0)?;
            if let Some(sp) = t.source.signal_params() {
                field(&p("source"), sp.validate())?;
            }
            if t.source.kind == TrackSourceKind::File && t.source.path.is_none() {
                return Err((p("source.path"), "a file track needs a path".into()));
            }
            if let Some(n) = t.input_noise_dbfs {
                range(&p("input_noise_dbfs"), n, -200.0, -20.0)?;
            }
            range(&p("preamp_db"), t.preamp_db, -20.0, 70.0)?;
            field(&p("bits"), t.bits.validate())?;
            range(&p("clip_gain_db"), t.clip_gain_db, -60.0, 60.0)?;
            range(&p("fader_db"), t.fader_db, -120.0, 24.0)?;
            range(&p("pan"), t.pan, -1.0, 1.0)?;
        }
        let c = &self.bus.compressor;
        range("bus.compressor.threshold_dbfs", c.threshold_dbfs, -80.0, 20.0)?;
        range("bus.compressor.ratio", c.ratio, 1.0, 100.0)?;
        range("bus.compressor.attack_ms", c.attack_ms, 0.01, 1000.0)?;
        range("bus.compressor.release_ms", c.release_ms, 1.0, 5000.0)?;
        range("bus.compressor.makeup_db", c.makeup_db, -24.0, 40.0)?;
        range("master.fader_db", self.master.fader_db, -120.0, 24.0)?;
        let l = &self.master.limiter;
        range("master.limiter.input_gain_db", l.input_gain_db, -24.0, 40.0)?;
        range("master.limiter.ceiling_dbtp", l.ceiling_dbtp, -20.0, 0.0)?;
        range("master.limiter.lookahead_ms", l.lookahead_ms, 0.1, 20.0)?;
        range("master.limiter.release_ms", l.release_ms, 1.0, 2000.0)?;
        if let Some(r) = self.export.sample_rate_hz {
            range("export.sample_rate_hz", r, 8_000.0, 192_000.0)?;
        }
        if !matches!(self.export.bits, BitDepth::Fixed(16 | 24) | BitDepth::Float32) {
            return Err((
                "export.bits".into(),
                format!("export bit depth must be 16, 24 or 32f (got {})", self.export.bits),
            ));
        }
        if let Some(a) = self.export.dither.amplitude_lsb {
            range("export.dither.amplitude_lsb", a, 0.0, 16.0)?;
        }
        field("targets", self.targets.validate())?;
        if let Some(conv) = &self.converter {
            field("converter", conv.validate())?;
        }
        Ok(())
    }

    /// Parses and validates a scene from `text`; `file` names it in errors.
    ///
    /// # Errors
    /// A located error (file, line, field).
    pub fn from_toml(file: &str, text: &str) -> Result<Self, LocatedError> {
        let scene: Self = parse_toml(file, text)?;
        scene.validate().map_err(|(path, msg)| at_path(file, text, &path, msg))?;
        Ok(scene)
    }

    /// Loads a scene file; file paths inside it become relative to the file's folder.
    ///
    /// # Errors
    /// A located error, or the I/O error as one.
    pub fn load(path: &Path) -> Result<Self, LocatedError> {
        let name = path.display().to_string();
        let text = crate::platform::fs::read_to_string(path)
            .map_err(|e| LocatedError::in_file(&name, format!("cannot read: {e}")))?;
        let mut scene = Self::from_toml(&name, &text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for t in &mut scene.tracks {
            if let Some(p) = &mut t.source.path
                && p.is_relative()
            {
                *p = base.join(&*p);
            }
        }
        Ok(scene)
    }

    /// The scene as TOML text.
    ///
    /// # Errors
    /// When serialization fails (it should not).
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string_pretty(self).map_err(|e| e.to_string())
    }

    /// Saves the scene atomically.
    ///
    /// # Errors
    /// An I/O error as text.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = self.to_toml()?;
        crate::fsutil::write_bytes_atomic(path, text.as_bytes())
            .map_err(|e| format!("cannot save {}: {e}", path.display()))
    }

    /// The export's sample rate.
    #[must_use]
    pub fn export_rate_hz(&self) -> f64 {
        self.export.sample_rate_hz.unwrap_or(self.sample_rate_hz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_round_trips_through_toml() {
        let s = Scene::band();
        s.validate().expect("valid");
        let text = s.to_toml().expect("serializes");
        let back = Scene::from_toml("band.toml", &text).expect("parses");
        assert_eq!(back, s);
    }

    #[test]
    fn range_errors_are_located() {
        let text = "name = \"t\"\n\n[[tracks]]\nname = \"Kick\"\nsource = { kind = \"drums\" }\npreamp_db = 200\n";
        let e = Scene::from_toml("t.toml", text).unwrap_err();
        assert_eq!(e.line, Some(6), "{e}");
        assert_eq!(e.field.as_deref(), Some("tracks[0].preamp_db"));
        assert!(e.message.contains("preamp_db"), "{e}");
    }
}
