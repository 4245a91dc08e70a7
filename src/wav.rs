//! WAV files: a strict, panic-free reader (8/16/24/32-bit integer, 32/64-bit float, 1 to 8
//! channels, plain or WAVE_FORMAT_EXTENSIBLE) that names what is wrong with a bad file and
//! reads block by block in constant memory ([`WavReader`]) or whole ([`read_file`]), and an
//! atomic writer (through hound) that puts N-bit samples exactly on their grid.

use std::fmt;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use crate::dsp::quantizer::BitDepth;

/// Most channels accepted.
pub const MAX_CHANNELS: u16 = 8;
/// Highest sample rate accepted, in Hz.
pub const MAX_SAMPLE_RATE: u32 = 768_000;

/// How samples are stored in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    /// Two's complement integers (8-bit is offset binary) of this many bits.
    Int(u16),
    /// IEEE float of this many bits (32 or 64).
    Float(u16),
}

/// Decoded audio: one vector per channel, values scaled so full scale is 1.0.
#[derive(Clone, Debug, PartialEq)]
pub struct Audio {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Storage format of the file it came from.
    pub format: SampleFormat,
    /// One vector of samples per channel.
    pub channels: Vec<Vec<f64>>,
    /// Samples at the format's full-scale code (or beyond it, for float).
    pub clipped_samples: usize,
}

impl Audio {
    /// Number of frames (samples per channel).
    #[must_use]
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }

    /// Duration in seconds.
    #[must_use]
    pub fn duration_secs(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate)
    }

    /// The channels mixed to mono (mean of the channels).
    #[must_use]
    pub fn mono(&self) -> Vec<f64> {
        let n = self.channels.len().max(1) as f64;
        (0..self.frames()).map(|i| self.channels.iter().map(|c| c[i]).sum::<f64>() / n).collect()
    }
}

/// Why a WAV file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WavError {
    /// The file could not be opened or read.
    Io(String),
    /// The file is empty.
    Empty,
    /// Not a RIFF/WAVE file.
    NotWav(String),
    /// A chunk or the data run past the end of the file.
    Truncated(String),
    /// A header field holds an impossible value.
    BadHeader(String),
    /// A valid WAV in a format this reader does not take.
    Unsupported(String),
}

impl fmt::Display for WavError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(m) => write!(f, "cannot read file: {m}"),
            Self::Empty => f.write_str("the file is empty"),
            Self::NotWav(m) => write!(f, "not a WAV file: {m}"),
            Self::Truncated(m) => write!(f, "truncated WAV file: {m}"),
            Self::BadHeader(m) => write!(f, "bad WAV header: {m}"),
            Self::Unsupported(m) => write!(f, "unsupported WAV format: {m}"),
        }
    }
}

impl std::error::Error for WavError {}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

struct Fmt {
    format: SampleFormat,
    channels: u16,
    sample_rate: u32,
    block_align: u16,
}

fn parse_fmt(c: &[u8]) -> Result<Fmt, WavError> {
    if c.len() < 16 {
        return Err(WavError::BadHeader(format!("fmt chunk is {} bytes, needs at least 16", c.len())));
    }
    let mut tag = u16_at(c, 0);
    let channels = u16_at(c, 2);
    let sample_rate = u32_at(c, 4);
    let block_align = u16_at(c, 12);
    let bits = u16_at(c, 14);
    if tag == 0xFFFE {
        if c.len() < 40 {
            return Err(WavError::BadHeader("WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes".into()));
        }
        tag = u16_at(c, 24);
    }
    if channels == 0 {
        return Err(WavError::BadHeader("zero channels".into()));
    }
    if channels > MAX_CHANNELS {
        return Err(WavError::Unsupported(format!("{channels} channels (at most {MAX_CHANNELS})")));
    }
    if sample_rate == 0 || sample_rate > MAX_SAMPLE_RATE {
        return Err(WavError::BadHeader(format!("sample rate {sample_rate} Hz (expected 1 to {MAX_SAMPLE_RATE})")));
    }
    let format = match (tag, bits) {
        (1, 8 | 16 | 24 | 32) => SampleFormat::Int(bits),
        (3, 32 | 64) => SampleFormat::Float(bits),
        (1, b) => return Err(WavError::Unsupported(format!("{b}-bit integer samples"))),
        (3, b) => return Err(WavError::Unsupported(format!("{b}-bit float samples"))),
        (t, _) => return Err(WavError::Unsupported(format!("format tag {t:#06x} (only PCM and IEEE float)"))),
    };
    let bytes = match format {
        SampleFormat::Int(b) | SampleFormat::Float(b) => b / 8,
    };
    if u32::from(block_align) != u32::from(channels) * u32::from(bytes) {
        return Err(WavError::BadHeader(format!(
            "block align {block_align} does not match {channels} channels of {bytes} bytes"
        )));
    }
    Ok(Fmt { format, channels, sample_rate, block_align })
}

/// What the header of a WAV file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WavInfo {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Storage format of the samples.
    pub format: SampleFormat,
    /// Number of channels (1 to [`MAX_CHANNELS`]).
    pub channels: u16,
    /// Number of frames (samples per channel) in the data chunk.
    pub frames: u64,
}

impl WavInfo {
    /// Bytes of one frame (all channels).
    #[must_use]
    pub fn frame_bytes(&self) -> usize {
        usize::from(self.channels) * sample_bytes(self.format)
    }
}

fn sample_bytes(format: SampleFormat) -> usize {
    match format {
        SampleFormat::Int(b) | SampleFormat::Float(b) => usize::from(b / 8),
    }
}

/// Frames and full-scale samples of one block read by [`WavReader::read_planar`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockRead {
    /// Frames read (0 at the end of the data).
    pub frames: usize,
    /// Samples at the format's full-scale code (or beyond it, for float).
    pub clipped: u64,
}

/// A WAV file read block by block: the header is checked when it is opened and the samples
/// are decoded as they are read, so memory does not grow with the length of the file.
#[derive(Debug)]
pub struct WavReader<R> {
    reader: R,
    info: WavInfo,
    /// Frames not read yet.
    left: u64,
    /// Where the next frame starts in the file, for error messages.
    offset: u64,
    raw: Vec<u8>,
}

fn io_error(e: &std::io::Error) -> WavError {
    WavError::Io(e.to_string())
}

/// Reads exactly `buf.len()` bytes at `pos`.
fn read_at<R: Read + Seek>(r: &mut R, pos: u64, buf: &mut [u8]) -> Result<(), WavError> {
    r.seek(SeekFrom::Start(pos)).map_err(|e| io_error(&e))?;
    r.read_exact(buf).map_err(|e| io_error(&e))
}

impl<R: Read + Seek> WavReader<R> {
    /// Reads and checks the header, leaving the reader at the first sample.
    ///
    /// # Errors
    /// A [`WavError`] saying what is wrong with the file.
    pub fn new(mut reader: R) -> Result<Self, WavError> {
        let len = reader.seek(SeekFrom::End(0)).map_err(|e| io_error(&e))?;
        if len == 0 {
            return Err(WavError::Empty);
        }
        if len < 12 {
            return Err(WavError::NotWav(format!("only {len} bytes, too short for a RIFF header")));
        }
        let mut head = [0u8; 12];
        read_at(&mut reader, 0, &mut head)?;
        // RF64 (EBU Tech 3306, and BW64 of ITU-R BS.2088): a WAV file past 4 GB, whose sizes
        // are in a ds64 chunk, a three-hour recording at 96 kHz for example.
        let rf64 = matches!(&head[0..4], b"RF64" | b"BW64");
        if !(&head[0..4] == b"RIFF" || rf64) || &head[8..12] != b"WAVE" {
            return Err(WavError::NotWav("no RIFF/WAVE header".into()));
        }
        let mut pos = 12u64;
        let mut fmt: Option<Fmt> = None;
        let mut data: Option<(u64, u64)> = None;
        // The data chunk's size from the ds64 chunk.
        let mut ds64_data: Option<u64> = None;
        while pos + 8 <= len {
            let mut chunk = [0u8; 8];
            read_at(&mut reader, pos, &mut chunk)?;
            let id = &chunk[0..4];
            let mut size = u64::from(u32_at(&chunk, 4));
            let body_start = pos + 8;
            let available = len - body_start;
            if id == b"data" {
                if rf64 && size == u64::from(u32::MAX) {
                    size = ds64_data
                        .ok_or_else(|| WavError::BadHeader("RF64 file without a ds64 chunk before its data".into()))?;
                }
                if fmt.is_none() {
                    return Err(WavError::BadHeader("data chunk before the fmt chunk".into()));
                }
                if size > available {
                    return Err(WavError::Truncated(format!(
                        "data chunk declares {size} bytes but only {available} remain"
                    )));
                }
                data = Some((body_start, size));
                break;
            }
            if size > available {
                let name = String::from_utf8_lossy(id).into_owned();
                return Err(WavError::Truncated(format!(
                    "'{name}' chunk declares {size} bytes but only {available} remain"
                )));
            }
            if id == b"fmt " {
                // Only the first 40 bytes of a fmt chunk mean anything to this reader.
                let mut body = vec![0u8; size.min(40) as usize];
                read_at(&mut reader, body_start, &mut body)?;
                fmt = Some(parse_fmt(&body)?);
            }
            if rf64 && id == b"ds64" {
                // RIFF size, data size, sample count (64-bit each), then a table.
                if size < 24 {
                    return Err(WavError::BadHeader(format!("ds64 chunk of {size} bytes (at least 24 expected)")));
                }
                let mut body = [0u8; 16];
                read_at(&mut reader, body_start, &mut body)?;
                ds64_data = Some(u64::from(u32_at(&body, 8)) | (u64::from(u32_at(&body, 12)) << 32));
            }
            pos = body_start + size + (size & 1);
        }
        let fmt = fmt.ok_or_else(|| WavError::BadHeader("no fmt chunk".into()))?;
        let (start, size) = data.ok_or_else(|| WavError::Truncated("no data chunk".into()))?;
        let align = u64::from(fmt.block_align);
        if size % align != 0 {
            return Err(WavError::Truncated(format!(
                "data chunk of {size} bytes ends in the middle of a {align}-byte frame"
            )));
        }
        let frames = size / align;
        if frames == 0 {
            return Err(WavError::Empty);
        }
        reader.seek(SeekFrom::Start(start)).map_err(|e| io_error(&e))?;
        let info = WavInfo { sample_rate: fmt.sample_rate, format: fmt.format, channels: fmt.channels, frames };
        Ok(Self { reader, info, left: frames, offset: start, raw: Vec::new() })
    }

    /// What the header says.
    #[must_use]
    pub fn info(&self) -> WavInfo {
        self.info
    }

    /// Reads the next frames into `out`, planar: channel `c` goes to `out[c * stride..]`, at
    /// most `stride` frames (and at most what `out` holds).
    ///
    /// # Errors
    /// [`WavError::Truncated`] when the file ends early (it shrank while being read), or
    /// [`WavError::Io`].
    pub fn read_planar(&mut self, out: &mut [f64], stride: usize) -> Result<BlockRead, WavError> {
        let nch = usize::from(self.info.channels);
        let room = out.len().checked_div(nch).map_or(0, |per_channel| stride.min(per_channel));
        let frames = usize::try_from(self.left).unwrap_or(usize::MAX).min(room);
        if frames == 0 {
            return Ok(BlockRead::default());
        }
        let align = self.info.frame_bytes();
        self.raw.resize(frames * align, 0);
        if let Err(e) = self.reader.read_exact(&mut self.raw) {
            return Err(if e.kind() == std::io::ErrorKind::UnexpectedEof {
                WavError::Truncated(format!("the data ends early, at byte {} or later", self.offset))
            } else {
                WavError::Io(format!("at byte {}: {e}", self.offset))
            });
        }
        self.left -= frames as u64;
        self.offset += self.raw.len() as u64;
        let clipped = decode_planar(&self.raw, self.info.format, nch, out, stride);
        Ok(BlockRead { frames, clipped })
    }
}

/// Decodes interleaved frames into planar `out` (channel `c` at `out[c * stride..]`) and
/// counts the samples at full scale.
fn decode_planar(raw: &[u8], format: SampleFormat, nch: usize, out: &mut [f64], stride: usize) -> u64 {
    // One loop per format and sample width, so both are constants inside it.
    match format {
        SampleFormat::Int(8) => decode_channels::<1>(raw, nch, out, stride, |s| decode(s, SampleFormat::Int(8))),
        SampleFormat::Int(16) => decode_channels::<2>(raw, nch, out, stride, |s| decode(s, SampleFormat::Int(16))),
        SampleFormat::Int(24) => decode_channels::<3>(raw, nch, out, stride, |s| decode(s, SampleFormat::Int(24))),
        SampleFormat::Int(_) => decode_channels::<4>(raw, nch, out, stride, |s| decode(s, SampleFormat::Int(32))),
        SampleFormat::Float(32) => decode_channels::<4>(raw, nch, out, stride, |s| decode(s, SampleFormat::Float(32))),
        SampleFormat::Float(_) => decode_channels::<8>(raw, nch, out, stride, |s| decode(s, SampleFormat::Float(64))),
    }
}

#[inline]
fn decode_channels<const WIDTH: usize>(
    raw: &[u8],
    nch: usize,
    out: &mut [f64],
    stride: usize,
    one: impl Fn(&[u8; WIDTH]) -> (f64, bool),
) -> u64 {
    // Mono and stereo, the common cases, in one pass over the frames.
    match nch {
        1 => return decode_frames::<WIDTH, 1>(raw, out, stride, one),
        2 => return decode_frames::<WIDTH, 2>(raw, out, stride, one),
        _ => {}
    }
    let mut clipped = 0u64;
    for (c, channel) in out.chunks_mut(stride).take(nch).enumerate() {
        let frames = raw.chunks_exact(WIDTH * nch);
        for (o, frame) in channel.iter_mut().zip(frames) {
            let Ok(sample) = <&[u8; WIDTH]>::try_from(&frame[c * WIDTH..(c + 1) * WIDTH]) else { continue };
            let (v, at_full_scale) = one(sample);
            *o = v;
            clipped += u64::from(at_full_scale);
        }
    }
    clipped
}

#[inline]
fn decode_frames<const WIDTH: usize, const NCH: usize>(
    raw: &[u8],
    out: &mut [f64],
    stride: usize,
    one: impl Fn(&[u8; WIDTH]) -> (f64, bool),
) -> u64 {
    let mut clipped = 0u64;
    let frames = (raw.len() / (WIDTH * NCH)).min(stride);
    let mut channels = out.chunks_mut(stride);
    let mut planes: [&mut [f64]; NCH] = std::array::from_fn(|_| channels.next().unwrap_or_default());
    if planes.iter().any(|p| p.len() < frames) {
        return 0;
    }
    for (i, frame) in raw.chunks_exact(WIDTH * NCH).take(frames).enumerate() {
        for (c, plane) in planes.iter_mut().enumerate() {
            let Ok(sample) = <&[u8; WIDTH]>::try_from(&frame[c * WIDTH..(c + 1) * WIDTH]) else { continue };
            let (v, at_full_scale) = one(sample);
            plane[i] = v;
            clipped += u64::from(at_full_scale);
        }
    }
    clipped
}

/// Reads a whole WAV file into memory from a reader.
fn read_all<R: Read + Seek>(reader: R) -> Result<Audio, WavError> {
    let mut wav = WavReader::new(reader)?;
    let info = wav.info();
    let nch = usize::from(info.channels);
    // The header's frame count is bounded by the file's length, which was checked.
    let frames = usize::try_from(info.frames).map_err(|_| WavError::Unsupported("too many frames".into()))?;
    let mut channels = vec![Vec::with_capacity(frames); nch];
    let stride = frames.min(1 << 16);
    let mut block = vec![0.0; stride * nch];
    let mut clipped = 0u64;
    loop {
        let read = wav.read_planar(&mut block, stride)?;
        if read.frames == 0 {
            break;
        }
        clipped += read.clipped;
        for (channel, part) in channels.iter_mut().zip(block.chunks(stride)) {
            channel.extend_from_slice(&part[..read.frames]);
        }
    }
    Ok(Audio {
        sample_rate: info.sample_rate,
        format: info.format,
        channels,
        clipped_samples: usize::try_from(clipped).unwrap_or(usize::MAX),
    })
}

/// Reads a WAV file from bytes.
///
/// # Errors
/// A [`WavError`] saying what is wrong.
pub fn read_bytes(b: &[u8]) -> Result<Audio, WavError> {
    read_all(Cursor::new(b))
}

/// Decodes one sample; also says whether it sits at (or beyond) full scale. (Integer codes
/// are scaled by a power of two, multiplied rather than divided: the same value, faster.)
#[inline]
fn decode(s: &[u8], format: SampleFormat) -> (f64, bool) {
    match format {
        SampleFormat::Int(8) => (f64::from(i16::from(s[0]) - 128) * (1.0 / 128.0), s[0] == 0 || s[0] == 255),
        SampleFormat::Int(16) => {
            let v = i16::from_le_bytes([s[0], s[1]]);
            (f64::from(v) * (1.0 / 32_768.0), v == i16::MAX || v == i16::MIN)
        }
        SampleFormat::Int(24) => {
            let v = i32::from_le_bytes([0, s[0], s[1], s[2]]) >> 8;
            (f64::from(v) * (1.0 / 8_388_608.0), v == 8_388_607 || v == -8_388_608)
        }
        SampleFormat::Int(_) => {
            let v = i32::from_le_bytes([s[0], s[1], s[2], s[3]]);
            (f64::from(v) * (1.0 / 2_147_483_648.0), v == i32::MAX || v == i32::MIN)
        }
        SampleFormat::Float(32) => {
            let v = f64::from(f32::from_le_bytes([s[0], s[1], s[2], s[3]]));
            let v = if v.is_finite() { v } else { 0.0 };
            (v, v.abs() >= 1.0)
        }
        SampleFormat::Float(_) => {
            let v = f64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
            let v = if v.is_finite() { v } else { 0.0 };
            (v, v.abs() >= 1.0)
        }
    }
}

/// Opens a WAV file for reading block by block.
///
/// # Errors
/// [`WavError::Io`] when the file cannot be opened, otherwise as [`WavReader::new`].
pub fn open_file(path: &Path) -> Result<WavReader<Box<dyn crate::platform::ReadSeek>>, WavError> {
    let file = crate::platform::fs::open(path).map_err(|e| WavError::Io(format!("{}: {e}", path.display())))?;
    WavReader::new(file).map_err(|e| match e {
        WavError::Io(m) => WavError::Io(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// Reads a WAV file from disk.
///
/// # Errors
/// [`WavError::Io`] when the file cannot be read, otherwise as [`read_bytes`].
pub fn read_file(path: &Path) -> Result<Audio, WavError> {
    let file = crate::platform::fs::open(path).map_err(|e| WavError::Io(format!("{}: {e}", path.display())))?;
    read_all(file).map_err(|e| match e {
        WavError::Io(m) => WavError::Io(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// The file format that holds samples of `depth` exactly: a 16-bit container up to 16 bits,
/// 24-bit up to 24, float for 32f.
#[must_use]
pub fn container_for(depth: BitDepth) -> SampleFormat {
    match depth {
        BitDepth::Fixed(n) if n <= 16 => SampleFormat::Int(16),
        BitDepth::Fixed(_) => SampleFormat::Int(24),
        BitDepth::Float32 => SampleFormat::Float(32),
    }
}

/// Writes interleaved-by-channel `channels` to `path` atomically in `format`. Integer formats
/// round to the nearest code and clip at full scale (values already on a coarser grid land
/// exactly on their codes).
///
/// # Errors
/// An I/O or encoding error, as text.
pub fn write_file(path: &Path, sample_rate: u32, format: SampleFormat, channels: &[Vec<f64>]) -> Result<(), String> {
    let nch = u16::try_from(channels.len()).map_err(|_| "too many channels".to_string())?;
    if nch == 0 || nch > MAX_CHANNELS {
        return Err(format!("cannot write {nch} channels"));
    }
    let frames = channels[0].len();
    let (bits, sample_format) = match format {
        SampleFormat::Int(b) => (b, hound::SampleFormat::Int),
        SampleFormat::Float(b) => (b, hound::SampleFormat::Float),
    };
    let spec = hound::WavSpec { channels: nch, sample_rate, bits_per_sample: bits, sample_format };
    crate::fsutil::write_atomic(path, |w| {
        let to_io = |e: hound::Error| std::io::Error::other(e.to_string());
        let mut writer = hound::WavWriter::new(w, spec).map_err(to_io)?;
        for i in 0..frames {
            for ch in channels {
                let x = ch.get(i).copied().unwrap_or(0.0);
                match format {
                    SampleFormat::Float(_) => writer.write_sample(x as f32).map_err(to_io)?,
                    SampleFormat::Int(b) => {
                        let scale = f64::from(1u32 << (b - 1));
                        let code = (x * scale).round().clamp(-scale, scale - 1.0) as i32;
                        writer.write_sample(code).map_err(to_io)?;
                    }
                }
            }
        }
        writer.finalize().map_err(to_io)
    })
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav_bytes(format_tag: u16, channels: u16, bits: u16, data: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&format_tag.to_le_bytes());
        b.extend_from_slice(&channels.to_le_bytes());
        b.extend_from_slice(&48_000u32.to_le_bytes());
        let align = channels * bits / 8;
        b.extend_from_slice(&(48_000u32 * u32::from(align)).to_le_bytes());
        b.extend_from_slice(&align.to_le_bytes());
        b.extend_from_slice(&bits.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(data);
        b
    }

    #[test]
    fn reads_16_bit_stereo_and_counts_full_scale_codes() {
        let mut data = Vec::new();
        for v in [i16::MAX, 0, -16_384, i16::MIN] {
            data.extend_from_slice(&v.to_le_bytes());
        }
        let a = read_bytes(&wav_bytes(1, 2, 16, &data)).expect("valid");
        assert_eq!(a.frames(), 2);
        assert_eq!(a.channels[1][1], -1.0);
        assert_eq!(a.channels[0][1], -0.5);
        assert_eq!(a.clipped_samples, 2);
    }

    #[test]
    fn reads_24_bit_negative_values() {
        let data = [0x00, 0x00, 0x80, 0xff, 0xff, 0xff];
        let a = read_bytes(&wav_bytes(1, 1, 24, &data)).expect("valid");
        assert_eq!(a.channels[0], vec![-1.0, -1.0 / 8_388_608.0]);
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(read_bytes(&[]), Err(WavError::Empty));
        assert!(matches!(read_bytes(b"hello world, not audio"), Err(WavError::NotWav(_))));
        let mut truncated = wav_bytes(1, 1, 16, &[0; 100]);
        truncated.truncate(80);
        assert!(matches!(read_bytes(&truncated), Err(WavError::Truncated(_))));
        assert!(matches!(read_bytes(&wav_bytes(1, 9, 16, &[0; 18])), Err(WavError::Unsupported(_))));
        assert!(matches!(read_bytes(&wav_bytes(1, 1, 12, &[0; 4])), Err(WavError::Unsupported(_))));
    }
}
