//! The named quantities of the goal language: what a lesson can read (measurements and
//! settings) and set (settings), with their units. A closed list: a name not here is an error
//! in the lesson file, not a surprise at run time.

use std::fmt;

use crate::chain::engine::StageId;

/// The screen a quantity belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The converter screen.
    Converter,
    /// The mixing desk.
    Desk,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Converter => "converter",
            Self::Desk => "desk",
        })
    }
}

/// What a quantity is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Hertz.
    Hz,
    /// A level or gain in dB (dB, dBFS, dBTP, LUFS, LU).
    Level(&'static str),
    /// Least significant bits.
    Lsb,
    /// Bits.
    Bits,
    /// Degrees.
    Degrees,
    /// A count or a plain number.
    Plain,
    /// One of a few names.
    Choice(&'static [&'static str]),
}

impl Unit {
    /// How the unit is written after a number.
    #[must_use]
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Hz => "Hz",
            Self::Level(s) => s,
            Self::Lsb => "LSB",
            Self::Bits => "bits",
            Self::Degrees => "°",
            Self::Plain | Self::Choice(_) => "",
        }
    }
}

/// The unit written after a number in a lesson file, and its scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Hz, kHz.
    Frequency,
    /// dB, dBFS, dBTP, LUFS, LKFS, LU.
    Level,
    /// LSB.
    Lsb,
    /// bits.
    Bits,
    /// degrees.
    Degrees,
}

/// Reads a unit word: its family and the factor to apply to the number.
#[must_use]
pub fn unit_word(word: &str) -> Option<(Family, f64)> {
    Some(match word {
        "Hz" | "hz" => (Family::Frequency, 1.0),
        "kHz" | "khz" => (Family::Frequency, 1000.0),
        "dB" | "db" | "dBFS" | "dBfs" | "dbfs" | "dBTP" | "dbtp" | "LUFS" | "lufs" | "LKFS" | "LU" | "lu" => {
            (Family::Level, 1.0)
        }
        "LSB" | "lsb" => (Family::Lsb, 1.0),
        "bit" | "bits" => (Family::Bits, 1.0),
        "deg" | "degrees" => (Family::Degrees, 1.0),
        _ => return None,
    })
}

impl Unit {
    /// Whether a number written with a unit of `family` fits.
    #[must_use]
    pub fn accepts(self, family: Family) -> bool {
        matches!(
            (self, family),
            (Self::Hz, Family::Frequency)
                | (Self::Level(_), Family::Level)
                | (Self::Lsb, Family::Lsb)
                | (Self::Bits, Family::Bits)
                | (Self::Degrees, Family::Degrees)
        )
    }
}

/// A converter setting or measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each is described in CONVERTER_QUANTITIES")]
pub enum ConvQ {
    Signal,
    Freq,
    Freq2,
    Level,
    Phase,
    AnalogGain,
    NoiseFloor,
    SampleRate,
    Nyquist,
    AaFilter,
    AaCutoff,
    Bits,
    Rounding,
    Dither,
    DitherLsb,
    NoiseShaping,
    Reconstruction,
    Snr,
    TheorySnr,
    Sinad,
    Thd,
    ThdN,
    Enob,
    SnrExclHarmonics,
    SamplePeak,
    TruePeak,
    Rms,
    CrestFactor,
    Headroom,
    DcOffset,
    Clipped,
    ErrorRmsLsb,
    ErrorRmsDbfs,
    Aliases,
    AliasHz,
    AliasDbfs,
    BitsUsed,
    LevelsUsed,
    DacError,
    ErrorMeanLsb,
}

const SIGNALS: &[&str] = &[
    "sine",
    "square",
    "sawtooth",
    "triangle",
    "white-noise",
    "pink-noise",
    "sweep",
    "two-tone",
    "impulse",
    "live-input",
];
const FILTERS: &[&str] = &["off", "gentle", "steep"];
const ROUNDINGS: &[&str] = &["round", "truncate"];
const DITHERS: &[&str] = &["none", "rpdf", "tpdf"];
const SHAPINGS: &[&str] = &["off", "first-order", "second-order", "f-weighted"];
const RECONSTRUCTIONS: &[&str] = &["staircase", "band-limited"];
const ON_OFF: &[&str] = &["on", "off"];
const BUS_FORMATS: &[&str] = &["float", "fixed24"];
const CODECS: &[&str] = &["off", "low", "high"];
const SRC_QUALITIES: &[&str] = &["poor", "medium", "high"];

/// One entry of a quantity table.
#[derive(Clone, Copy, Debug)]
pub struct Entry<T> {
    /// Name in lesson files.
    pub name: &'static str,
    /// Which.
    pub which: T,
    /// Unit.
    pub unit: Unit,
    /// Whether a lesson can set it.
    pub settable: bool,
    /// What it is, for people.
    pub about: &'static str,
}

const fn e<T>(name: &'static str, which: T, unit: Unit, settable: bool, about: &'static str) -> Entry<T> {
    Entry { name, which, unit, settable, about }
}

/// Every converter quantity.
pub const CONVERTER_QUANTITIES: &[Entry<ConvQ>] = &[
    e("signal", ConvQ::Signal, Unit::Choice(SIGNALS), true, "the source waveform"),
    e("freq", ConvQ::Freq, Unit::Hz, true, "the source frequency (first tone, sweep start)"),
    e("freq2", ConvQ::Freq2, Unit::Hz, true, "the second tone or the sweep's end"),
    e("level", ConvQ::Level, Unit::Level("dBFS"), true, "the source's peak level"),
    e("phase", ConvQ::Phase, Unit::Degrees, true, "the source's starting phase"),
    e("analog_gain", ConvQ::AnalogGain, Unit::Level("dB"), true, "gain in front of the converter"),
    e("noise_floor", ConvQ::NoiseFloor, Unit::Level("dBFS"), true, "analog noise (RMS in 20 kHz), or off"),
    e("sample_rate", ConvQ::SampleRate, Unit::Hz, true, "the sample rate"),
    e("nyquist", ConvQ::Nyquist, Unit::Hz, false, "half the sample rate"),
    e("aa_filter", ConvQ::AaFilter, Unit::Choice(FILTERS), true, "the anti-alias filter"),
    e("aa_cutoff", ConvQ::AaCutoff, Unit::Hz, true, "the filter's cutoff (or auto: 0.9 x Nyquist)"),
    e("bits", ConvQ::Bits, Unit::Bits, true, "the bit depth (or float)"),
    e("rounding", ConvQ::Rounding, Unit::Choice(ROUNDINGS), true, "round or truncate"),
    e("dither", ConvQ::Dither, Unit::Choice(DITHERS), true, "the dither"),
    e("dither_lsb", ConvQ::DitherLsb, Unit::Lsb, true, "the dither's peak amplitude"),
    e("noise_shaping", ConvQ::NoiseShaping, Unit::Choice(SHAPINGS), true, "noise shaping"),
    e("reconstruction", ConvQ::Reconstruction, Unit::Choice(RECONSTRUCTIONS), true, "staircase or band-limited"),
    e("snr_db", ConvQ::Snr, Unit::Level("dB"), false, "measured SNR (signal over all else)"),
    e("theory_snr_db", ConvQ::TheorySnr, Unit::Level("dB"), false, "6.02 N + 1.76 dB for the level and dither"),
    e("sinad_db", ConvQ::Sinad, Unit::Level("dB"), false, "SINAD"),
    e("thd_db", ConvQ::Thd, Unit::Level("dB"), false, "total harmonic distortion"),
    e("thd_n_db", ConvQ::ThdN, Unit::Level("dB"), false, "THD + noise"),
    e("enob", ConvQ::Enob, Unit::Bits, false, "effective number of bits"),
    e("snr_excl_harmonics_db", ConvQ::SnrExclHarmonics, Unit::Level("dB"), false, "SNR without harmonics 2-10"),
    e("sample_peak_dbfs", ConvQ::SamplePeak, Unit::Level("dBFS"), false, "the highest sample"),
    e("true_peak_dbtp", ConvQ::TruePeak, Unit::Level("dBTP"), false, "the true (inter-sample) peak"),
    e("rms_dbfs", ConvQ::Rms, Unit::Level("dBFS"), false, "RMS of the output"),
    e("crest_factor_db", ConvQ::CrestFactor, Unit::Level("dB"), false, "peak over RMS"),
    e("headroom_db", ConvQ::Headroom, Unit::Level("dB"), false, "0 dBFS minus the sample peak"),
    e("dc_offset", ConvQ::DcOffset, Unit::Plain, false, "mean value of the output"),
    e("clipped_samples", ConvQ::Clipped, Unit::Plain, false, "samples that clipped"),
    e("error_rms_lsb", ConvQ::ErrorRmsLsb, Unit::Lsb, false, "RMS of the quantization error"),
    e("error_rms_dbfs", ConvQ::ErrorRmsDbfs, Unit::Level("dBFS"), false, "RMS of the quantization error"),
    e("error_mean_lsb", ConvQ::ErrorMeanLsb, Unit::Lsb, false, "mean of the quantization error over the time view"),
    e("aliases", ConvQ::Aliases, Unit::Plain, false, "aliases standing out of the noise"),
    e("alias_hz", ConvQ::AliasHz, Unit::Hz, false, "where the strongest visible alias lies"),
    e("alias_dbfs", ConvQ::AliasDbfs, Unit::Level("dBFS"), false, "level of the strongest visible alias"),
    e("bits_used", ConvQ::BitsUsed, Unit::Bits, false, "bits the signal's peak uses"),
    e("levels_used", ConvQ::LevelsUsed, Unit::Plain, false, "different sample values in the time view"),
    e(
        "dac_error_dbfs",
        ConvQ::DacError,
        Unit::Level("dBFS"),
        false,
        "RMS of the reconstructed output minus the analog input, over the time view",
    ),
];

/// A meter reading of a desk stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each is described in METER_QUANTITIES")]
pub enum MeterQ {
    SamplePeak,
    TruePeak,
    Rms,
    Average,
    VuMax,
    LufsIntegrated,
    LufsShortTermMax,
    LufsMomentaryMax,
    Lra,
    Plr,
    CrestFactor,
    Headroom,
    TruePeakHeadroom,
    HeadroomToCeiling,
    Clipped,
    NoiseFloor,
    DcOffset,
}

/// Every meter reading.
pub const METER_QUANTITIES: &[Entry<MeterQ>] = &[
    e("sample_peak_dbfs", MeterQ::SamplePeak, Unit::Level("dBFS"), false, "the highest sample"),
    e("true_peak_dbtp", MeterQ::TruePeak, Unit::Level("dBTP"), false, "the true peak"),
    e("rms_dbfs", MeterQ::Rms, Unit::Level("dBFS"), false, "RMS"),
    e("average_dbfs", MeterQ::Average, Unit::Level("dBFS"), false, "average level as a sine-calibrated meter reads it"),
    e("vu_max", MeterQ::VuMax, Unit::Level("VU"), false, "the highest VU reading"),
    e("lufs_integrated", MeterQ::LufsIntegrated, Unit::Level("LUFS"), false, "integrated loudness"),
    e("lufs_short_term_max", MeterQ::LufsShortTermMax, Unit::Level("LUFS"), false, "loudest 3 s"),
    e("lufs_momentary_max", MeterQ::LufsMomentaryMax, Unit::Level("LUFS"), false, "loudest 400 ms"),
    e("loudness_range_lu", MeterQ::Lra, Unit::Level("LU"), false, "loudness range"),
    e("plr_db", MeterQ::Plr, Unit::Level("dB"), false, "peak (true) to loudness ratio"),
    e("crest_factor_db", MeterQ::CrestFactor, Unit::Level("dB"), false, "peak over RMS"),
    e("headroom_db", MeterQ::Headroom, Unit::Level("dB"), false, "0 dBFS minus the sample peak"),
    e("true_peak_headroom_db", MeterQ::TruePeakHeadroom, Unit::Level("dB"), false, "0 dBTP minus the true peak"),
    e("headroom_to_ceiling_db", MeterQ::HeadroomToCeiling, Unit::Level("dB"), false, "the ceiling minus the peak"),
    e("clipped_samples", MeterQ::Clipped, Unit::Plain, false, "clipped samples"),
    e("noise_floor_dbfs", MeterQ::NoiseFloor, Unit::Level("dBFS"), false, "RMS with every source silent"),
    e("dc_offset", MeterQ::DcOffset, Unit::Plain, false, "mean value"),
];

/// A channel strip's setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each is described in TRACK_SETTINGS")]
pub enum TrackSetting {
    Preamp,
    ClipGain,
    Fader,
    Pan,
    Mute,
    Insert,
    Bits,
}

/// Every channel strip setting.
pub const TRACK_SETTINGS: &[Entry<TrackSetting>] = &[
    e("preamp_db", TrackSetting::Preamp, Unit::Level("dB"), true, "preamp gain"),
    e("clip_gain_db", TrackSetting::ClipGain, Unit::Level("dB"), true, "digital gain after the ADC"),
    e("fader_db", TrackSetting::Fader, Unit::Level("dB"), true, "fader"),
    e("pan", TrackSetting::Pan, Unit::Plain, true, "pan, -1 left to 1 right"),
    e("mute", TrackSetting::Mute, Unit::Choice(ON_OFF), true, "mute"),
    e("insert", TrackSetting::Insert, Unit::Choice(ON_OFF), true, "the analog-modelled insert"),
    e("bits", TrackSetting::Bits, Unit::Bits, true, "the ADC's word length (or float)"),
];

/// A setting of the desk outside the strips.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each is described in DESK_SETTINGS")]
pub enum DeskQ {
    BusFormat,
    Compressor,
    CompressorThreshold,
    CompressorRatio,
    CompressorMakeup,
    MasterFader,
    Limiter,
    LimiterDrive,
    LimiterCeiling,
    ExportBits,
    ExportDither,
    ExportCodec,
    ExportRate,
    ExportSrc,
    VuReference,
    LoudnessTarget,
    Clips,
    LimiterGr,
    CompressorGr,
}

/// Every desk setting and desk-wide reading, by its full name.
pub const DESK_QUANTITIES: &[Entry<DeskQ>] = &[
    e("bus.format", DeskQ::BusFormat, Unit::Choice(BUS_FORMATS), true, "the mix bus: float or fixed24"),
    e("bus.compressor", DeskQ::Compressor, Unit::Choice(ON_OFF), true, "the bus compressor"),
    e("bus.threshold_dbfs", DeskQ::CompressorThreshold, Unit::Level("dBFS"), true, "compressor threshold"),
    e("bus.ratio", DeskQ::CompressorRatio, Unit::Plain, true, "compressor ratio"),
    e("bus.makeup_db", DeskQ::CompressorMakeup, Unit::Level("dB"), true, "compressor makeup gain"),
    e("bus.gain_reduction_db", DeskQ::CompressorGr, Unit::Level("dB"), false, "compressor gain reduction now"),
    e("master.fader_db", DeskQ::MasterFader, Unit::Level("dB"), true, "master fader"),
    e("master.limiter", DeskQ::Limiter, Unit::Choice(ON_OFF), true, "the master limiter"),
    e("master.drive_db", DeskQ::LimiterDrive, Unit::Level("dB"), true, "gain into the limiter"),
    e("master.ceiling_dbtp", DeskQ::LimiterCeiling, Unit::Level("dBTP"), true, "the limiter's ceiling"),
    e("master.gain_reduction_db", DeskQ::LimiterGr, Unit::Level("dB"), false, "limiter gain reduction now"),
    e("export.bits", DeskQ::ExportBits, Unit::Bits, true, "the export's word length: 16, 24 or float"),
    e("export.dither", DeskQ::ExportDither, Unit::Choice(DITHERS), true, "the export's dither"),
    e("export.codec", DeskQ::ExportCodec, Unit::Choice(CODECS), true, "the lossy codec: off, low or high"),
    e("export.rate", DeskQ::ExportRate, Unit::Hz, true, "the export's sample rate"),
    e(
        "export.src",
        DeskQ::ExportSrc,
        Unit::Choice(SRC_QUALITIES),
        true,
        "the sample-rate converter: poor, medium or high",
    ),
    e("vu_reference", DeskQ::VuReference, Unit::Level("dBFS"), true, "where 0 VU sits: -18 or -20 dBFS"),
    e("loudness_target", DeskQ::LoudnessTarget, Unit::Level("LUFS"), true, "the loudness target"),
    e("clips", DeskQ::Clips, Unit::Plain, false, "clipped samples anywhere on the desk"),
];

/// A reading of the blind test (ABX) a lesson step set up: what the student has heard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each is described in ABX_QUANTITIES")]
pub enum AbxQ {
    Trials,
    Correct,
    P,
}

/// Every blind-test reading.
pub const ABX_QUANTITIES: &[Entry<AbxQ>] = &[
    e("abx.trials", AbxQ::Trials, Unit::Plain, false, "trials answered in the step's blind test"),
    e("abx.correct", AbxQ::Correct, Unit::Plain, false, "trials answered right"),
    e("abx.p", AbxQ::P, Unit::Plain, false, "the chance of scoring at least this well by guessing"),
];

/// A measurement of the last take recorded on the desk's input track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each is described in TAKE_QUANTITIES")]
pub enum TakeQ {
    SamplePeak,
    TruePeak,
    Clipped,
    NoiseFloor,
    PeakToNoise,
    ErrorRms,
    InputPeak,
    Duration,
}

/// Every reading of the last take.
pub const TAKE_QUANTITIES: &[Entry<TakeQ>] = &[
    e("take.sample_peak_dbfs", TakeQ::SamplePeak, Unit::Level("dBFS"), false, "the take's highest sample"),
    e("take.true_peak_dbtp", TakeQ::TruePeak, Unit::Level("dBTP"), false, "the take's true peak"),
    e("take.clipped_samples", TakeQ::Clipped, Unit::Plain, false, "samples the ADC clipped during the take"),
    e(
        "take.noise_floor_dbfs",
        TakeQ::NoiseFloor,
        Unit::Level("dBFS"),
        false,
        "RMS of the take's quietest 400 ms (the pauses between words)",
    ),
    e(
        "take.peak_to_noise_db",
        TakeQ::PeakToNoise,
        Unit::Level("dB"),
        false,
        "the sample peak minus the noise floor: how far the loudest moment stands above the hiss",
    ),
    e(
        "take.error_rms_dbfs",
        TakeQ::ErrorRms,
        Unit::Level("dBFS"),
        false,
        "RMS of the error the ADC's quantizer added over the take",
    ),
    e("take.input_peak_dbfs", TakeQ::InputPeak, Unit::Level("dBFS"), false, "the input's peak before the preamp"),
    e("take.duration_secs", TakeQ::Duration, Unit::Plain, false, "the take's length in seconds"),
];

/// A setting of the desk's input track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each is described in INPUT_SETTINGS")]
pub enum InputQ {
    Preamp,
    Bits,
}

/// Every setting of the input track.
pub const INPUT_SETTINGS: &[Entry<InputQ>] = &[
    e("input.preamp_db", InputQ::Preamp, Unit::Level("dB"), true, "the input track's preamp gain"),
    e("input.bits", InputQ::Bits, Unit::Bits, true, "the input track's ADC word length (or float)"),
];

/// Which track(s).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TrackSel {
    /// By position, 1-based as written.
    Number(usize),
    /// By name.
    Name(String),
    /// Every track (a condition must hold for each).
    Every,
}

impl fmt::Display for TrackSel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Name(s) => f.write_str(s),
            Self::Every => f.write_str("*"),
        }
    }
}

/// Where on a strip a meter reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tap {
    /// After the ADC.
    Adc,
    /// At the insert's input.
    Plugin,
    /// After insert and fader.
    Out,
}

/// A stage of the desk.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StageSel {
    /// A tap of a track.
    Track(TrackSel, Tap),
    /// The mix bus.
    Bus,
    /// The master.
    Master,
    /// The export.
    Export,
}

/// A quantity a lesson reads or sets.
#[derive(Clone, Debug, PartialEq)]
pub enum Quantity {
    /// A converter setting or measurement.
    Conv(ConvQ),
    /// The spectrum's level at a frequency (Hz), dBFS.
    LevelAt(f64),
    /// A meter of a desk stage.
    Meter(StageSel, MeterQ),
    /// A strip setting.
    Track(TrackSel, TrackSetting),
    /// A desk setting or desk-wide reading.
    Desk(DeskQ),
    /// A reading of the step's blind test (on either screen).
    Abx(AbxQ),
    /// A measurement of the last take of the desk's input track.
    Take(TakeQ),
    /// A setting of the desk's input track.
    Input(InputQ),
}

impl Quantity {
    /// The screen it belongs to (none: a blind test's reading, on either screen).
    #[must_use]
    pub fn scope(&self) -> Option<Scope> {
        match self {
            Self::Conv(_) | Self::LevelAt(_) => Some(Scope::Converter),
            Self::Abx(_) => None,
            _ => Some(Scope::Desk),
        }
    }

    /// Whether it can be read or set on `screen`.
    #[must_use]
    pub fn fits(&self, screen: Scope) -> bool {
        self.scope().is_none_or(|s| s == screen)
    }

    /// Whether it is an outcome (measured on the model, or heard by the student) rather than a
    /// setting: a goal must read at least one.
    #[must_use]
    pub fn is_measured(&self) -> bool {
        match self {
            Self::Conv(ConvQ::Nyquist) | Self::Track(..) | Self::Input(_) => false,
            Self::Conv(q) => !find(CONVERTER_QUANTITIES, |x| x.which == *q).settable,
            Self::LevelAt(_) | Self::Meter(..) | Self::Abx(_) | Self::Take(_) => true,
            Self::Desk(d) => !find(DESK_QUANTITIES, |x| x.which == *d).settable,
        }
    }

    /// Whether reading it needs a render of the model (a blind test's score, a take's
    /// measurements or a setting do not).
    #[must_use]
    pub fn needs_model(&self) -> bool {
        self.is_measured() && !matches!(self, Self::Abx(_) | Self::Take(_))
    }

    /// Its unit.
    #[must_use]
    pub fn unit(&self) -> Unit {
        match self {
            Self::Conv(q) => find(CONVERTER_QUANTITIES, |x| x.which == *q).unit,
            Self::LevelAt(_) => Unit::Level("dBFS"),
            Self::Meter(_, m) => find(METER_QUANTITIES, |x| x.which == *m).unit,
            Self::Track(_, s) => find(TRACK_SETTINGS, |x| x.which == *s).unit,
            Self::Desk(d) => find(DESK_QUANTITIES, |x| x.which == *d).unit,
            Self::Abx(a) => find(ABX_QUANTITIES, |x| x.which == *a).unit,
            Self::Take(t) => find(TAKE_QUANTITIES, |x| x.which == *t).unit,
            Self::Input(i) => find(INPUT_SETTINGS, |x| x.which == *i).unit,
        }
    }

    /// Whether a lesson can set it.
    #[must_use]
    pub fn settable(&self) -> bool {
        match self {
            Self::Conv(q) => find(CONVERTER_QUANTITIES, |x| x.which == *q).settable,
            Self::LevelAt(_) | Self::Meter(..) | Self::Abx(_) | Self::Take(_) => false,
            Self::Input(_) => true,
            Self::Track(sel, _) => *sel != TrackSel::Every,
            Self::Desk(d) => find(DESK_QUANTITIES, |x| x.which == *d).settable,
        }
    }

    /// Whether it names several values (a condition on it must hold for each).
    #[must_use]
    pub fn is_every(&self) -> bool {
        matches!(self, Self::Meter(StageSel::Track(TrackSel::Every, _), _) | Self::Track(TrackSel::Every, _))
    }

    /// The same quantity for track `i` (0-based) when it names every track.
    #[must_use]
    pub fn for_track(&self, i: usize) -> Self {
        match self {
            Self::Meter(StageSel::Track(TrackSel::Every, tap), m) => {
                Self::Meter(StageSel::Track(TrackSel::Number(i + 1), *tap), *m)
            }
            Self::Track(TrackSel::Every, s) => Self::Track(TrackSel::Number(i + 1), *s),
            other => other.clone(),
        }
    }

    /// The chain's stage a meter reads, for a given track index.
    #[must_use]
    pub fn stage_of(sel: &StageSel, track: Option<usize>) -> Option<StageId> {
        Some(match sel {
            StageSel::Bus => StageId::Bus,
            StageSel::Master => StageId::Master,
            StageSel::Export => StageId::Export,
            StageSel::Track(_, Tap::Adc) => StageId::TrackAdc(track?),
            StageSel::Track(_, Tap::Plugin) => StageId::TrackInsert(track?),
            StageSel::Track(_, Tap::Out) => StageId::Track(track?),
        })
    }
}

fn find<T: Copy>(table: &'static [Entry<T>], pred: impl Fn(&Entry<T>) -> bool) -> &'static Entry<T> {
    table.iter().find(|x| pred(x)).unwrap_or(&table[0])
}

/// A segment of a written name: `track(Drums)`, `adc`, `level_at(14.1 kHz)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// The word.
    pub word: String,
    /// What is in the brackets: a number (already scaled by its unit) or a word.
    pub arg: Option<Arg>,
}

/// A bracketed argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// A number.
    Number(f64),
    /// A word or a quoted name.
    Word(String),
}

fn names<T>(table: &[Entry<T>]) -> String {
    table.iter().map(|x| x.name).collect::<Vec<_>>().join(", ")
}

/// Resolves a written name to a quantity.
///
/// # Errors
/// What is wrong with the name, listing the names that exist there.
pub fn resolve(segments: &[Segment]) -> Result<Quantity, String> {
    let plain = |s: &Segment| s.arg.is_none();
    let written = segments
        .iter()
        .map(|s| match &s.arg {
            None => s.word.clone(),
            Some(Arg::Number(n)) => format!("{}({n})", s.word),
            Some(Arg::Word(w)) => format!("{}({w})", s.word),
        })
        .collect::<Vec<_>>()
        .join(".");
    let first = segments.first().ok_or("empty name")?;
    match (first.word.as_str(), segments.len()) {
        ("level_at", 1) => match &first.arg {
            Some(Arg::Number(f)) if *f > 0.0 => Ok(Quantity::LevelAt(*f)),
            _ => Err("level_at needs a frequency: level_at(14.1 kHz)".into()),
        },
        ("track", n) => {
            let sel = match &first.arg {
                Some(Arg::Number(x)) if *x >= 1.0 && x.fract() == 0.0 => TrackSel::Number(*x as usize),
                Some(Arg::Word(w)) if w == "*" => TrackSel::Every,
                Some(Arg::Word(w)) => TrackSel::Name(w.clone()),
                _ => return Err("track needs a name, a number from 1, or *: track(Drums)".into()),
            };
            let tap = |w: &str| match w {
                "adc" => Some(Tap::Adc),
                "plugin" => Some(Tap::Plugin),
                "out" => Some(Tap::Out),
                _ => None,
            };
            match (n, segments.get(1), segments.get(2)) {
                (2, Some(s), None) if plain(s) => TRACK_SETTINGS
                    .iter()
                    .find(|x| x.name == s.word)
                    .map(|x| Quantity::Track(sel.clone(), x.which))
                    .ok_or_else(|| {
                        format!(
                            "unknown track quantity `{written}`: a track has {} and the meters of adc, plugin and out",
                            names(TRACK_SETTINGS)
                        )
                    }),
                (3, Some(t), Some(m)) if plain(t) && plain(m) => {
                    let tap = tap(&t.word)
                        .ok_or_else(|| format!("unknown tap `{}` in `{written}`: adc, plugin or out", t.word))?;
                    meter(&m.word, &written).map(|q| Quantity::Meter(StageSel::Track(sel.clone(), tap), q))
                }
                _ => Err(format!("`{written}`: write track(NAME).SETTING or track(NAME).adc|plugin|out.METER")),
            }
        }
        (group @ ("take" | "input"), 2) if segments.iter().all(plain) => {
            input_track(group, &segments[1].word, &written)
        }
        ("abx", 2) if segments.iter().all(plain) => {
            let full = format!("abx.{}", segments[1].word);
            ABX_QUANTITIES
                .iter()
                .find(|x| x.name == full)
                .map(|x| Quantity::Abx(x.which))
                .ok_or_else(|| format!("unknown blind-test reading `{written}`: {}", names(ABX_QUANTITIES)))
        }
        (stage @ ("bus" | "master" | "export"), 2) if segments.iter().all(plain) => {
            let full = format!("{stage}.{}", segments[1].word);
            if let Some(d) = DESK_QUANTITIES.iter().find(|x| x.name == full) {
                return Ok(Quantity::Desk(d.which));
            }
            let sel = match stage {
                "bus" => StageSel::Bus,
                "master" => StageSel::Master,
                _ => StageSel::Export,
            };
            meter(&segments[1].word, &written).map(|q| Quantity::Meter(sel, q))
        }
        (word, 1) if plain(first) => {
            if let Some(c) = CONVERTER_QUANTITIES.iter().find(|x| x.name == word) {
                return Ok(Quantity::Conv(c.which));
            }
            if let Some(d) = DESK_QUANTITIES.iter().find(|x| x.name == word) {
                return Ok(Quantity::Desk(d.which));
            }
            let all = CONVERTER_QUANTITIES.iter().map(|x| x.name).chain(DESK_QUANTITIES.iter().map(|x| x.name));
            if let Some(near) = closest(word, all) {
                return Err(format!("unknown quantity `{written}` (did you mean `{near}`?)"));
            }
            Err(format!(
                "unknown quantity `{written}`. The converter has: {}, level_at(FREQ). The desk has: {}, \
                 bus|master|export.METER and track(NAME).…. Either screen: {}",
                names(CONVERTER_QUANTITIES),
                names(DESK_QUANTITIES),
                names(ABX_QUANTITIES)
            ))
        }
        _ => Err(format!("unknown quantity `{written}`")),
    }
}

/// A setting of the input track (`input.NAME`) or a reading of its last take (`take.NAME`).
fn input_track(group: &str, word: &str, written: &str) -> Result<Quantity, String> {
    let full = format!("{group}.{word}");
    let found = if group == "take" {
        TAKE_QUANTITIES.iter().find(|x| x.name == full).map(|x| Quantity::Take(x.which))
    } else {
        INPUT_SETTINGS.iter().find(|x| x.name == full).map(|x| Quantity::Input(x.which))
    };
    found.ok_or_else(|| {
        let all = TAKE_QUANTITIES.iter().map(|x| x.name).chain(INPUT_SETTINGS.iter().map(|x| x.name));
        match closest(&full, all) {
            Some(near) => format!("unknown quantity `{written}` (did you mean `{near}`?)"),
            None => format!(
                "unknown quantity `{written}`: the input track has {}; its last take {}",
                names(INPUT_SETTINGS),
                names(TAKE_QUANTITIES)
            ),
        }
    })
}

fn meter(word: &str, written: &str) -> Result<MeterQ, String> {
    METER_QUANTITIES.iter().find(|x| x.name == word).map(|x| x.which).ok_or_else(|| {
        match closest(word, METER_QUANTITIES.iter().map(|x| x.name)) {
            Some(near) => format!("unknown meter `{word}` in `{written}` (did you mean `{near}`?)"),
            None => format!("unknown meter `{word}` in `{written}`: {}", names(METER_QUANTITIES)),
        }
    })
}

/// The name among `names` nearest to `word` (case ignored), if it is close: at most a third of
/// its letters different.
fn closest<'a>(word: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    names
        .map(|n| (edit_distance(&w, &n.to_ascii_lowercase()), n))
        .filter(|(d, n)| *d <= (n.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The names of controls a lesson can lock or hide, per screen.
pub const CONTROLS: &[(&str, Scope, &str)] = &[
    ("source", Scope::Converter, "the source group (signal, frequency, level, phase)"),
    ("signal", Scope::Converter, "the signal"),
    ("freq", Scope::Converter, "the frequency"),
    ("level", Scope::Converter, "the level"),
    ("analog", Scope::Converter, "the analog stage (gain, noise floor)"),
    ("sample_rate", Scope::Converter, "the sample rate"),
    ("aa_filter", Scope::Converter, "the anti-alias filter"),
    ("bits", Scope::Converter, "the bit depth"),
    ("rounding", Scope::Converter, "rounding"),
    ("dither", Scope::Converter, "dither and noise shaping"),
    ("reconstruction", Scope::Converter, "reconstruction"),
    ("tracks", Scope::Desk, "the channel strips"),
    ("bus", Scope::Desk, "the mix bus"),
    ("master", Scope::Desk, "the master"),
    ("export", Scope::Desk, "the export"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(word: &str, arg: Option<Arg>) -> Segment {
        Segment { word: word.into(), arg }
    }

    #[test]
    fn names_resolve() {
        assert_eq!(resolve(&[seg("snr_db", None)]), Ok(Quantity::Conv(ConvQ::Snr)));
        assert_eq!(resolve(&[seg("level_at", Some(Arg::Number(14_100.0)))]), Ok(Quantity::LevelAt(14_100.0)));
        assert_eq!(
            resolve(&[seg("track", Some(Arg::Word("Drums".into()))), seg("adc", None), seg("sample_peak_dbfs", None)]),
            Ok(Quantity::Meter(StageSel::Track(TrackSel::Name("Drums".into()), Tap::Adc), MeterQ::SamplePeak))
        );
        assert_eq!(resolve(&[seg("bus", None), seg("format", None)]), Ok(Quantity::Desk(DeskQ::BusFormat)));
        assert_eq!(
            resolve(&[seg("master", None), seg("lufs_integrated", None)]).map(|q| q.scope()),
            Ok(Some(Scope::Desk))
        );
        let p = resolve(&[seg("abx", None), seg("p", None)]).expect("abx.p");
        assert_eq!(p, Quantity::Abx(AbxQ::P));
        assert!(p.fits(Scope::Converter) && p.fits(Scope::Desk) && p.is_measured() && !p.needs_model());
        assert!(resolve(&[seg("abx", None), seg("score", None)]).is_err());
        // Settings are not outcomes; meters and measurements are.
        for (words, measured) in [
            (vec![seg("bits", None)], false),
            (vec![seg("reconstruction", None)], false),
            (vec![seg("nyquist", None)], false),
            (vec![seg("track", Some(Arg::Word("*".into()))), seg("preamp_db", None)], false),
            (vec![seg("master", None), seg("drive_db", None)], false),
            (vec![seg("snr_db", None)], true),
            (vec![seg("clips", None)], true),
            (vec![seg("export", None), seg("true_peak_dbtp", None)], true),
        ] {
            assert_eq!(resolve(&words).expect("resolves").is_measured(), measured, "{words:?}");
        }
        let err = resolve(&[seg("snr", None)]).unwrap_err();
        assert!(err.contains("unknown quantity `snr`") && err.contains("snr_db"), "{err}");
        let err = resolve(&[seg("sample_rte", None)]).unwrap_err();
        assert!(err.ends_with("(did you mean `sample_rate`?)"), "{err}");
        assert!(resolve(&[seg("track", Some(Arg::Word("Drums".into()))), seg("tap", None), seg("x", None)]).is_err());
        // The input track: its settings are set, its take's readings are outcomes read without
        // a render of the model.
        let peak = resolve(&[seg("take", None), seg("sample_peak_dbfs", None)]).expect("take peak");
        assert_eq!(peak, Quantity::Take(TakeQ::SamplePeak));
        assert!(peak.is_measured() && !peak.needs_model() && !peak.settable() && peak.fits(Scope::Desk));
        let pre = resolve(&[seg("input", None), seg("preamp_db", None)]).expect("input preamp");
        assert!(pre.settable() && !pre.is_measured() && pre.unit() == Unit::Level("dB"));
        let err = resolve(&[seg("take", None), seg("clipped_sample", None)]).unwrap_err();
        assert!(err.ends_with("(did you mean `take.clipped_samples`?)"), "{err}");
        let err = resolve(&[seg("take", None), seg("loudness", None)]).unwrap_err();
        assert!(err.contains("take.noise_floor_dbfs") && err.contains("input.bits"), "{err}");
    }
}
