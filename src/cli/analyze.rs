//! `headroom-lab analyze`: measure an audio file, streamed block by block in constant memory,
//! on every core.
//!
//! The calling thread reads and decodes the blocks and runs the loudness (with the level sums
//! and perhaps the true peak of some channels); the other threads each run the true peak of a
//! range of channels on the same blocks, shared read-only. Blocks go round a small pool, so
//! nothing is allocated per block and memory stays the same for any length.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use clap::Args;
use serde_json::json;

use super::{CliError, print_json, print_line};
use crate::analysis::programme::{PeakPart, ProgrammeMeter, ProgrammeReport};
use crate::audiofile::{AudioInfo, AudioStream, Block};

/// Frames per block: 1.4 s at 48 kHz, small enough to stay in the cache of a core.
const BLOCK_FRAMES: usize = 1 << 14;
/// Blocks in flight between the reader and the other threads.
const POOL: usize = 4;

/// Options of `analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The audio file: WAV, FLAC, MP3 or Ogg Vorbis.
    pub file: PathBuf,
    /// Print the measurements as JSON.
    #[arg(long)]
    pub json: bool,
    /// Threads to use (default: one per core, at most one per channel plus one).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,
}

/// Runs `analyze`.
///
/// # Errors
/// When the file cannot be read.
pub fn run(args: &AnalyzeArgs) -> Result<(), CliError> {
    let located = |e: String| CliError(format!("{}: {e}", args.file.display()));
    let mut stream = AudioStream::open(&args.file).map_err(located)?;
    let info = stream.info().clone();
    let threads = args
        .threads
        .map_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get), usize::from);
    let report = measure(&mut stream, threads).map_err(located)?;
    if report.frames == 0 {
        return Err(located("the file holds no audio".into()));
    }
    let rate = f64::from(info.sample_rate);
    let duration = report.frames as f64 / rate;
    let peak_dbfs = report.sample_peak_dbfs();
    let true_peak = report.true_peak_dbtp();
    let rms_dbfs = report.rms_dbfs();
    let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
    let integrated = finite(report.integrated_lufs);
    let format = &info.format;
    let json_report = json!({
        "file": args.file.display().to_string(),
        "format": format,
        "sample_rate": info.sample_rate,
        "channels": report.channels,
        "frames": report.frames,
        "duration_s": duration,
        "sample_peak_dbfs": peak_dbfs,
        "true_peak_dbtp": true_peak,
        "rms_dbfs": rms_dbfs,
        "crest_factor_db": peak_dbfs - rms_dbfs,
        "clipped_samples": report.clipped,
        "headroom_db": -peak_dbfs,
        "true_peak_headroom_db": -true_peak,
        "dc_offset": report.mean,
        "lufs_integrated": integrated,
        "lufs_momentary_max": finite(report.momentary_max_lufs),
        "lufs_short_term_max": finite(report.short_term_max_lufs),
        "loudness_range_lu": report.loudness_range_lu,
        "plr_db": integrated.map(|i| true_peak - i),
    });
    if args.json {
        print_json(&json_report);
    } else {
        print_line(&format!(
            "{}: {format}, {} Hz, {} channel(s), {} frames ({duration:.3} s)",
            args.file.display(),
            info.sample_rate,
            report.channels,
            report.frames,
        ));
        print_line(&format!("sample peak   {peak_dbfs:8.2} dBFS   (headroom {:.2} dB)", -peak_dbfs));
        print_line(&format!("true peak     {true_peak:8.2} dBTP"));
        print_line(&format!("RMS           {rms_dbfs:8.2} dBFS   (crest factor {:.2} dB)", peak_dbfs - rms_dbfs));
        print_line(&format!("clipped       {:8} samples", report.clipped));
        print_line(&format!("DC offset     {:8.6}", report.mean));
        let show = |v: Option<f64>| v.map_or_else(|| "  -inf".to_string(), |x| format!("{x:8.2}"));
        print_line(&format!(
            "loudness      {} LUFS integrated, {} LUFS max momentary, {} LUFS max short-term",
            show(integrated),
            show(finite(report.momentary_max_lufs)),
            show(finite(report.short_term_max_lufs))
        ));
        print_line(&format!("range         {:8.2} LU", report.loudness_range_lu));
    }
    Ok(())
}

/// Opens and measures the audio file at `path` on `threads` threads, as `analyze` does.
///
/// # Errors
/// Why the file cannot be read (without its name).
pub fn measure_file(path: &std::path::Path, threads: usize) -> Result<(AudioInfo, ProgrammeReport), String> {
    let mut stream = AudioStream::open(path)?;
    let report = measure(&mut stream, threads)?;
    Ok((stream.info().clone(), report))
}

/// Measures the whole stream on `threads` threads (1: all on the calling thread).
///
/// # Errors
/// Why the rest of the file could not be read.
pub fn measure(stream: &mut AudioStream, threads: usize) -> Result<ProgrammeReport, String> {
    let info = stream.info().clone();
    let mut meter = ProgrammeMeter::new(info.channels, f64::from(info.sample_rate));
    let shares = ProgrammeMeter::balanced_split(info.channels, threads.saturating_sub(1));
    if shares.len() < 2 {
        let mut block = stream.new_block(BLOCK_FRAMES);
        loop {
            stream.read_block(&mut block)?;
            if block.frames() == 0 {
                break;
            }
            block.with_planar(|planar| meter.process(planar, block.clipped()));
        }
        return Ok(meter.report());
    }
    // The parts are handed out from the last channels down, so each joins back in order.
    let mut parts: Vec<PeakPart> = Vec::new();
    let mut keep = info.channels;
    for &count in shares[1..].iter().rev() {
        keep -= count;
        parts.push(meter.split_off(keep));
    }
    std::thread::scope(|scope| {
        let (returned_tx, returned) = channel::<Arc<Block>>();
        let mut senders: Vec<SyncSender<Arc<Block>>> = Vec::new();
        let mut workers = Vec::new();
        for part in parts {
            let (tx, rx) = sync_channel::<Arc<Block>>(POOL);
            senders.push(tx);
            let back = returned_tx.clone();
            workers.push(scope.spawn(move || peak_worker(part, &rx, &back)));
        }
        drop(returned_tx);
        let result = read_and_share(stream, &mut meter, &senders, &returned);
        // Closing the queues ends the workers once they have measured every block sent.
        drop(senders);
        let mut joined = Vec::new();
        for w in workers {
            joined.push(w.join().map_err(|_| "a measuring thread failed".to_string())?);
        }
        result?;
        for part in joined.into_iter().rev() {
            meter.join(part);
        }
        Ok(meter.report())
    })
}

fn peak_worker(
    mut part: PeakPart,
    blocks: &Receiver<Arc<Block>>,
    back: &std::sync::mpsc::Sender<Arc<Block>>,
) -> PeakPart {
    for block in blocks {
        block.with_planar(|planar| part.process(planar));
        // The reader may have stopped on an error: the block is simply dropped then.
        back.send(block).ok();
    }
    part
}

/// The calling thread's share: read each block, send it to every worker, measure it.
fn read_and_share(
    stream: &mut AudioStream,
    meter: &mut ProgrammeMeter,
    workers: &[SyncSender<Arc<Block>>],
    returned: &Receiver<Arc<Block>>,
) -> Result<(), String> {
    let mut free: Vec<Arc<Block>> = (0..POOL).map(|_| Arc::new(stream.new_block(BLOCK_FRAMES))).collect();
    // How many workers still hold each block in flight is tracked by the Arc's count: a
    // block is free again once every worker has sent its copy back.
    loop {
        let mut block = loop {
            if let Some(b) = free.pop() {
                break b;
            }
            let b = returned.recv().map_err(|_| "a measuring thread stopped".to_string())?;
            if Arc::strong_count(&b) == 1 {
                free.push(b);
            }
        };
        let Some(b) = Arc::get_mut(&mut block) else { continue };
        stream.read_block(b)?;
        if block.frames() == 0 {
            return Ok(());
        }
        for w in workers {
            w.send(Arc::clone(&block)).map_err(|_| "a measuring thread stopped".to_string())?;
        }
        block.with_planar(|planar| meter.process(planar, block.clipped()));
    }
}
