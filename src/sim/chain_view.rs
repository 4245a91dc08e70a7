//! The mixing desk's data: a running chain, the meters of every stage, and the waveform and
//! spectrum of the stage the student selected, from the same engine the command line renders.

use std::collections::VecDeque;

use crate::analysis::spectrum::{Spectrum, SpectrumAnalyzer};
use crate::analysis::window::Window;
use crate::chain::engine::{Chain, ChainReadout, MAX_BLOCK, MeterFrame, NoiseFloors, StageId, measure_noise_floors};
use crate::chain::scene::Scene;

/// Samples of the selected stage kept for its views.
const SCOPE_CAPACITY: usize = 32_768;
/// FFT size of the selected stage's spectrum.
pub const STAGE_FFT: usize = 16_384;
/// Time shown in the stage's waveform view, in seconds.
pub const SCOPE_SECS: f64 = 0.05;

/// What the desk shows.
#[derive(Clone, Debug, Default)]
pub struct ChainSnapshot {
    /// Every meter.
    pub readout: ChainReadout,
    /// The selected stage.
    pub stage: Option<StageId>,
    /// Its sample rate.
    pub sample_rate_hz: f64,
    /// Its last [`SCOPE_SECS`] as (ms, value) points, mid of the channels.
    pub scope: Vec<[f64; 2]>,
    /// Its spectrum (mid).
    pub spectrum: Spectrum,
    /// Its noise floor (RMS with every source silent), dBFS.
    pub noise_floor_dbfs: Option<f64>,
    /// Where the session is, in seconds.
    pub position_secs: f64,
    /// Where the session is, in samples.
    pub position: u64,
}

/// The desk's view of a running chain: its meters, and the waveform and spectrum of the
/// selected stage. The chain runs either here ([`Self::advance`], for tests and tools) or in the
/// audio engine, which hands back meters and samples ([`Self::ingest`]); the numbers come from
/// the same [`Chain`] code either way.
pub struct ChainLab {
    scene: Scene,
    /// The chain, while it runs here (the app hands it to the audio engine).
    local: Option<Chain>,
    frame: MeterFrame,
    floors: NoiseFloors,
    selected: StageId,
    scope: VecDeque<f64>,
    analyzer: SpectrumAnalyzer,
    snapshot: ChainSnapshot,
}

impl std::fmt::Debug for ChainLab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainLab")
            .field("scene", &self.scene.name)
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

/// The scene with every live setting (gains, pan, mute, switches) set aside: two scenes with
/// the same skeleton differ only in what a running chain can change without being rebuilt.
#[must_use]
pub fn skeleton(scene: &Scene) -> Scene {
    let mut s = scene.clone();
    s.name.clear();
    s.description.clear();
    for t in &mut s.tracks {
        t.preamp_db = 0.0;
        t.clip_gain_db = 0.0;
        t.fader_db = 0.0;
        t.pan = 0.0;
        t.mute = false;
        t.insert = false;
    }
    s.master.fader_db = 0.0;
    s.bus.compressor = crate::chain::dynamics::CompressorParams::default();
    s.master.limiter.input_gain_db = 0.0;
    s.master.limiter.enabled = false;
    s
}

impl ChainLab {
    /// The desk for `scene`, with its chain ready to run here or to be taken.
    ///
    /// # Errors
    /// An invalid scene or an unreadable track file.
    pub fn new(scene: &Scene) -> Result<Self, String> {
        let chain = Chain::new(scene)?;
        let mut lab = Self {
            floors: measure_noise_floors(scene, chain.live(), 0.5),
            scene: scene.clone(),
            local: Some(chain),
            frame: MeterFrame::default(),
            selected: StageId::Master,
            scope: VecDeque::with_capacity(SCOPE_CAPACITY),
            analyzer: SpectrumAnalyzer::new(),
            snapshot: ChainSnapshot::default(),
        };
        if let Some(c) = &lab.local {
            c.meter_frame(&mut lab.frame);
        }
        lab.refresh();
        Ok(lab)
    }

    /// The scene on the desk.
    #[must_use]
    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    /// Takes the chain to run it elsewhere (the audio engine); from then on the desk shows
    /// what [`Self::ingest`] brings.
    pub fn take_chain(&mut self) -> Option<Chain> {
        self.local.take()
    }

    /// Puts back a chain taken with [`Self::take_chain`] that could not be handed over.
    pub fn give_back(&mut self, chain: Chain) {
        self.local = Some(chain);
    }

    /// Builds the chain again from the scene, at the position reached (after the engine that
    /// ran it went away).
    ///
    /// # Errors
    /// An unreadable track file.
    pub fn rebuild(&mut self) -> Result<(), String> {
        let mut chain = Chain::new(&self.scene)?;
        chain.seek(self.frame.position);
        self.local = Some(chain);
        Ok(())
    }

    /// Whether the chain runs here.
    #[must_use]
    pub fn runs_locally(&self) -> bool {
        self.local.is_some()
    }

    /// Takes a changed scene: gains and switches glide in (the engine takes them from the
    /// scene's live values); anything else builds a new chain, ready to run here or be taken,
    /// continuing at the same position (meters start afresh).
    ///
    /// # Errors
    /// An invalid scene or an unreadable file; the old chain keeps running.
    pub fn update_scene(&mut self, scene: &Scene) -> Result<(), String> {
        if skeleton(scene) == skeleton(&self.scene) {
            let live = crate::chain::engine::LiveParams::from_scene(scene);
            if let Some(chain) = &mut self.local {
                chain.apply_live(&live);
                chain.set_scene_live(scene);
            }
            self.scene = scene.clone();
            self.refresh();
            return Ok(());
        }
        let mut chain = Chain::new(scene)?;
        if let Some(old) = &self.local {
            chain.seek(old.position());
        } else {
            chain.seek(self.frame.position);
        }
        self.floors = measure_noise_floors(scene, chain.live(), 0.5);
        self.frame = MeterFrame::default();
        chain.meter_frame(&mut self.frame);
        self.local = Some(chain);
        self.scene = scene.clone();
        if !self.stage_exists(self.selected) {
            self.selected = StageId::Master;
        }
        self.scope.clear();
        self.refresh();
        Ok(())
    }

    fn stage_exists(&self, stage: StageId) -> bool {
        let n = self.scene.tracks.len();
        match stage {
            StageId::TrackSource(i) | StageId::TrackAdc(i) | StageId::TrackInsert(i) | StageId::Track(i) => i < n,
            _ => true,
        }
    }

    /// Shows `stage` in the waveform and spectrum views.
    pub fn select(&mut self, stage: StageId) {
        if stage != self.selected && self.stage_exists(stage) {
            self.selected = stage;
            self.scope.clear();
            self.refresh();
        }
    }

    /// The selected stage.
    #[must_use]
    pub fn selected(&self) -> StageId {
        self.selected
    }

    fn push_scope(&mut self, samples: impl Iterator<Item = f64>) {
        self.scope.extend(samples);
        let excess = self.scope.len().saturating_sub(SCOPE_CAPACITY);
        self.scope.drain(..excess);
    }

    /// Runs `frames` more samples through the chain, when it runs here.
    pub fn advance(&mut self, frames: usize) {
        let Some(mut chain) = self.local.take() else { return };
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(MAX_BLOCK);
            chain.process(n);
            let [l, r] = chain.tap(self.selected, n);
            if r.is_empty() {
                self.push_scope(l.iter().copied());
            } else {
                self.push_scope(l.iter().zip(r).map(|(a, b)| 0.5 * (a + b)));
            }
            done += n;
        }
        chain.meter_frame(&mut self.frame);
        self.local = Some(chain);
        self.refresh();
    }

    /// Takes what the audio engine measured: its meters, and the selected stage's samples
    /// (`scope`, whose first one is number `first` of those the engine wrote; samples from
    /// before the stage was selected, at `stage_from`, are skipped).
    pub fn ingest(&mut self, frame: &MeterFrame, scope: &[f32], first: u64, scope_stage: StageId, stage_from: u64) {
        self.frame = *frame;
        if scope_stage == self.selected {
            let skip = stage_from.saturating_sub(first).min(scope.len() as u64) as usize;
            self.push_scope(scope[skip..].iter().map(|&x| f64::from(x)));
        }
        self.refresh();
    }

    /// Clears the latched clips of a stage (of the local chain; the app tells the engine).
    pub fn reset_clips(&mut self, stage: StageId) {
        if let Some(chain) = &mut self.local {
            chain.reset_clips(stage);
            chain.meter_frame(&mut self.frame);
        }
        self.refresh();
    }

    /// Forgets every measurement (of the local chain; the app tells the engine).
    pub fn reset_meters(&mut self) {
        if let Some(chain) = &mut self.local {
            chain.reset_meters();
            chain.meter_frame(&mut self.frame);
        }
        self.refresh();
    }

    /// Measures every stage's noise floor again (for the scene's live settings now).
    pub fn measure_noise_floors(&mut self) {
        let live = crate::chain::engine::LiveParams::from_scene(&self.scene);
        self.floors = measure_noise_floors(&self.scene, &live, 0.5);
        self.refresh();
    }

    /// Recomputes the snapshot from the current state.
    fn refresh(&mut self) {
        let stage = self.selected;
        let fs = if stage == StageId::Export { self.scene.export_rate_hz() } else { self.scene.sample_rate_hz };
        let s = &mut self.snapshot;
        s.readout = self.frame.readout(&self.scene, &self.floors);
        s.stage = Some(stage);
        s.sample_rate_hz = fs;
        s.noise_floor_dbfs = match stage {
            StageId::TrackSource(i) | StageId::TrackAdc(i) => self.floors.tracks.get(i).and_then(|f| f[0]),
            StageId::TrackInsert(i) => self.floors.tracks.get(i).and_then(|f| f[1]),
            StageId::Track(i) => self.floors.tracks.get(i).and_then(|f| f[2]),
            StageId::Bus => self.floors.bus,
            StageId::Master => self.floors.master,
            StageId::Export => self.floors.export,
        };
        s.position = self.frame.position;
        s.position_secs = self.frame.position as f64 / self.scene.sample_rate_hz;
        let shown = ((SCOPE_SECS * fs) as usize).min(self.scope.len());
        let start = self.scope.len() - shown;
        let step = (shown / 2000).max(1);
        s.scope.clear();
        s.scope.extend(
            self.scope.iter().skip(start).step_by(step).enumerate().map(|(i, v)| [(i * step) as f64 * 1000.0 / fs, *v]),
        );
        let n = STAGE_FFT.min(self.scope.len());
        if n >= 1024 {
            let (a, b) = self.scope.as_slices();
            let tail: Vec<f64> = a.iter().chain(b).skip(self.scope.len() - n).copied().collect();
            self.analyzer.analyze_into(
                &tail,
                fs,
                n.next_power_of_two() / if n.is_power_of_two() { 1 } else { 2 },
                Window::Kaiser,
                &mut s.spectrum,
            );
        } else {
            s.spectrum = Spectrum::default();
        }
    }

    /// What the desk shows now.
    #[must_use]
    pub fn snapshot(&self) -> &ChainSnapshot {
        &self.snapshot
    }
}
