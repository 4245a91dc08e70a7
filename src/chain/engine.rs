//! The engine: runs a scene block by block through tracking, mix bus, master and export, with
//! meters at every stage. Every processor streams sample by sample with its own state, so the
//! output does not depend on the block size, and nothing allocates after construction: the
//! same `process` serves the offline render and the audio thread.

use serde::Serialize;

use crate::analysis::meters::{ClipRule, MeterSet, StageMeter, StageReadout};
use crate::chain::dynamics::{
    Compressor, CompressorParams, Limiter, LimiterParams, Saturator, SmoothedGain, pan_gains,
};
use crate::chain::material::{self, TrackMaterial};
use crate::chain::scene::{BusFormat, Scene};
use crate::dsp::codec::Codec;
use crate::dsp::converter::NOISE_FLOOR_BAND_HZ;
use crate::dsp::noise::{NoiseColour, ShapedNoise};
use crate::dsp::quantizer::{BitDepth, Dither, Quantizer, QuantizerSettings};
use crate::dsp::resample::Resampler;
use crate::units::{db_to_amp, power_to_db};

/// Largest block `process` takes.
pub const MAX_BLOCK: usize = 1024;
/// Most tracks a session holds.
pub const MAX_TRACKS: usize = 16;

/// A place in the chain, to meter, listen to or render.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum StageId {
    /// A track's source before its preamp (the "analog" performance), mono.
    TrackSource(usize),
    /// A track right after its ADC, mono.
    TrackAdc(usize),
    /// A track at its insert's input (after clip gain), mono.
    TrackInsert(usize),
    /// A track after insert, fader and pan, stereo.
    Track(usize),
    /// The mix bus, after its compressor.
    Bus,
    /// The master, after fader and limiter.
    #[default]
    Master,
    /// The export: converted rate, word length, dither, codec.
    Export,
}

impl StageId {
    /// Parses `track:NAME`, `track:NAME:adc`, `track:NAME:insert`, `track:NAME:source`,
    /// `trackN` forms, `bus`, `master` or `export`.
    ///
    /// # Errors
    /// The names that exist, when `name` is none of them.
    pub fn parse(name: &str, scene: &Scene) -> Result<Self, String> {
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            "bus" | "mix" | "mix-bus" => return Ok(Self::Bus),
            "master" => return Ok(Self::Master),
            "export" => return Ok(Self::Export),
            _ => {}
        }
        let rest = lower.strip_prefix("track:").or_else(|| lower.strip_prefix("track"));
        if let Some(rest) = rest {
            let (track, tap) = match rest.rsplit_once(':') {
                Some((t, tap)) if matches!(tap, "adc" | "insert" | "source" | "out") => (t, tap),
                _ => (rest, "out"),
            };
            let index =
                scene.tracks.iter().position(|t| t.name.eq_ignore_ascii_case(track)).or_else(|| {
                    track.parse::<usize>().ok().filter(|&i| i >= 1 && i <= scene.tracks.len()).map(|i| i - 1)
                });
            if let Some(i) = index {
                return Ok(match tap {
                    "adc" => Self::TrackAdc(i),
                    "insert" => Self::TrackInsert(i),
                    "source" => Self::TrackSource(i),
                    _ => Self::Track(i),
                });
            }
        }
        let mut names: Vec<String> = scene.tracks.iter().map(|t| format!("track:{}", t.name)).collect();
        names.extend(["bus".into(), "master".into(), "export".into()]);
        Err(format!(
            "unknown stage '{name}' (stages: {}; a track also has :adc, :insert and :source)",
            names.join(", ")
        ))
    }

    /// Channels at this stage.
    #[must_use]
    pub fn channels(self) -> usize {
        match self {
            Self::TrackSource(_) | Self::TrackAdc(_) | Self::TrackInsert(_) => 1,
            _ => 2,
        }
    }
}

/// The gains and switches that can change while the chain runs (no rebuild): plain data that
/// can cross to the audio thread by copy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LiveParams {
    /// Per track: preamp dB, clip gain dB, fader dB, pan, mute, insert on.
    pub tracks: [TrackLive; MAX_TRACKS],
    /// Number of tracks in use.
    pub track_count: usize,
    /// Master fader dB.
    pub master_fader_db: f64,
    /// Bus compressor.
    pub compressor: CompressorParams,
    /// Limiter input gain, dB.
    pub limiter_input_gain_db: f64,
    /// Limiter on or bypassed.
    pub limiter_enabled: bool,
}

/// One strip's live settings.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct TrackLive {
    /// Preamp gain, dB.
    pub preamp_db: f64,
    /// Clip gain, dB.
    pub clip_gain_db: f64,
    /// Fader, dB.
    pub fader_db: f64,
    /// Pan, -1..=1.
    pub pan: f64,
    /// Muted.
    pub mute: bool,
    /// Insert on.
    pub insert: bool,
}

impl LiveParams {
    /// The live part of `scene`.
    #[must_use]
    pub fn from_scene(scene: &Scene) -> Self {
        let mut tracks = [TrackLive::default(); MAX_TRACKS];
        for (slot, t) in tracks.iter_mut().zip(&scene.tracks) {
            *slot = TrackLive {
                preamp_db: t.preamp_db,
                clip_gain_db: t.clip_gain_db,
                fader_db: t.fader_db,
                pan: t.pan,
                mute: t.mute,
                insert: t.insert,
            };
        }
        Self {
            tracks,
            track_count: scene.tracks.len().min(MAX_TRACKS),
            master_fader_db: scene.master.fader_db,
            compressor: scene.bus.compressor,
            limiter_input_gain_db: scene.master.limiter.input_gain_db,
            limiter_enabled: scene.master.limiter.enabled,
        }
    }
}

/// Meters of one track.
#[derive(Clone, Debug)]
struct TrackMeters {
    adc: StageMeter,
    insert: StageMeter,
    out: StageMeter,
}

struct Strip {
    material: TrackMaterial,
    input_noise: Option<ShapedNoise>,
    adc_noise: Option<ShapedNoise>,
    preamp: SmoothedGain,
    clip_gain: SmoothedGain,
    /// Fader and mute.
    fader: SmoothedGain,
    pan_l: SmoothedGain,
    pan_r: SmoothedGain,
    quantizer: Quantizer,
    saturator: Saturator,
    /// The insert switched in (1) or out (0), cross-faded.
    insert: SmoothedGain,
    meters: TrackMeters,
    // Taps of the last block.
    source: Vec<f64>,
    /// After insert and fader, before the pan: what the strip's meter reads.
    post_fader: Vec<f64>,
    adc: Vec<f64>,
    insert_in: Vec<f64>,
    out_l: Vec<f64>,
    out_r: Vec<f64>,
}

impl Strip {
    fn new(
        scene: &Scene,
        i: usize,
        t: &crate::chain::scene::TrackParams,
        material: TrackMaterial,
        live: &TrackLive,
        meter: &dyn Fn(usize, MeterSet, ClipRule) -> StageMeter,
    ) -> Self {
        let fs = scene.sample_rate_hz;
        let seed = scene.seed.wrapping_mul(31).wrapping_add(i as u64 * 7919);
        let noise = |level: Option<f64>, salt: u64| {
            level.map(|l| {
                ShapedNoise::new(seed ^ salt, NoiseColour::White, white_rms_for_band(db_to_amp(l), fs), fs, None)
            })
        };
        let adc_rule = if t.bits == BitDepth::Float32 { ClipRule::Overs } else { ClipRule::Reported };
        let (g, l, r) = track_gains(live);
        Strip {
            material,
            input_noise: noise(t.input_noise_dbfs, 0x11),
            adc_noise: noise(scene.adc_noise_dbfs, 0x22),
            preamp: SmoothedGain::new(db_to_amp(t.preamp_db), fs),
            clip_gain: SmoothedGain::new(db_to_amp(t.clip_gain_db), fs),
            fader: SmoothedGain::new(g, fs),
            pan_l: SmoothedGain::new(l, fs),
            pan_r: SmoothedGain::new(r, fs),
            quantizer: Quantizer::new(QuantizerSettings { bit_depth: t.bits, ..QuantizerSettings::default() }, seed),
            saturator: Saturator::new(fs),
            insert: SmoothedGain::switch(t.insert, fs),
            meters: TrackMeters {
                adc: meter(1, MeterSet::Basic, adc_rule),
                insert: meter(1, MeterSet::Basic, ClipRule::Overs),
                out: meter(1, MeterSet::Full, ClipRule::Overs),
            },
            source: vec![0.0; MAX_BLOCK],
            post_fader: vec![0.0; MAX_BLOCK],
            adc: vec![0.0; MAX_BLOCK],
            insert_in: vec![0.0; MAX_BLOCK],
            out_l: vec![0.0; MAX_BLOCK],
            out_r: vec![0.0; MAX_BLOCK],
        }
    }
}

/// The insert: the saturator, or the signal as it is, cross-faded when switched (the
/// saturator runs switched out too, so that its state is ready).
#[inline]
fn insert_tick(saturator: &mut Saturator, insert: &mut SmoothedGain, v: f64) -> f64 {
    let saturated = saturator.tick(v);
    let wet = insert.next_value();
    if wet == 1.0 { saturated } else { v + wet * (saturated - v) }
}

/// The meters of the whole chain, as numbers.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ChainReadout {
    /// Per track: after the ADC, at the insert, after fader and pan.
    pub tracks: Vec<TrackReadout>,
    /// The mix bus.
    pub bus: StageReadout,
    /// The master.
    pub master: StageReadout,
    /// The export.
    pub export: StageReadout,
    /// Bus compressor gain reduction now, dB.
    pub compressor_gain_reduction_db: f64,
    /// Limiter gain reduction now, dB.
    pub limiter_gain_reduction_db: f64,
}

/// One track's readouts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TrackReadout {
    /// Track name.
    pub name: String,
    /// After the ADC.
    pub adc: StageReadout,
    /// At the insert's input.
    pub insert: StageReadout,
    /// After insert and fader (the strip's meter, before the pan).
    pub out: StageReadout,
}

/// Every meter of a chain as plain, fixed-size data: what the audio thread hands the desk
/// (copied, never allocated).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeterFrame {
    /// Tracks in use.
    pub track_count: usize,
    /// Per track: after the ADC, at the insert, after fader.
    pub tracks: [[StageReadout; 3]; MAX_TRACKS],
    /// The mix bus.
    pub bus: StageReadout,
    /// The master.
    pub master: StageReadout,
    /// The export.
    pub export: StageReadout,
    /// Bus compressor gain reduction, dB.
    pub compressor_gain_reduction_db: f64,
    /// Limiter gain reduction, dB.
    pub limiter_gain_reduction_db: f64,
    /// The session sample the meters have reached.
    pub position: u64,
}

impl MeterFrame {
    /// The readout with the tracks' names from `scene` and the noise floors from `floors`.
    #[must_use]
    pub fn readout(&self, scene: &Scene, floors: &NoiseFloors) -> ChainReadout {
        let with = |mut r: StageReadout, floor: Option<f64>| {
            r.noise_floor_dbfs = floor;
            r
        };
        ChainReadout {
            tracks: self.tracks[..self.track_count.min(scene.tracks.len())]
                .iter()
                .zip(&scene.tracks)
                .enumerate()
                .map(|(i, (m, t))| {
                    let f = floors.tracks.get(i).copied().unwrap_or_default();
                    TrackReadout {
                        name: t.name.clone(),
                        adc: with(m[0], f[0]),
                        insert: with(m[1], f[1]),
                        out: with(m[2], f[2]),
                    }
                })
                .collect(),
            bus: with(self.bus, floors.bus),
            master: with(self.master, floors.master),
            export: with(self.export, floors.export),
            compressor_gain_reduction_db: self.compressor_gain_reduction_db,
            limiter_gain_reduction_db: self.limiter_gain_reduction_db,
        }
    }

    /// The readout of one stage (a track's source reads its ADC's meters).
    #[must_use]
    pub fn stage(&self, stage: StageId) -> StageReadout {
        match stage {
            StageId::TrackSource(i) | StageId::TrackAdc(i) => self.tracks.get(i).map(|t| t[0]).unwrap_or_default(),
            StageId::TrackInsert(i) => self.tracks.get(i).map(|t| t[1]).unwrap_or_default(),
            StageId::Track(i) => self.tracks.get(i).map(|t| t[2]).unwrap_or_default(),
            StageId::Bus => self.bus,
            StageId::Master => self.master,
            StageId::Export => self.export,
        }
    }
}

/// The noise floor of every stage: its RMS with every source silent, dBFS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NoiseFloors {
    /// Per track: after the ADC, at the insert, after fader.
    pub tracks: Vec<[Option<f64>; 3]>,
    /// The mix bus.
    pub bus: Option<f64>,
    /// The master.
    pub master: Option<f64>,
    /// The export.
    pub export: Option<f64>,
}

/// Measures every stage's noise floor of `scene` with the live settings `live`: the same chain
/// with every source silent, run for `secs`.
#[must_use]
pub fn measure_noise_floors(scene: &Scene, live: &LiveParams, secs: f64) -> NoiseFloors {
    let silent: Vec<TrackMaterial> = scene
        .tracks
        .iter()
        .map(|_| TrackMaterial::Buffer { samples: std::sync::Arc::from(vec![0.0f32; 1]), gain: 0.0 })
        .collect();
    let mut quiet = Chain::with_material(scene, silent);
    quiet.apply_live(live);
    let total = (secs * quiet.fs).round() as usize;
    let tracks = quiet.strips.len();
    let mut sums = vec![0.0; 3 * tracks + 3];
    let mut counts = vec![0usize; sums.len()];
    let mut done = 0;
    while done < total {
        let n = (total - done).min(MAX_BLOCK);
        quiet.process(n);
        let mut k = 0;
        for s in &quiet.strips {
            for tap in [&s.adc[..n], &s.insert_in[..n], &s.post_fader[..n]] {
                sums[k] += tap.iter().map(|x| x * x).sum::<f64>();
                counts[k] += n;
                k += 1;
            }
        }
        for ch in [&quiet.bus, &quiet.master] {
            sums[k] += ch[0][..n].iter().chain(&ch[1][..n]).map(|x| x * x).sum::<f64>();
            counts[k] += 2 * n;
            k += 1;
        }
        sums[k] += quiet.export[0].iter().chain(&quiet.export[1]).map(|x| x * x).sum::<f64>();
        counts[k] += quiet.export[0].len() + quiet.export[1].len();
        done += n;
    }
    let floor = |k: usize| (counts[k] > 0 && sums[k] > 0.0).then(|| power_to_db(sums[k] / counts[k] as f64));
    NoiseFloors {
        tracks: (0..tracks).map(|i| [floor(3 * i), floor(3 * i + 1), floor(3 * i + 2)]).collect(),
        bus: floor(3 * tracks),
        master: floor(3 * tracks + 1),
        export: floor(3 * tracks + 2),
    }
}

/// A running session.
pub struct Chain {
    scene: Scene,
    fs: f64,
    export_fs: f64,
    pos: u64,
    live: LiveParams,
    strips: Vec<Strip>,
    bus_quant: Option<[Quantizer; 2]>,
    bus_clips: u64,
    compressor: Compressor,
    master_fader: SmoothedGain,
    limiter: Limiter,
    resamplers: [Resampler; 2],
    export_quant: [Quantizer; 2],
    codec: Option<[Codec; 2]>,
    bus_meter: StageMeter,
    master_meter: StageMeter,
    export_meter: StageMeter,
    bus: [Vec<f64>; 2],
    master: [Vec<f64>; 2],
    export: [Vec<f64>; 2],
    scratch: Vec<f64>,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain").field("scene", &self.scene.name).field("pos", &self.pos).finish_non_exhaustive()
    }
}

/// RMS of white noise that has `rms_20k` in 20 kHz, over the whole band up to fs/2.
fn white_rms_for_band(rms_20k: f64, sample_rate_hz: f64) -> f64 {
    rms_20k * (0.5 * sample_rate_hz / NOISE_FLOOR_BAND_HZ).sqrt()
}

impl Chain {
    /// Builds the chain of `scene`, loading its material.
    ///
    /// # Errors
    /// An invalid scene or an unreadable file, as one sentence.
    pub fn new(scene: &Scene) -> Result<Self, String> {
        scene.validate().map_err(|(field, msg)| format!("{field}: {msg}"))?;
        let materials = material::load(scene)?;
        Ok(Self::with_material(scene, materials))
    }

    /// Builds the chain with material already loaded (one per track).
    #[must_use]
    pub fn with_material(scene: &Scene, materials: Vec<TrackMaterial>) -> Self {
        let fs = scene.sample_rate_hz;
        let export_fs = scene.export_rate_hz();
        let live = LiveParams::from_scene(scene);
        let vu_ref = scene.targets.vu_reference_dbfs;
        let meter = |channels, set, rule| {
            let mut m = StageMeter::new(channels, fs, set, rule);
            m.set_vu_reference(vu_ref);
            m
        };
        let strips = scene
            .tracks
            .iter()
            .zip(materials)
            .enumerate()
            .map(|(i, (t, material))| Strip::new(scene, i, t, material, &live.tracks[i], &meter))
            .collect();
        let bus_quant = (scene.bus.format == BusFormat::Fixed24).then(|| {
            let q = QuantizerSettings::fixed(24);
            [Quantizer::new(q, scene.seed ^ 0xB05), Quantizer::new(q, scene.seed ^ 0xB06)]
        });
        let export_settings = QuantizerSettings {
            bit_depth: scene.export.bits,
            dither: if scene.export.bits == BitDepth::Float32 { Dither::default() } else { scene.export.dither },
            noise_shaping: scene.export.noise_shaping,
            ..QuantizerSettings::default()
        };
        let mut resamplers = [
            Resampler::new(fs, export_fs, scene.export.src_quality),
            Resampler::new(fs, export_fs, scene.export.src_quality),
        ];
        for r in &mut resamplers {
            r.reserve(MAX_BLOCK);
        }
        let export_cap = resamplers[0].max_output(MAX_BLOCK);
        let mut bus_meter =
            meter(2, MeterSet::Full, if bus_quant.is_some() { ClipRule::Reported } else { ClipRule::Overs });
        bus_meter.set_ceiling(0.0);
        let mut master_meter = meter(2, MeterSet::Full, ClipRule::Overs);
        master_meter.set_ceiling(scene.targets.ceiling_dbtp);
        let export_rule = if scene.export.bits == BitDepth::Float32 || scene.export.codec.enabled {
            ClipRule::Overs
        } else {
            ClipRule::Reported
        };
        let mut export_meter = StageMeter::new(2, export_fs, MeterSet::Full, export_rule);
        export_meter.set_vu_reference(vu_ref);
        export_meter.set_ceiling(scene.targets.ceiling_dbtp);
        Self {
            fs,
            export_fs,
            pos: 0,
            strips,
            bus_quant,
            bus_clips: 0,
            compressor: Compressor::new(scene.bus.compressor, fs),
            master_fader: SmoothedGain::new(db_to_amp(scene.master.fader_db), fs),
            limiter: Limiter::new(scene.master.limiter, fs),
            resamplers,
            export_quant: [
                Quantizer::new(export_settings, scene.seed ^ 0xE1),
                Quantizer::new(export_settings, scene.seed ^ 0xE2),
            ],
            codec: scene.export.codec.enabled.then(|| {
                [Codec::new(scene.export.codec.quality, export_fs), Codec::new(scene.export.codec.quality, export_fs)]
            }),
            bus_meter,
            master_meter,
            export_meter,
            bus: [vec![0.0; MAX_BLOCK], vec![0.0; MAX_BLOCK]],
            master: [vec![0.0; MAX_BLOCK], vec![0.0; MAX_BLOCK]],
            export: [Vec::with_capacity(export_cap), Vec::with_capacity(export_cap)],
            scratch: vec![0.0; MAX_BLOCK],
            live,
            scene: scene.clone(),
        }
    }

    /// The scene the chain was built from.
    #[must_use]
    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    /// Session sample rate.
    #[must_use]
    pub fn sample_rate_hz(&self) -> f64 {
        self.fs
    }

    /// Export sample rate.
    #[must_use]
    pub fn export_rate_hz(&self) -> f64 {
        self.export_fs
    }

    /// Samples from a sample's entry to its appearance at the master (the limiter's lookahead
    /// and true-peak detector).
    #[must_use]
    pub fn latency_samples(&self) -> usize {
        self.limiter.latency()
    }

    /// The next sample to be processed.
    #[must_use]
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Jumps to session sample `pos` (the material loops).
    pub fn seek(&mut self, pos: u64) {
        self.pos = pos;
    }

    /// Applies changed gains and switches; they glide in over a few milliseconds.
    pub fn apply_live(&mut self, live: &LiveParams) {
        for (strip, t) in self.strips.iter_mut().zip(&live.tracks) {
            strip.preamp.set(db_to_amp(t.preamp_db));
            strip.clip_gain.set(db_to_amp(t.clip_gain_db));
            let (g, l, r) = track_gains(t);
            strip.fader.set(g);
            strip.pan_l.set(l);
            strip.pan_r.set(r);
            strip.insert.set(if t.insert { 1.0 } else { 0.0 });
        }
        self.master_fader.set(db_to_amp(live.master_fader_db));
        if live.compressor != self.live.compressor {
            self.compressor.set_params(live.compressor);
        }
        if live.limiter_input_gain_db != self.live.limiter_input_gain_db
            || live.limiter_enabled != self.live.limiter_enabled
        {
            self.limiter.set_input_gain_db(live.limiter_input_gain_db);
            self.limiter.set_enabled(live.limiter_enabled);
        }
        self.live = *live;
    }

    /// Takes the names and live values of `scene` (whose skeleton must equal the running
    /// one's), so that [`Self::scene`] describes what runs.
    pub fn set_scene_live(&mut self, scene: &Scene) {
        self.scene = scene.clone();
    }

    /// The live parameters in force.
    #[must_use]
    pub fn live(&self) -> &LiveParams {
        &self.live
    }

    /// Processes the next `frames` samples (at most [`MAX_BLOCK`]), updating taps and meters
    /// (live input tracks play silence).
    pub fn process(&mut self, frames: usize) {
        self.process_with_input(frames, &[]);
    }

    /// Whether a track plays live input.
    #[must_use]
    pub fn has_live_input(&self) -> bool {
        self.strips.iter().any(|s| matches!(s.material, TrackMaterial::Live))
    }

    /// As [`Self::process`], with `input` (at the session rate, `frames` long; shorter: the
    /// rest silent) played by the live input tracks.
    #[allow(clippy::too_many_lines, reason = "one pass through every stage, in signal order")]
    pub fn process_with_input(&mut self, frames: usize, input: &[f64]) {
        let n = frames.min(MAX_BLOCK);
        let fs = self.fs;
        let pos = self.pos;
        self.bus[0][..n].fill(0.0);
        self.bus[1][..n].fill(0.0);
        for strip in &mut self.strips {
            let src = &mut strip.source[..n];
            if matches!(strip.material, TrackMaterial::Live) {
                let k = input.len().min(n);
                src[..k].copy_from_slice(&input[..k]);
                src[k..].fill(0.0);
            } else {
                strip.material.fill(pos, fs, src);
            }
            // Analog: input noise, preamp.
            strip.adc[..n].copy_from_slice(src);
            if let Some(noise) = &mut strip.input_noise {
                noise.add_to(&mut strip.adc[..n]);
            }
            for x in &mut strip.adc[..n] {
                *x *= strip.preamp.next_value();
            }
            if let Some(noise) = &mut strip.adc_noise {
                noise.add_to(&mut strip.adc[..n]);
            }
            // The ADC.
            let mut clips = 0;
            for x in &mut strip.adc[..n] {
                let q = strip.quantizer.process(*x);
                *x = q.value;
                clips += u64::from(q.clipped);
            }
            strip.meters.adc.add_clips(clips);
            // Clip gain, insert, fader and pan.
            for (i, &x) in strip.adc[..n].iter().enumerate() {
                let v = x * strip.clip_gain.next_value();
                strip.insert_in[i] = v;
                let y = insert_tick(&mut strip.saturator, &mut strip.insert, v);
                let (fader, pan_l, pan_r) =
                    (strip.fader.next_value(), strip.pan_l.next_value(), strip.pan_r.next_value());
                let post = y * fader;
                strip.post_fader[i] = post;
                let (l, r) = (post * pan_l, post * pan_r);
                strip.out_l[i] = l;
                strip.out_r[i] = r;
                self.bus[0][i] += l;
                self.bus[1][i] += r;
            }
            strip.meters.adc.process(&[&strip.adc[..n]]);
            strip.meters.insert.process(&[&strip.insert_in[..n]]);
            strip.meters.out.process(&[&strip.post_fader[..n]]);
        }
        // The mix bus: float keeps everything, 24-bit fixed clips.
        let [bl, br] = &mut self.bus;
        match &mut self.bus_quant {
            Some(q) => {
                let mut clips = 0;
                for (ch, qz) in [&mut *bl, &mut *br].into_iter().zip(q.iter_mut()) {
                    for x in &mut ch[..n] {
                        let out = qz.process(*x);
                        *x = out.value;
                        clips += u64::from(out.clipped);
                    }
                }
                self.bus_meter.add_clips(clips);
                self.bus_clips += clips;
            }
            None => {
                for x in bl[..n].iter_mut().chain(br[..n].iter_mut()) {
                    *x = f64::from(*x as f32);
                }
            }
        }
        for i in 0..n {
            let (l, r) = self.compressor.tick(bl[i], br[i]);
            bl[i] = l;
            br[i] = r;
        }
        self.bus_meter.process(&[&bl[..n], &br[..n]]);
        // The master: fader, limiter.
        let [ml, mr] = &mut self.master;
        for i in 0..n {
            let g = self.master_fader.next_value();
            ml[i] = bl[i] * g;
            mr[i] = br[i] * g;
        }
        self.limiter.process(&mut ml[..n], &mut mr[..n]);
        self.master_meter.process(&[&ml[..n], &mr[..n]]);
        // The export: rate, word length, codec.
        let mut clips = 0;
        for ch in 0..2 {
            self.export[ch].clear();
            self.resamplers[ch].process(&self.master[ch][..n], &mut self.export[ch]);
            for x in &mut self.export[ch] {
                let q = self.export_quant[ch].process(*x);
                *x = q.value;
                clips += u64::from(q.clipped);
            }
            if let Some(codec) = &mut self.codec {
                let len = self.export[ch].len();
                self.scratch[..len].copy_from_slice(&self.export[ch]);
                codec[ch].process(&self.scratch[..len], &mut self.export[ch]);
            }
        }
        if self.codec.is_none() {
            self.export_meter.add_clips(clips);
        }
        let (el, er) = (&self.export[0], &self.export[1]);
        let m = el.len().min(er.len());
        self.export_meter.process(&[&el[..m], &er[..m]]);
        self.pos += n as u64;
    }

    /// Whether `stage` exists in this chain (its track does).
    #[must_use]
    pub fn has_stage(&self, stage: StageId) -> bool {
        match stage {
            StageId::TrackSource(i) | StageId::TrackAdc(i) | StageId::TrackInsert(i) | StageId::Track(i) => {
                i < self.strips.len()
            }
            StageId::Bus | StageId::Master | StageId::Export => true,
        }
    }

    /// The samples of `stage` from the last block (planar; mono stages have one channel).
    #[must_use]
    pub fn tap(&self, stage: StageId, frames: usize) -> [&[f64]; 2] {
        let n = frames.min(MAX_BLOCK);
        match stage {
            StageId::TrackSource(i) => [&self.strips[i].source[..n], &[]],
            StageId::TrackAdc(i) => [&self.strips[i].adc[..n], &[]],
            StageId::TrackInsert(i) => [&self.strips[i].insert_in[..n], &[]],
            StageId::Track(i) => [&self.strips[i].out_l[..n], &self.strips[i].out_r[..n]],
            StageId::Bus => [&self.bus[0][..n], &self.bus[1][..n]],
            StageId::Master => [&self.master[0][..n], &self.master[1][..n]],
            StageId::Export => [&self.export[0], &self.export[1]],
        }
    }

    /// The meters of a stage (the source tap has none of its own: its ADC's stand in).
    fn meter(&self, stage: StageId) -> &StageMeter {
        match stage {
            StageId::TrackSource(i) | StageId::TrackAdc(i) => &self.strips[i].meters.adc,
            StageId::TrackInsert(i) => &self.strips[i].meters.insert,
            StageId::Track(i) => &self.strips[i].meters.out,
            StageId::Bus => &self.bus_meter,
            StageId::Master => &self.master_meter,
            StageId::Export => &self.export_meter,
        }
    }

    fn meter_mut(&mut self, stage: StageId) -> &mut StageMeter {
        match stage {
            StageId::TrackSource(i) | StageId::TrackAdc(i) => &mut self.strips[i].meters.adc,
            StageId::TrackInsert(i) => &mut self.strips[i].meters.insert,
            StageId::Track(i) => &mut self.strips[i].meters.out,
            StageId::Bus => &mut self.bus_meter,
            StageId::Master => &mut self.master_meter,
            StageId::Export => &mut self.export_meter,
        }
    }

    /// The readout of one stage's meters (the source tap has none: its ADC's are returned).
    #[must_use]
    pub fn stage_readout(&self, stage: StageId) -> StageReadout {
        self.meter(stage).readout()
    }

    /// All meters as numbers.
    #[must_use]
    pub fn readout(&self) -> ChainReadout {
        ChainReadout {
            tracks: self
                .strips
                .iter()
                .zip(&self.scene.tracks)
                .map(|(s, t)| TrackReadout {
                    name: t.name.clone(),
                    adc: s.meters.adc.readout(),
                    insert: s.meters.insert.readout(),
                    out: s.meters.out.readout(),
                })
                .collect(),
            bus: self.bus_meter.readout(),
            master: self.master_meter.readout(),
            export: self.export_meter.readout(),
            compressor_gain_reduction_db: self.compressor.gain_reduction_db(),
            limiter_gain_reduction_db: self.limiter.gain_reduction_db(),
        }
    }

    /// Forgets all measurements (peaks, clips, loudness).
    pub fn reset_meters(&mut self) {
        for s in &mut self.strips {
            s.meters.adc.reset();
            s.meters.insert.reset();
            s.meters.out.reset();
        }
        self.bus_meter.reset();
        self.master_meter.reset();
        self.export_meter.reset();
    }

    /// Clears the latched clip count of one stage.
    pub fn reset_clips(&mut self, stage: StageId) {
        self.meter_mut(stage).reset_clips();
    }

    /// Measures every stage's noise floor (see [`measure_noise_floors`]) and records it in
    /// the stage's meters.
    pub fn measure_noise_floors(&mut self, secs: f64) {
        let floors = measure_noise_floors(&self.scene, &self.live, secs);
        for (s, f) in self.strips.iter_mut().zip(&floors.tracks) {
            s.meters.adc.set_noise_floor(f[0]);
            s.meters.insert.set_noise_floor(f[1]);
            s.meters.out.set_noise_floor(f[2]);
        }
        self.bus_meter.set_noise_floor(floors.bus);
        self.master_meter.set_noise_floor(floors.master);
        self.export_meter.set_noise_floor(floors.export);
    }

    /// Every meter as plain data, written into `frame` without allocating.
    pub fn meter_frame(&self, frame: &mut MeterFrame) {
        frame.track_count = self.strips.len();
        for (slot, s) in frame.tracks.iter_mut().zip(&self.strips) {
            *slot = [s.meters.adc.readout(), s.meters.insert.readout(), s.meters.out.readout()];
        }
        frame.bus = self.bus_meter.readout();
        frame.master = self.master_meter.readout();
        frame.export = self.export_meter.readout();
        frame.compressor_gain_reduction_db = self.compressor.gain_reduction_db();
        frame.limiter_gain_reduction_db = self.limiter.gain_reduction_db();
        frame.position = self.pos;
    }

    /// Renders `frames` session samples from the current position and returns the samples of
    /// `stage` (planar). Meters run along.
    pub fn render(&mut self, stage: StageId, frames: usize) -> Vec<Vec<f64>> {
        let channels = stage.channels();
        let cap =
            if stage == StageId::Export { (frames as f64 * self.export_fs / self.fs) as usize + 64 } else { frames };
        let mut out: Vec<Vec<f64>> = (0..channels).map(|_| Vec::with_capacity(cap)).collect();
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(MAX_BLOCK);
            self.process(n);
            let tap = self.tap(stage, n);
            for (o, t) in out.iter_mut().zip(tap) {
                o.extend_from_slice(t);
            }
            done += n;
        }
        out
    }

    /// Gain reduction of the limiter now, dB.
    #[must_use]
    pub fn limiter_params(&self) -> &LimiterParams {
        self.limiter.params()
    }
}

/// The gains of a strip: fader (with mute), then the pan law's left and right.
fn track_gains(t: &TrackLive) -> (f64, f64, f64) {
    let g = if t.mute { 0.0 } else { db_to_amp(t.fader_db) };
    let (l, r) = pan_gains(t.pan);
    (g, l, r)
}
