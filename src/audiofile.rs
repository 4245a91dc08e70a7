//! Audio files as sources, read block by block in constant memory: WAV through the project's
//! own strict reader, FLAC, MP3 and Ogg Vorbis through symphonia. A file that cannot be read
//! is refused with the reason; a decoder's panic on a hostile file is contained.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use symphonia::core::audio::{AudioBuffer, Signal};
use symphonia::core::codecs::{Decoder, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::wav::{self, SampleFormat, WavReader};

/// Most samples (all channels) decoded into memory by [`decode_mono`]: ten minutes of
/// 8 channels at 192 kHz.
const MAX_SAMPLES: usize = 600 * 192_000 * 8;

/// Frames per block when a caller has no reason to choose.
pub const DEFAULT_BLOCK_FRAMES: usize = 1 << 14;

/// A block of planar samples (full scale = 1.0), reused from block to block.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    channels: usize,
    capacity: usize,
    frames: usize,
    clipped: u64,
    data: Vec<f64>,
}

impl Block {
    /// An empty block for `channels` channels (1 to 8) of up to `capacity` frames.
    #[must_use]
    pub fn new(channels: usize, capacity: usize) -> Self {
        let channels = channels.clamp(1, usize::from(wav::MAX_CHANNELS));
        let capacity = capacity.max(1);
        Self { channels, capacity, frames: 0, clipped: 0, data: vec![0.0; channels * capacity] }
    }

    /// Number of channels.
    #[must_use]
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Frames held now (0 after the end of a stream).
    #[must_use]
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Most frames it can hold.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Samples of this block at the format's full-scale code (or beyond it, for float).
    #[must_use]
    pub fn clipped(&self) -> u64 {
        self.clipped
    }

    /// The samples of channel `c`.
    #[must_use]
    pub fn channel(&self, c: usize) -> &[f64] {
        &self.data[c * self.capacity..c * self.capacity + self.frames]
    }

    /// Calls `f` with the channels as planar slices.
    pub fn with_planar<R>(&self, f: impl FnOnce(&[&[f64]]) -> R) -> R {
        let mut slices: [&[f64]; wav::MAX_CHANNELS as usize] = [&[]; wav::MAX_CHANNELS as usize];
        for (c, s) in slices.iter_mut().enumerate().take(self.channels) {
            *s = self.channel(c);
        }
        f(&slices[..self.channels])
    }
}

/// What a stream holds, as far as its header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioInfo {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Number of channels (1 to 8).
    pub channels: usize,
    /// How the samples are stored: "16-bit integer", "FLAC, 24-bit integer", "MP3 (decoded to
    /// float)".
    pub format: String,
}

/// An audio file open for reading block by block.
pub struct AudioStream {
    info: AudioInfo,
    source: Source,
}

impl std::fmt::Debug for AudioStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioStream").field("info", &self.info).finish_non_exhaustive()
    }
}

enum Source {
    Wav(WavReader<Box<dyn crate::platform::ReadSeek>>),
    Decoded(Box<Decoded>),
}

/// Describes a WAV sample format for people.
#[must_use]
pub fn describe_format(format: SampleFormat) -> String {
    match format {
        SampleFormat::Int(b) => format!("{b}-bit integer"),
        SampleFormat::Float(b) => format!("{b}-bit float"),
    }
}

impl AudioStream {
    /// Opens `path`: a RIFF file or a `.wav` name goes to the WAV reader, anything else to
    /// symphonia.
    ///
    /// # Errors
    /// Why the file cannot be used (without its name).
    pub fn open(path: &Path) -> Result<Self, String> {
        if path.is_dir() {
            return Err("cannot read file: it is a folder".into());
        }
        let mut head = [0u8; 12];
        let is_riff =
            crate::platform::fs::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok()
                && matches!(&head[0..4], b"RIFF" | b"RF64" | b"BW64");
        let is_wav_name = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav"));
        if is_riff || is_wav_name {
            let reader = wav::open_file(path).map_err(|e| e.to_string())?;
            let w = reader.info();
            let info = AudioInfo {
                sample_rate: w.sample_rate,
                channels: usize::from(w.channels),
                format: describe_format(w.format),
            };
            return Ok(Self { info, source: Source::Wav(reader) });
        }
        // A third-party decoder meets hostile files too: contain any panic.
        let decoded = catch_unwind(|| Decoded::open(path)).unwrap_or_else(|_| Err(DECODER_FAILED.into()))?;
        Ok(Self { info: decoded.info.clone(), source: Source::Decoded(Box::new(decoded)) })
    }

    /// What the stream holds.
    #[must_use]
    pub fn info(&self) -> &AudioInfo {
        &self.info
    }

    /// A block shaped for this stream, of `capacity` frames.
    #[must_use]
    pub fn new_block(&self, capacity: usize) -> Block {
        Block::new(self.info.channels, capacity)
    }

    /// Reads the next frames into `block` (as many as it holds, or fewer); `block.frames()`
    /// is 0 at the end.
    ///
    /// # Errors
    /// Why the rest of the file cannot be read.
    pub fn read_block(&mut self, block: &mut Block) -> Result<(), String> {
        if block.channels != self.info.channels {
            *block = Block::new(self.info.channels, block.capacity);
        }
        block.frames = 0;
        block.clipped = 0;
        match &mut self.source {
            Source::Wav(reader) => {
                let read = reader.read_planar(&mut block.data, block.capacity).map_err(|e| e.to_string())?;
                block.frames = read.frames;
                block.clipped = read.clipped;
                Ok(())
            }
            Source::Decoded(d) => {
                catch_unwind(AssertUnwindSafe(|| d.fill(block))).unwrap_or_else(|_| Err(DECODER_FAILED.into()))
            }
        }
    }
}

const DECODER_FAILED: &str = "the decoder failed on this file";

/// A file (or, on the web page, bytes in memory) as symphonia reads it.
struct MediaFile(Box<dyn crate::platform::ReadSeek>);

impl std::io::Read for MediaFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::Seek for MediaFile {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

impl symphonia::core::io::MediaSource for MediaFile {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        None
    }
}

/// A symphonia format reader and decoder, with the part of the last packet not yet handed
/// out.
struct Decoded {
    info: AudioInfo,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track: u32,
    /// The last packet in f64, and how many of its frames were handed out.
    pending: Option<AudioBuffer<f64>>,
    pending_pos: usize,
    /// Integer formats: the largest positive code as a value; float formats: 1.0.
    full_scale: f64,
    /// The frames a FLAC file's header declares (exact there, unlike the estimates of MP3
    /// and Ogg), and the frames decoded so far.
    declared_frames: Option<u64>,
    frames_out: u64,
    done: bool,
}

impl Decoded {
    fn open(path: &Path) -> Result<Self, String> {
        let file = crate::platform::fs::open(path).map_err(|e| format!("cannot read file: {e}"))?;
        let mss = MediaSourceStream::new(Box::new(MediaFile(file)), MediaSourceStreamOptions::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let probed = symphonia::default::get_probe()
            .format(&hint, mss, &FormatOptions::default(), &MetadataOptions::default())
            .map_err(|e| format!("not a readable audio file ({e})"))?;
        let format = probed.format;
        let track = format.default_track().ok_or("no audio track")?;
        let track_id = track.id;
        let params = track.codec_params.clone();
        let rate = params.sample_rate.ok_or("the file does not say its sample rate")?;
        if !(1_000..=wav::MAX_SAMPLE_RATE).contains(&rate) {
            return Err(format!("sample rate {rate} Hz is out of range"));
        }
        let channels = params.channels.map_or(0, symphonia::core::audio::Channels::count);
        if channels == 0 || channels > usize::from(wav::MAX_CHANNELS) {
            return Err(format!("{channels} channels (expected 1 to {})", wav::MAX_CHANNELS));
        }
        let decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .map_err(|e| format!("unsupported codec ({e})"))?;
        let codec = symphonia::default::get_codecs()
            .get_codec(params.codec)
            .map_or_else(|| "compressed".to_string(), |d| d.short_name.to_uppercase());
        let (format_text, full_scale) = match params.bits_per_sample {
            Some(b @ 1..=32) if !matches!(params.sample_format, Some(symphonia::core::sample::SampleFormat::F32)) => {
                (format!("{codec}, {b}-bit integer"), 1.0 - (0.5f64).powi(b as i32 - 1))
            }
            _ => (format!("{codec} (decoded to float)"), 1.0),
        };
        let info = AudioInfo { sample_rate: rate, channels, format: format_text };
        let declared_frames =
            params.n_frames.filter(|&n| n > 0 && params.codec == symphonia::core::codecs::CODEC_TYPE_FLAC);
        Ok(Self {
            info,
            format,
            decoder,
            track: track_id,
            pending: None,
            pending_pos: 0,
            full_scale,
            declared_frames,
            frames_out: 0,
            done: false,
        })
    }

    /// Decodes the next packet of the track into `pending`; false at the end.
    fn next_packet(&mut self) -> Result<bool, String> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return self.end(),
                Err(SymError::ResetRequired) => return self.end(),
                Err(e) => return Err(format!("cannot read the stream ({e})")),
            };
            if packet.track_id() != self.track {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                // A damaged packet is skipped, as players do.
                Err(SymError::DecodeError(_)) => continue,
                Err(e) => return Err(format!("cannot decode ({e})")),
            };
            let spec = *decoded.spec();
            if spec.channels.count() != self.info.channels {
                return Err("the number of channels changes in the middle of the stream".into());
            }
            let fits = self.pending.as_ref().is_some_and(|p| p.capacity() >= decoded.capacity() && *p.spec() == spec);
            if !fits {
                self.pending = Some(AudioBuffer::new(decoded.capacity() as u64, spec));
            }
            if let Some(p) = &mut self.pending {
                // To f64 with full scale 1.0, as the WAV reader scales.
                decoded.convert(p);
            }
            self.pending_pos = 0;
            self.frames_out += decoded.frames() as u64;
            return Ok(true);
        }
    }

    /// The end of the stream (false), or why the file is not whole: fewer frames than its
    /// header declares.
    fn end(&self) -> Result<bool, String> {
        match self.declared_frames {
            Some(n) if self.frames_out < n => Err(format!(
                "the file ends after {} of the {n} frames its header declares (cut short or damaged)",
                self.frames_out
            )),
            _ => Ok(false),
        }
    }

    fn fill(&mut self, block: &mut Block) -> Result<(), String> {
        while block.frames < block.capacity && !self.done {
            let available = self.pending.as_ref().map_or(0, |p| p.frames() - self.pending_pos);
            if available == 0 {
                if !self.next_packet()? {
                    self.done = true;
                }
                continue;
            }
            let take = available.min(block.capacity - block.frames);
            if let Some(p) = &self.pending {
                for c in 0..block.channels {
                    let src = &p.chan(c)[self.pending_pos..self.pending_pos + take];
                    let start = c * block.capacity + block.frames;
                    let dst = &mut block.data[start..start + take];
                    for (d, &s) in dst.iter_mut().zip(src) {
                        let s = if s.is_finite() { s } else { 0.0 };
                        *d = s;
                        block.clipped += u64::from(s >= self.full_scale || s <= -1.0);
                    }
                }
            }
            self.pending_pos += take;
            block.frames += take;
        }
        Ok(())
    }
}

/// Decodes `path` and mixes it to mono: (sample rate, samples).
///
/// # Errors
/// Why the file cannot be used, naming it.
pub fn decode_mono(path: &Path) -> Result<(u32, Vec<f64>), String> {
    let name = path.display();
    let mut stream = AudioStream::open(path).map_err(|e| format!("{name}: {e}"))?;
    let channels = stream.info().channels;
    let mut block = stream.new_block(DEFAULT_BLOCK_FRAMES);
    let mut mono = Vec::new();
    loop {
        stream.read_block(&mut block).map_err(|e| format!("{name}: {e}"))?;
        if block.frames() == 0 {
            break;
        }
        if (mono.len() + block.frames()) * channels > MAX_SAMPLES {
            return Err(format!("{name}: the file is too long"));
        }
        mono.extend(
            (0..block.frames()).map(|i| (0..channels).map(|c| block.channel(c)[i]).sum::<f64>() / channels as f64),
        );
    }
    if mono.is_empty() {
        return Err(format!("{name}: the file holds no audio"));
    }
    Ok((stream.info().sample_rate, mono))
}
