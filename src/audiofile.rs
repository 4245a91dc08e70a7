//! Audio files as sources: WAV through the project's own strict reader, FLAC, MP3 and
//! Ogg Vorbis through symphonia. A file that cannot be read is refused with the reason.

use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Most samples (all channels) decoded from one file: ten minutes of 8 channels at 192 kHz.
const MAX_SAMPLES: usize = 600 * 192_000 * 8;

/// Decodes `path` and mixes it to mono: (sample rate, samples).
///
/// # Errors
/// Why the file cannot be used, naming it.
pub fn decode_mono(path: &Path) -> Result<(u32, Vec<f64>), String> {
    let name = path.display();
    let mut head = [0u8; 12];
    let is_riff =
        crate::platform::fs::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok()
            && &head[0..4] == b"RIFF";
    let is_wav_name = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    if is_riff || is_wav_name {
        let audio = crate::wav::read_file(path).map_err(|e| format!("{name}: {e}"))?;
        return Ok((audio.sample_rate, audio.mono()));
    }
    // A third-party decoder meets hostile files too: contain any panic.
    std::panic::catch_unwind(|| decode_with_symphonia(path))
        .unwrap_or_else(|_| Err("the decoder failed on this file".into()))
        .map_err(|e| format!("{name}: {e}"))
}

/// A file (or, on the web page, bytes in memory) as symphonia reads it.
struct Source(Box<dyn crate::platform::ReadSeek>);

impl std::io::Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::Seek for Source {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

impl symphonia::core::io::MediaSource for Source {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        None
    }
}

fn decode_with_symphonia(path: &Path) -> Result<(u32, Vec<f64>), String> {
    let file = crate::platform::fs::open(path).map_err(|e| format!("cannot read file: {e}"))?;
    let mss = MediaSourceStream::new(Box::new(Source(file)), MediaSourceStreamOptions::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(&hint, mss, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(|e| format!("not a readable audio file ({e})"))?;
    let mut format = probed.format;
    let track = format.default_track().ok_or("no audio track")?;
    let id = track.id;
    let rate = track.codec_params.sample_rate.ok_or("the file does not say its sample rate")?;
    if !(1_000..=768_000).contains(&rate) {
        return Err(format!("sample rate {rate} Hz is out of range"));
    }
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| format!("unsupported codec ({e})"))?;
    let mut mono = Vec::new();
    let mut total = 0usize;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(e) => return Err(format!("cannot read the stream ({e})")),
        };
        if packet.track_id() != id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(SymError::DecodeError(_)) => continue,
            Err(e) => return Err(format!("cannot decode ({e})")),
        };
        let spec = *decoded.spec();
        let channels = spec.channels.count().max(1);
        let mut buf = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
        buf.copy_interleaved_ref(decoded);
        total += buf.samples().len();
        if total > MAX_SAMPLES {
            return Err("the file is too long".into());
        }
        for frame in buf.samples().chunks_exact(channels) {
            mono.push(frame.iter().map(|&x| f64::from(x)).sum::<f64>() / channels as f64);
        }
    }
    if mono.is_empty() {
        return Err("the file holds no audio".into());
    }
    Ok((rate, mono))
}
