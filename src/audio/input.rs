//! Live input, whatever captures it, with no platform code in it (the devices live in
//! [`crate::platform::sound`]): an [`InputStream`] is the far end of a wait-free queue that the
//! device's callback fills with the first channel's samples ("input 1", as a desk numbers its
//! inputs), with [`StreamHealth`] counters beside it (callbacks, frames, overruns, the capture
//! latency, a failure such as the device going away).
//!
//! The callback only converts and pushes: the queue was allocated before the stream started,
//! and a full queue drops samples and counts an overrun rather than wait. The reader (the
//! command line, the app's UI thread) drains it with [`InputStream::read`].

use std::sync::Arc;

use crate::audio::output::{HealthSnapshot, StreamHealth};

/// Seconds of sound the queue between the device and its reader holds.
pub const QUEUE_SECS: f64 = 2.0;
/// Seconds of sound the monitor's queue (to the audio thread) holds.
pub const MONITOR_QUEUE_SECS: f64 = 0.5;

/// What an open input is.
#[derive(Clone, Debug, PartialEq)]
pub struct InputInfo {
    /// The device's name.
    pub name: String,
    /// Its own sample rate, Hz.
    pub rate: f64,
    /// Its channels (only the first is taken).
    pub channels: u16,
}

/// An open input: dropping it closes the device.
pub struct InputStream {
    info: InputInfo,
    health: Arc<StreamHealth>,
    samples: rtrb::Consumer<f32>,
    /// The same samples for the audio thread, until taken.
    monitor: Option<rtrb::Consumer<f32>>,
    /// The platform's stream, kept open while this lives.
    _device: Box<dyn std::any::Any>,
}

impl std::fmt::Debug for InputStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputStream").field("info", &self.info).finish_non_exhaustive()
    }
}

/// What a device's callback pushes into: the reader's queue ([`QUEUE_SECS`]) and the monitor's
/// ([`MONITOR_QUEUE_SECS`], read on the audio thread by [`crate::audio::live::LiveFeed`]).
#[derive(Debug)]
pub struct InputSink {
    samples: rtrb::Producer<f32>,
    monitor: rtrb::Producer<f32>,
}

/// The far ends of an [`InputSink`]'s queues, for [`InputStream::new`].
#[derive(Debug)]
pub struct InputQueues {
    samples: rtrb::Consumer<f32>,
    monitor: rtrb::Consumer<f32>,
}

/// The queues of an input at `rate`: the sink goes to the device's callback, the other ends
/// into [`InputStream::new`].
#[must_use]
pub fn queue(rate: f64) -> (InputSink, InputQueues) {
    let rate = rate.clamp(1000.0, 384_000.0);
    let (p, c) = rtrb::RingBuffer::new((rate * QUEUE_SECS).ceil() as usize);
    let (mp, mc) = rtrb::RingBuffer::new((rate * MONITOR_QUEUE_SECS).ceil() as usize);
    (InputSink { samples: p, monitor: mp }, InputQueues { samples: c, monitor: mc })
}

impl InputStream {
    /// An input fed through `queues` (from [`queue`]), its device kept in `device`.
    #[must_use]
    pub fn new(
        info: InputInfo,
        health: Arc<StreamHealth>,
        queues: InputQueues,
        device: Box<dyn std::any::Any>,
    ) -> Self {
        Self { info, health, samples: queues.samples, monitor: Some(queues.monitor), _device: device }
    }

    /// The monitor's queue, for a [`crate::audio::live::LiveFeed`] on the audio thread (once:
    /// `None` after it was taken).
    pub fn take_monitor(&mut self) -> Option<rtrb::Consumer<f32>> {
        self.monitor.take()
    }

    /// What it is.
    #[must_use]
    pub fn info(&self) -> &InputInfo {
        &self.info
    }

    /// Its counters now (`underruns` counts overruns: samples dropped on a full queue or lost
    /// by the device; `latency_secs` is from capture to callback).
    #[must_use]
    pub fn health(&self) -> HealthSnapshot {
        self.health.snapshot()
    }

    /// Appends every sample waiting in the queue to `out`; returns how many.
    pub fn read(&mut self, out: &mut Vec<f64>) -> usize {
        let n = self.samples.slots();
        let Ok(chunk) = self.samples.read_chunk(n) else { return 0 };
        let (a, b) = chunk.as_slices();
        out.extend(a.iter().chain(b).map(|&x| f64::from(x)));
        chunk.commit_all();
        n
    }
}

impl InputSink {
    /// Called in a device's callback with one block of interleaved frames already in f32:
    /// pushes the first channel's samples into both queues, counts an overrun when the
    /// reader's queue is full (a full monitor queue only means nothing monitors). Never
    /// allocates, locks or waits.
    pub fn push_frames(&mut self, health: &StreamHealth, data: &[f32], channels: usize) {
        let channels = channels.max(1);
        let frames = data.len() / channels;
        let mut dropped = false;
        for frame in data.chunks_exact(channels) {
            if self.samples.push(frame[0]).is_err() {
                dropped = true;
            }
            let _ = self.monitor.push(frame[0]);
        }
        if dropped {
            health.underrun();
        }
        health.callback(frames);
    }

    /// Pushes one sample of a mono input (tests, demonstrations); false when the reader's
    /// queue is full.
    pub fn push(&mut self, x: f32) -> bool {
        let _ = self.monitor.push(x);
        self.samples.push(x).is_ok()
    }
}

/// Opens inputs.
pub trait InputBackend {
    /// Opens the default input device at its own rate.
    ///
    /// # Errors
    /// Why no input opens, as a sentence ("no audio input device found", ...).
    fn open_input(&mut self) -> Result<InputStream, String>;

    /// The input devices there are, by name (none listed: only the default can be opened).
    fn devices(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Opens the input device called `name` (`None`: the default) at its own rate.
    ///
    /// # Errors
    /// Why it does not open, as a sentence naming it.
    fn open_device(&mut self, name: Option<&str>) -> Result<InputStream, String> {
        match name {
            None => self.open_input(),
            Some(n) => Err(format!("no audio input called '{n}'")),
        }
    }
}

/// An input fed by hand (tests, demonstrations): what is pushed into the returned producer
/// comes out of the stream, at `rate`.
#[must_use]
pub fn feed(name: &str, rate: f64) -> (InputSink, Arc<StreamHealth>, InputStream) {
    let (sink, queues) = queue(rate);
    let health = Arc::new(StreamHealth::default());
    let info = InputInfo { name: name.to_string(), rate, channels: 1 };
    let stream = InputStream::new(info, Arc::clone(&health), queues, Box::new(()));
    (sink, health, stream)
}

/// A backend with no input device: every open fails with its sentence.
#[derive(Debug, Clone)]
pub struct NoInput(pub String);

impl InputBackend for NoInput {
    fn open_input(&mut self) -> Result<InputStream, String> {
        Err(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_channel_arrives_in_order_and_a_full_queue_counts_an_overrun() {
        let (mut sink, health, mut stream) = feed("test", 1000.0);
        // Stereo frames: left counts up, right is noise that must not arrive.
        let data: Vec<f32> = (0..100).flat_map(|i| [i as f32, -1.0]).collect();
        sink.push_frames(&health, &data, 2);
        let mut out = Vec::new();
        assert_eq!(stream.read(&mut out), 100);
        assert_eq!(out, (0..100).map(f64::from).collect::<Vec<_>>());
        assert_eq!(stream.health().frames, 100);
        assert_eq!(stream.health().underruns, 0);
        // The queue holds two seconds (2000 samples); 2100 more overflow it.
        let big = vec![0.5f32; 2100];
        sink.push_frames(&health, &big, 1);
        assert_eq!(stream.health().underruns, 1);
        out.clear();
        assert_eq!(stream.read(&mut out), 2000);
    }
}
