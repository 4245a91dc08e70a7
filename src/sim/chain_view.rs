//! The mixing desk's data: a running chain, the meters of every stage, and the waveform and
//! spectrum of the stage the student selected, from the same engine the command line renders.

use std::collections::VecDeque;

use crate::analysis::spectrum::{Spectrum, SpectrumAnalyzer};
use crate::analysis::window::Window;
use crate::chain::engine::{Chain, ChainReadout, MAX_BLOCK, StageId};
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
}

/// A chain with the desk's analysis around it.
pub struct ChainLab {
    chain: Chain,
    selected: StageId,
    scope: VecDeque<f64>,
    analyzer: SpectrumAnalyzer,
    snapshot: ChainSnapshot,
}

impl std::fmt::Debug for ChainLab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainLab").field("chain", &self.chain).field("selected", &self.selected).finish_non_exhaustive()
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
    /// The desk for `scene`.
    ///
    /// # Errors
    /// An invalid scene or an unreadable track file.
    pub fn new(scene: &Scene) -> Result<Self, String> {
        let mut lab = Self {
            chain: Chain::new(scene)?,
            selected: StageId::Master,
            scope: VecDeque::with_capacity(SCOPE_CAPACITY),
            analyzer: SpectrumAnalyzer::new(),
            snapshot: ChainSnapshot::default(),
        };
        lab.chain.measure_noise_floors(0.5);
        lab.refresh();
        Ok(lab)
    }

    /// The scene the chain runs.
    #[must_use]
    pub fn scene(&self) -> &Scene {
        self.chain.scene()
    }

    /// The running chain.
    #[must_use]
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// Takes a changed scene: gains and switches glide in; anything else rebuilds the chain
    /// at the same position (meters start afresh).
    ///
    /// # Errors
    /// An invalid scene or an unreadable file; the old chain keeps running.
    pub fn update_scene(&mut self, scene: &Scene) -> Result<(), String> {
        if skeleton(scene) == skeleton(self.chain.scene()) {
            self.chain.apply_live(&crate::chain::engine::LiveParams::from_scene(scene));
            // Keep the scene's names and live values current.
            self.chain.set_scene_live(scene);
            return Ok(());
        }
        let pos = self.chain.position();
        let mut chain = Chain::new(scene)?;
        chain.seek(pos);
        chain.measure_noise_floors(0.5);
        self.chain = chain;
        if !self.stage_exists(self.selected) {
            self.selected = StageId::Master;
        }
        self.scope.clear();
        self.refresh();
        Ok(())
    }

    fn stage_exists(&self, stage: StageId) -> bool {
        let n = self.chain.scene().tracks.len();
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

    /// Runs `frames` more samples through the chain.
    pub fn advance(&mut self, frames: usize) {
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(MAX_BLOCK);
            self.chain.process(n);
            let [l, r] = self.chain.tap(self.selected, n);
            if r.is_empty() {
                self.scope.extend(l.iter().copied());
            } else {
                self.scope.extend(l.iter().zip(r).map(|(a, b)| 0.5 * (a + b)));
            }
            let excess = self.scope.len().saturating_sub(SCOPE_CAPACITY);
            self.scope.drain(..excess);
            done += n;
        }
        self.refresh();
    }

    /// Clears the latched clips of a stage.
    pub fn reset_clips(&mut self, stage: StageId) {
        self.chain.reset_clips(stage);
        self.refresh();
    }

    /// Forgets every measurement.
    pub fn reset_meters(&mut self) {
        self.chain.reset_meters();
        self.refresh();
    }

    /// Measures every stage's noise floor again.
    pub fn measure_noise_floors(&mut self) {
        self.chain.measure_noise_floors(0.5);
        self.refresh();
    }

    /// Recomputes the snapshot from the current state.
    fn refresh(&mut self) {
        let stage = self.selected;
        let fs = if stage == StageId::Export { self.chain.export_rate_hz() } else { self.chain.sample_rate_hz() };
        let s = &mut self.snapshot;
        s.readout = self.chain.readout();
        s.stage = Some(stage);
        s.sample_rate_hz = fs;
        s.noise_floor_dbfs = self.chain.stage_readout(stage).noise_floor_dbfs;
        s.position_secs = self.chain.position() as f64 / self.chain.sample_rate_hz();
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
