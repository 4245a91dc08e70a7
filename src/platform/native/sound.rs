//! Sound on the desktop: the default output device through cpal (ALSA on Linux, and through
//! it PulseAudio or PipeWire), and a silent clock in a thread of its own when there is no
//! device, so that the engine never runs on the UI thread; the default input device for live
//! input ([`input_backend`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};

use crate::audio::engine::{AudioEngine, CHUNK, Control, EngineRemote, engine};
use crate::audio::input::{InputBackend, InputInfo, InputSink, InputStream, queue};
use crate::audio::output::{Failure, OutputBackend, OutputInfo, OutputStream, SILENT_RATE, StreamHealth};

/// Opens the default device of cpal's default host.
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
        period_frames: Option<u32>,
        control: &Control,
    ) -> Result<(Box<dyn OutputStream>, EngineRemote), String> {
        let (stream, remote) = DeviceStream::open(period_frames, control)?;
        Ok((Box::new(stream), remote))
    }

    fn open_silent(&mut self, control: &Control) -> (Box<dyn OutputStream>, EngineRemote) {
        let (remote, engine) = engine(SILENT_RATE, control);
        (Box::new(SilentClock::start(engine)), remote)
    }
}

/// An open device stream with its engine inside.
struct DeviceStream {
    /// Playing while it lives: dropping it closes the device.
    _stream: cpal::Stream,
    info: OutputInfo,
    health: Arc<StreamHealth>,
}

impl OutputStream for DeviceStream {
    fn info(&self) -> &OutputInfo {
        &self.info
    }

    fn health(&self) -> &StreamHealth {
        &self.health
    }
}

impl DeviceStream {
    fn open(period_frames: Option<u32>, control: &Control) -> Result<(Self, EngineRemote), String> {
        let host = cpal::default_host();
        let device = host.default_output_device().ok_or_else(|| "no audio output device found".to_string())?;
        let name = device.description().map_or_else(|_| "audio output".to_string(), |d| d.name().to_string());
        let supported = device.default_output_config().map_err(|e| format!("{name}: {e}"))?;
        let mut config = supported.config();
        let (asked, adjustable) = match (supported.buffer_size(), period_frames) {
            (cpal::SupportedBufferSize::Range { min, max }, Some(p)) => (Some(p.clamp(*min, *max)), true),
            _ => (None, false),
        };
        if let Some(frames) = asked {
            config.buffer_size = cpal::BufferSize::Fixed(frames);
        }
        let rate = config.sample_rate;
        let channels = config.channels;
        let health = Arc::new(StreamHealth::default());
        let (remote, engine) = engine(f64::from(rate), control);
        let build = match supported.sample_format() {
            SampleFormat::F32 => build::<f32>,
            SampleFormat::I16 => build::<i16>,
            SampleFormat::I32 => build::<i32>,
            SampleFormat::U16 => build::<u16>,
            SampleFormat::F64 => build::<f64>,
            other => return Err(format!("{name}: unsupported sample format {other}")),
        };
        let stream = build(&device, config, engine, &health).map_err(|e| format!("{name}: {e}"))?;
        stream.play().map_err(|e| format!("{name}: {e}"))?;
        let period = stream.buffer_size().ok().or(asked);
        let info = OutputInfo {
            name,
            rate: f64::from(rate),
            channels,
            period_frames: period,
            // cpal keeps two periods in the device's buffer.
            buffer_frames: period.map(|p| 2 * p),
            adjustable,
            audible: true,
        };
        Ok((Self { _stream: stream, info, health }, remote))
    }
}

/// Frames converted at once for devices that do not take f32.
const SCRATCH_FRAMES: usize = 2048;

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut engine: AudioEngine,
    health: &Arc<StreamHealth>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32> + 'static,
{
    let channels = usize::from(config.channels.max(1));
    let mut scratch = vec![0.0f32; SCRATCH_FRAMES * channels];
    let (data_health, error_health) = (Arc::clone(health), Arc::clone(health));
    device.build_output_stream(
        config,
        move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
            let t = info.timestamp();
            data_health.set_latency_secs(t.playback.duration_since(t.callback).as_secs_f64());
            // The engine renders f32; other formats are converted (for f32 the conversion is
            // the identity). The scratch buffer was allocated before the stream started.
            for chunk in data.chunks_mut(scratch.len()) {
                let n = chunk.len();
                engine.process(&mut scratch[..n], channels);
                for (o, &x) in chunk.iter_mut().zip(&scratch[..n]) {
                    *o = T::from_sample(x);
                }
            }
            data_health.callback(data.len() / channels);
        },
        move |err: cpal::Error| note_error(&error_health, &err),
        None,
    )
}

/// Notes a stream's error in its counters: an xrun is counted, a failure kept (error thread).
fn note_error(health: &StreamHealth, err: &cpal::Error) {
    match err.kind() {
        cpal::ErrorKind::Xrun => health.underrun(),
        // The stream follows the new device by itself; real-time priority is a wish.
        cpal::ErrorKind::DeviceChanged | cpal::ErrorKind::RealtimeDenied => {}
        cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::HostUnavailable => health.fail(Failure::Gone),
        cpal::ErrorKind::StreamInvalidated => health.fail(Failure::Invalidated),
        cpal::ErrorKind::DeviceBusy => health.fail(Failure::Busy),
        _ => health.fail(Failure::Other),
    }
}

/// The engine on a clock of its own, its output thrown away: the desk's meters run as if a
/// device played, and the UI thread does no audio work.
struct SilentClock {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    info: OutputInfo,
    health: Arc<StreamHealth>,
}

/// Most the silent clock catches up at once after a stall, seconds.
const MAX_CATCH_UP_SECS: f64 = 0.25;

impl SilentClock {
    fn start(mut engine: AudioEngine) -> Self {
        let rate = engine.rate();
        let stop = Arc::new(AtomicBool::new(false));
        let health = Arc::new(StreamHealth::default());
        let (thread_stop, thread_health) = (Arc::clone(&stop), Arc::clone(&health));
        let period = CHUNK as u64;
        let thread = std::thread::Builder::new().name("headroom-lab silent clock".into()).spawn(move || {
            let mut scratch = vec![0.0f32; 2 * CHUNK];
            let start = Instant::now();
            let mut done: u64 = 0;
            while !thread_stop.load(Ordering::Relaxed) {
                let due = (start.elapsed().as_secs_f64() * rate) as u64;
                let late = due.saturating_sub(done);
                if late as f64 > MAX_CATCH_UP_SECS * rate {
                    done = due - (MAX_CATCH_UP_SECS * rate) as u64;
                }
                while done + period <= due {
                    engine.process(&mut scratch, 2);
                    thread_health.callback(CHUNK);
                    done += period;
                }
                std::thread::sleep(Duration::from_secs_f64(period as f64 / rate));
            }
        });
        let (thread, name) = match thread {
            Ok(t) => (Some(t), "silent clock".to_string()),
            Err(_) => (None, "silent clock (stopped: no thread)".to_string()),
        };
        let info = OutputInfo {
            name,
            rate,
            channels: 2,
            period_frames: Some(CHUNK as u32),
            buffer_frames: None,
            adjustable: false,
            audible: false,
        };
        Self { stop, thread, info, health }
    }
}

impl OutputStream for SilentClock {
    fn info(&self) -> &OutputInfo {
        &self.info
    }

    fn health(&self) -> &StreamHealth {
        &self.health
    }
}

impl Drop for SilentClock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Opens cpal's default input device at its own rate and format.
#[derive(Debug, Default)]
pub struct Input;

/// The input backend the app and the command line use on this platform.
#[must_use]
pub fn input_backend() -> Box<dyn InputBackend> {
    Box::new(Input)
}

fn input_name(device: &cpal::Device) -> String {
    device.description().map_or_else(|_| "audio input".to_string(), |d| d.name().to_string())
}

impl InputBackend for Input {
    fn open_input(&mut self) -> Result<InputStream, String> {
        self.open_device(None)
    }

    fn devices(&mut self) -> Vec<String> {
        let mut names: Vec<String> =
            cpal::default_host().input_devices().map(|d| d.map(|d| input_name(&d)).collect()).unwrap_or_default();
        names.dedup();
        names
    }

    fn open_device(&mut self, wanted: Option<&str>) -> Result<InputStream, String> {
        let host = cpal::default_host();
        let device = match wanted {
            None => host.default_input_device().ok_or_else(|| "no audio input device found".to_string())?,
            Some(w) => host
                .input_devices()
                .map_err(|e| format!("cannot list audio inputs: {e}"))?
                .find(|d| input_name(d) == w)
                .ok_or_else(|| format!("no audio input called '{w}' (it may have been unplugged)"))?,
        };
        let name = input_name(&device);
        let supported = device.default_input_config().map_err(|e| format!("no usable audio input ({name}: {e})"))?;
        let config = supported.config();
        let rate = config.sample_rate;
        let channels = config.channels;
        let health = Arc::new(StreamHealth::default());
        let (sink, queues) = queue(f64::from(rate));
        let build = match supported.sample_format() {
            SampleFormat::F32 => build_input::<f32>,
            SampleFormat::I16 => build_input::<i16>,
            SampleFormat::I32 => build_input::<i32>,
            SampleFormat::U16 => build_input::<u16>,
            SampleFormat::I8 => build_input::<i8>,
            SampleFormat::U8 => build_input::<u8>,
            SampleFormat::F64 => build_input::<f64>,
            other => return Err(format!("{name}: unsupported input sample format {other}")),
        };
        let stream =
            build(&device, config, sink, &health).map_err(|e| format!("cannot open audio input ({name}: {e})"))?;
        stream.play().map_err(|e| format!("cannot start audio input ({name}: {e})"))?;
        let info = InputInfo { name, rate: f64::from(rate), channels };
        Ok(InputStream::new(info, health, queues, Box::new(stream)))
    }
}

fn build_input<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut sink: InputSink,
    health: &Arc<StreamHealth>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + 'static,
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels.max(1));
    // Whole frames converted at once; allocated before the stream starts.
    let mut scratch = vec![0.0f32; SCRATCH_FRAMES * channels];
    let (data_health, error_health) = (Arc::clone(health), Arc::clone(health));
    device.build_input_stream(
        config,
        move |data: &[T], info: &cpal::InputCallbackInfo| {
            let t = info.timestamp();
            data_health.set_latency_secs(t.callback.duration_since(t.capture).as_secs_f64());
            for chunk in data.chunks(scratch.len()) {
                let n = chunk.len();
                for (o, &x) in scratch[..n].iter_mut().zip(chunk) {
                    *o = <f32 as FromSample<T>>::from_sample_(x);
                }
                sink.push_frames(&data_health, &scratch[..n], channels);
            }
        },
        move |err: cpal::Error| note_error(&error_health, &err),
        None,
    )
}
