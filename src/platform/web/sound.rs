//! Sound on the web page through Web Audio. The page has one thread, so the engine runs there:
//! blocks of 1024 frames are rendered and scheduled on the audio context's clock ahead of
//! time, topped up every frame and by a 20 ms timer, so a slow frame does not starve the
//! output. A block that would start in the past is an underrun: it is counted, and the lead
//! grows (80 ms at first, up to 250 ms).
//!
//! Browsers start audio only after a click or a key press: until then the context is
//! suspended, the status says so, and the engine runs silently on the page's clock (the desk's
//! meters move; nothing is heard).
//!
//! Live input (the microphone through getUserMedia) is not taken yet: [`input_backend`] says so.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::audio::engine::{AudioEngine, Control, EngineRemote, engine};
use crate::audio::output::{FrameClock, OutputBackend, OutputInfo, OutputStream, SILENT_RATE, StreamHealth};

/// Frames rendered and scheduled at once.
const BLOCK: usize = 1024;
/// Sound scheduled ahead of the context's clock at first, seconds.
const FIRST_LEAD_SECS: f64 = 0.08;
/// Most sound scheduled ahead, seconds (the lead grows on underruns).
const MAX_LEAD_SECS: f64 = 0.25;
/// The timer that tops up between frames, milliseconds.
const TIMER_MS: i32 = 20;
/// What the status says until the browser lets sound start.
const WAITING: &str = "click or press a key to turn the sound on";

/// Web Audio on this page.
#[derive(Debug, Default)]
pub struct Backend;

/// The backend the app uses on this platform.
#[must_use]
pub fn backend() -> Box<dyn OutputBackend> {
    Box::new(Backend)
}

impl OutputBackend for Backend {
    fn open_device(
        &mut self,
        _period_frames: Option<u32>,
        control: &Control,
    ) -> Result<(Box<dyn OutputStream>, EngineRemote), String> {
        let ctx = web_sys::AudioContext::new().map_err(|_| "this browser has no Web Audio".to_string())?;
        let rate = f64::from(ctx.sample_rate());
        let (remote, engine) = engine(rate, control);
        Ok((Box::new(WebStream::start(ctx, engine)), remote))
    }

    fn open_silent(&mut self, control: &Control) -> (Box<dyn OutputStream>, EngineRemote) {
        let (remote, engine) = engine(SILENT_RATE, control);
        (Box::new(FrameClock::new(engine, "silent clock", false)), remote)
    }

    fn first_period(&self, _rate: f64) -> Option<u32> {
        Some(BLOCK as u32)
    }
}

/// The scheduler, shared by the stream (pumped each frame) and the timer.
struct Scheduler {
    ctx: web_sys::AudioContext,
    engine: Box<AudioEngine>,
    health: Rc<StreamHealth>,
    rate: f64,
    /// The context's time at which the next block starts (0: none scheduled yet).
    cursor: f64,
    lead: f64,
    interleaved: Vec<f32>,
    left: Vec<f32>,
    right: Vec<f32>,
    /// While suspended: the page time the silent run started and the frames run since.
    silent: Option<(f64, u64)>,
}

impl Scheduler {
    fn running(&self) -> bool {
        self.ctx.state() == web_sys::AudioContextState::Running
    }

    /// Renders one block into `left` and `right`.
    fn render(&mut self) {
        self.engine.process(&mut self.interleaved, 2);
        for (i, frame) in self.interleaved.chunks_exact(2).enumerate() {
            self.left[i] = frame[0];
            self.right[i] = frame[1];
        }
        self.health.callback(BLOCK);
    }

    /// Tops up the schedule (or, suspended, runs the engine silently up to `page_secs`).
    fn pump(&mut self, page_secs: f64) {
        if !self.running() {
            let (start, done) = self.silent.get_or_insert((page_secs, 0));
            let due = ((page_secs - *start).max(0.0) * self.rate) as u64;
            let mut done_now = *done;
            while done_now + BLOCK as u64 <= due {
                self.render();
                done_now += BLOCK as u64;
            }
            if let Some(s) = &mut self.silent {
                s.1 = done_now;
            }
            return;
        }
        self.silent = None;
        let now = self.ctx.current_time();
        if self.cursor == 0.0 {
            self.cursor = now + 0.02;
        } else if self.cursor < now {
            // The output ran dry before this block: a gap was heard.
            self.health.underrun();
            self.lead = (self.lead * 1.5).min(MAX_LEAD_SECS);
            self.cursor = now + 0.02;
        }
        self.health.set_latency_secs(self.cursor - now);
        while self.cursor < now + self.lead {
            self.render();
            if self.schedule().is_err() {
                self.health.fail(crate::audio::output::Failure::Other);
                return;
            }
            self.cursor += BLOCK as f64 / self.rate;
        }
    }

    /// Plays the rendered block at `cursor`.
    fn schedule(&self) -> Result<(), wasm_bindgen::JsValue> {
        let buffer = self.ctx.create_buffer(2, BLOCK as u32, self.rate as f32)?;
        buffer.copy_to_channel(&self.left, 0)?;
        buffer.copy_to_channel(&self.right, 1)?;
        let source = self.ctx.create_buffer_source()?;
        source.set_buffer(Some(&buffer));
        source.connect_with_audio_node(&self.ctx.destination())?;
        source.start_with_when(self.cursor)
    }
}

/// The page's audio output with its engine.
struct WebStream {
    scheduler: Rc<RefCell<Scheduler>>,
    health: Rc<StreamHealth>,
    info: OutputInfo,
    timer: Option<i32>,
    _tick: Closure<dyn FnMut()>,
    gesture: Closure<dyn FnMut()>,
}

impl WebStream {
    fn start(ctx: web_sys::AudioContext, engine: AudioEngine) -> Self {
        let rate = engine.rate();
        let health = Rc::new(StreamHealth::default());
        let scheduler = Rc::new(RefCell::new(Scheduler {
            ctx: ctx.clone(),
            engine: Box::new(engine),
            health: Rc::clone(&health),
            rate,
            cursor: 0.0,
            lead: FIRST_LEAD_SECS,
            interleaved: vec![0.0; 2 * BLOCK],
            left: vec![0.0; BLOCK],
            right: vec![0.0; BLOCK],
            silent: None,
        }));
        let weak: Weak<RefCell<Scheduler>> = Rc::downgrade(&scheduler);
        let tick = Closure::<dyn FnMut()>::new(move || {
            if let Some(s) = weak.upgrade()
                && let Ok(mut s) = s.try_borrow_mut()
            {
                let page = page_secs();
                s.pump(page);
            }
        });
        let window = super::window();
        let timer = window.as_ref().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), TIMER_MS).ok()
        });
        // The first click or key press lets the context start.
        let gesture_ctx = ctx.clone();
        let gesture = Closure::<dyn FnMut()>::new(move || {
            if gesture_ctx.state() != web_sys::AudioContextState::Running {
                let _ = gesture_ctx.resume();
            }
        });
        if let Some(document) = window.as_ref().and_then(web_sys::Window::document) {
            for event in ["pointerdown", "keydown", "touchend"] {
                let _ = document.add_event_listener_with_callback(event, gesture.as_ref().unchecked_ref());
            }
        }
        let _ = ctx.resume();
        let info = OutputInfo {
            name: "Web Audio".into(),
            rate,
            channels: 2,
            period_frames: Some(BLOCK as u32),
            buffer_frames: Some((FIRST_LEAD_SECS * rate) as u32),
            adjustable: false,
            audible: true,
        };
        Self { scheduler, health, info, timer, _tick: tick, gesture }
    }
}

/// The page's clock, seconds.
fn page_secs() -> f64 {
    super::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now() * 1e-3)
}

impl OutputStream for WebStream {
    fn info(&self) -> &OutputInfo {
        &self.info
    }

    fn health(&self) -> &StreamHealth {
        &self.health
    }

    fn pump(&mut self, _now: f64) {
        if let Ok(mut s) = self.scheduler.try_borrow_mut() {
            s.pump(page_secs());
            self.info.buffer_frames = Some((s.lead * s.rate) as u32);
        }
    }

    fn waiting(&self) -> Option<&str> {
        let running = self.scheduler.try_borrow().map_or(true, |s| s.running());
        (!running).then_some(WAITING)
    }
}

impl Drop for WebStream {
    fn drop(&mut self) {
        if let Some(window) = super::window() {
            if let Some(t) = self.timer.take() {
                window.clear_interval_with_handle(t);
            }
            if let Some(document) = window.document() {
                for event in ["pointerdown", "keydown", "touchend"] {
                    let _ = document.remove_event_listener_with_callback(event, self.gesture.as_ref().unchecked_ref());
                }
            }
        }
        if let Ok(s) = self.scheduler.try_borrow() {
            let _ = s.ctx.close();
        }
    }
}

/// What the page says where the desktop app takes live input.
pub const NO_INPUT: &str = "live input is not available in the web page yet: use the desktop app to record";

/// The input backend on this platform: the page does not capture the microphone yet, and says
/// so when asked.
#[must_use]
pub fn input_backend() -> Box<dyn crate::audio::input::InputBackend> {
    Box::new(crate::audio::input::NoInput(NO_INPUT.to_string()))
}
