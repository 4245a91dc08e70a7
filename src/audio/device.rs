//! The sound card, through cpal (ALSA on Linux). Opening it can fail in many ways (no card, a
//! server, a busy device); every one becomes a sentence and the app goes on visual only. A
//! device that disappears while playing raises a flag the app polls.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};

use crate::audio::engine::{AudioEngine, Control, EngineRemote, engine};

/// Frames per callback asked of the device (5.3 ms at 48 kHz), when it lets us choose.
pub const PREFERRED_BUFFER_FRAMES: u32 = 256;

/// An open output stream, playing an engine.
pub struct OutputDevice {
    stream: cpal::Stream,
    /// The device's name.
    pub name: String,
    /// Its sample rate, Hz.
    pub rate: u32,
    /// Its channels.
    pub channels: u16,
    /// Frames per callback, when fixed.
    pub buffer_frames: Option<u32>,
    lost: Arc<AtomicBool>,
    xruns: Arc<AtomicU64>,
}

impl std::fmt::Debug for OutputDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputDevice").field("name", &self.name).field("rate", &self.rate).finish_non_exhaustive()
    }
}

impl OutputDevice {
    /// Whether the device has gone (unplugged, server stopped): the app should carry on
    /// without it.
    #[must_use]
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Relaxed)
    }

    /// Buffer under- or overruns reported so far.
    #[must_use]
    pub fn xruns(&self) -> u64 {
        self.xruns.load(Ordering::Relaxed)
    }

    /// One line for the status bar.
    #[must_use]
    pub fn describe(&self) -> String {
        let buffer = self.buffer_frames.map_or_else(String::new, |b| format!(", {b}-frame buffer"));
        format!("sound: {} at {} Hz{buffer}", self.name, self.rate)
    }

    /// Pauses the device (the engine stays inside it).
    pub fn pause(&self) {
        let _ = self.stream.pause();
    }
}

/// Opens the default output device and starts an engine on it with `control`.
///
/// # Errors
/// Why there is no sound, as a sentence.
pub fn open_default(control: &Control) -> Result<(OutputDevice, EngineRemote), String> {
    let host = cpal::default_host();
    let device = host.default_output_device().ok_or_else(|| "no audio output device found".to_string())?;
    let name = device.description().map_or_else(|_| "audio output".to_string(), |d| d.name().to_string());
    let supported = device.default_output_config().map_err(|e| format!("{name}: {e}"))?;
    let mut config = supported.config();
    let buffer_frames = match supported.buffer_size() {
        cpal::SupportedBufferSize::Range { min, max } => Some(PREFERRED_BUFFER_FRAMES.clamp(*min, *max)),
        cpal::SupportedBufferSize::Unknown => None,
    };
    if let Some(frames) = buffer_frames {
        config.buffer_size = cpal::BufferSize::Fixed(frames);
    }
    let rate = config.sample_rate;
    let channels = config.channels;
    let lost = Arc::new(AtomicBool::new(false));
    let xruns = Arc::new(AtomicU64::new(0));
    let (remote, engine) = engine(f64::from(rate), control);
    let stream = match supported.sample_format() {
        SampleFormat::F32 => build::<f32>(&device, config, engine, &lost, &xruns),
        SampleFormat::I16 => build::<i16>(&device, config, engine, &lost, &xruns),
        SampleFormat::I32 => build::<i32>(&device, config, engine, &lost, &xruns),
        SampleFormat::U16 => build::<u16>(&device, config, engine, &lost, &xruns),
        SampleFormat::F64 => build::<f64>(&device, config, engine, &lost, &xruns),
        other => return Err(format!("{name}: unsupported sample format {other}")),
    }
    .map_err(|e| format!("{name}: {e}"))?;
    stream.play().map_err(|e| format!("{name}: {e}"))?;
    Ok((OutputDevice { stream, name, rate, channels, buffer_frames, lost, xruns }, remote))
}

/// Frames converted at once for devices that do not take f32.
const SCRATCH_FRAMES: usize = 2048;

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut engine: AudioEngine,
    lost: &Arc<AtomicBool>,
    xruns: &Arc<AtomicU64>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32> + 'static,
{
    let channels = usize::from(config.channels.max(1));
    let mut scratch = vec![0.0f32; SCRATCH_FRAMES * channels];
    let (lost, xruns) = (Arc::clone(lost), Arc::clone(xruns));
    device.build_output_stream(
        config,
        move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
            // The engine renders f32; other formats are converted (for f32 the conversion is
            // the identity). The scratch buffer was allocated before the stream started.
            for chunk in data.chunks_mut(scratch.len()) {
                let n = chunk.len();
                engine.process(&mut scratch[..n], channels);
                for (o, &x) in chunk.iter_mut().zip(&scratch[..n]) {
                    *o = T::from_sample(x);
                }
            }
        },
        move |err: cpal::Error| match err.kind() {
            cpal::ErrorKind::Xrun => {
                xruns.fetch_add(1, Ordering::Relaxed);
            }
            cpal::ErrorKind::DeviceChanged | cpal::ErrorKind::RealtimeDenied => {}
            _ => lost.store(true, Ordering::Relaxed),
        },
        None,
    )
}
