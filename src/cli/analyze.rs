//! `headroom-lab analyze`: measure an audio file, streamed block by block in constant memory,
//! on every core.
//!
//! The calling thread reads and decodes the blocks and runs the true peak; another thread runs
//! the loudness with the level sums, whose filters' feedback makes it the longest part (with
//! more threads, the true peak is shared out too). The blocks are shared read-only and go
//! round a small pool, so nothing is allocated per block and memory stays the same for any
//! length.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use clap::Args;
use serde_json::json;

use super::{CliError, print_json, print_line};
use crate::analysis::programme::{LoudnessPart, PeakPart, ProgrammeMeter, ProgrammeReport};
use crate::audiofile::{AudioInfo, AudioStream, Block};

/// Frames per block: 85 ms at 48 kHz, small enough to stay in the cache of a core.
const BLOCK_FRAMES: usize = 1 << 12;
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
    /// Threads to use (default: one per core).
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
    if threads < 2 {
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
    // One thread runs the loudness; the calling thread and the rest share the true peak.
    let mut jobs = Vec::new();
    jobs.extend(meter.split_loudness().map(|part| Job::Loudness(Box::new(part))));
    let shares = ProgrammeMeter::peak_shares(info.channels, threads - 1);
    let mut keep = info.channels;
    for &count in shares[1..].iter().rev() {
        keep -= count;
        jobs.push(Job::Peaks(meter.split_peaks(keep)));
    }
    std::thread::scope(|scope| {
        let (returned_tx, returned) = channel::<Arc<Block>>();
        let mut senders: Vec<SyncSender<Arc<Block>>> = Vec::new();
        let mut workers = Vec::new();
        for job in jobs {
            let (tx, rx) = sync_channel::<Arc<Block>>(POOL);
            senders.push(tx);
            let back = returned_tx.clone();
            workers.push(scope.spawn(move || job.run(&rx, &back)));
        }
        drop(returned_tx);
        let result = read_and_share(stream, &mut meter, &senders, &returned);
        // Closing the queues ends the workers once they have measured every block sent.
        drop(senders);
        let mut done = Vec::new();
        for w in workers {
            done.push(w.join().map_err(|_| "a measuring thread failed".to_string())?);
        }
        result?;
        // The peak parts join back from the first channels on (they were split from the last).
        for job in done.into_iter().rev() {
            match job {
                Job::Loudness(part) => meter.join_loudness(*part),
                Job::Peaks(part) => meter.join_peaks(part),
            }
        }
        Ok(meter.report())
    })
}

/// The part of the measurement a worker thread runs.
enum Job {
    Loudness(Box<LoudnessPart>),
    Peaks(PeakPart),
}

impl Job {
    fn run(mut self, blocks: &Receiver<Arc<Block>>, back: &Sender<Arc<Block>>) -> Self {
        for block in blocks {
            block.with_planar(|planar| match &mut self {
                Self::Loudness(part) => part.process(planar),
                Self::Peaks(part) => part.process(planar),
            });
            // The reader may have stopped on an error: the block is simply dropped then.
            back.send(block).ok();
        }
        self
    }
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
