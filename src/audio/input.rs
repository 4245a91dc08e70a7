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
    /// The platform's stream, kept open while this lives.
    _device: Box<dyn std::any::Any>,
}

impl std::fmt::Debug for InputStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputStream").field("info", &self.info).finish_non_exhaustive()
    }
}

/// The two ends of an input's queue, sized for [`QUEUE_SECS`] at `rate`: the producer goes to
/// the device's callback, the consumer into [`InputStream::new`].
#[must_use]
pub fn queue(rate: f64) -> (rtrb::Producer<f32>, rtrb::Consumer<f32>) {
    let capacity = (rate.clamp(1000.0, 384_000.0) * QUEUE_SECS).ceil() as usize;
    rtrb::RingBuffer::new(capacity)
}

impl InputStream {
    /// An input fed through `samples` (the consumer of [`queue`]), its device kept in `device`.
    #[must_use]
    pub fn new(
        info: InputInfo,
        health: Arc<StreamHealth>,
        samples: rtrb::Consumer<f32>,
        device: Box<dyn std::any::Any>,
    ) -> Self {
        Self { info, health, samples, _device: device }
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

/// Called in a device's callback with one block of interleaved frames already in f32: pushes
/// the first channel's samples, counts an overrun when the queue is full. Never allocates,
/// locks or waits.
pub fn push_frames(producer: &mut rtrb::Producer<f32>, health: &StreamHealth, data: &[f32], channels: usize) {
    let channels = channels.max(1);
    let frames = data.len() / channels;
    let mut dropped = false;
    for frame in data.chunks_exact(channels) {
        if producer.push(frame[0]).is_err() {
            dropped = true;
        }
    }
    if dropped {
        health.underrun();
    }
    health.callback(frames);
}

/// Opens inputs.
pub trait InputBackend {
    /// Opens the default input device at its own rate.
    ///
    /// # Errors
    /// Why no input opens, as a sentence ("no audio input device found", ...).
    fn open_input(&mut self) -> Result<InputStream, String>;
}

/// An input fed by hand (tests, demonstrations): what is pushed into the returned producer
/// comes out of the stream, at `rate`.
#[must_use]
pub fn feed(name: &str, rate: f64) -> (rtrb::Producer<f32>, Arc<StreamHealth>, InputStream) {
    let (producer, consumer) = queue(rate);
    let health = Arc::new(StreamHealth::default());
    let info = InputInfo { name: name.to_string(), rate, channels: 1 };
    let stream = InputStream::new(info, Arc::clone(&health), consumer, Box::new(()));
    (producer, health, stream)
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
        let (mut producer, health, mut stream) = feed("test", 1000.0);
        // Stereo frames: left counts up, right is noise that must not arrive.
        let data: Vec<f32> = (0..100).flat_map(|i| [i as f32, -1.0]).collect();
        push_frames(&mut producer, &health, &data, 2);
        let mut out = Vec::new();
        assert_eq!(stream.read(&mut out), 100);
        assert_eq!(out, (0..100).map(f64::from).collect::<Vec<_>>());
        assert_eq!(stream.health().frames, 100);
        assert_eq!(stream.health().underruns, 0);
        // The queue holds two seconds (2000 samples); 2100 more overflow it.
        let big = vec![0.5f32; 2100];
        push_frames(&mut producer, &health, &big, 1);
        assert_eq!(stream.health().underruns, 1);
        out.clear();
        assert_eq!(stream.read(&mut out), 2000);
    }
}
