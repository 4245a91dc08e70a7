//! Benchmarks of `analyze` (run with `cargo bench --bench analyze`).
//!
//! The setup writes programme files into a temporary folder: the band's master (16 s of
//! real programme through the limiter) laid end to end with the level of each pass moving
//! by a few dB, as a concert's songs do.
//!
//! - `analyze_file`: `headroom-lab analyze` of 60 s of stereo 24-bit at 48 kHz and of 20 min
//!   of stereo 16-bit, on one thread and on two. Goal: at least 5x faster than ffmpeg's
//!   `-af ebur128=peak=true` on the same file (`benches/analyze-vs-ffmpeg.sh` measures that
//!   ratio), i.e. about 115 ms for the 60 s file on this 2-core machine.
//! - `read_only`: reading and decoding the same files block by block without measuring, and
//!   `read_whole_file`: the file's bytes read into memory in one `std::fs::read`, undecoded:
//!   the floors that the reading itself sets.
//! - `parts`: the parts of the work on 60 s in memory: the loudness pass over both channels
//!   (K-weighting and gating, with and without the level sums), which runs on a thread of its
//!   own, and the true peak of one channel.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use headroom_lab::analysis::levels::ChannelSums;
use headroom_lab::analysis::loudness::LoudnessMeter;
use headroom_lab::analysis::true_peak::TruePeakMeter;
use headroom_lab::audiofile::AudioStream;
use headroom_lab::chain::engine::{Chain, StageId};
use headroom_lab::chain::scene::Scene;

fn main() {
    divan::main();
    if let Some(dir) = DIR.get() {
        std::fs::remove_dir_all(dir).ok();
    }
}

static DIR: OnceLock<PathBuf> = OnceLock::new();
static BAND: OnceLock<Vec<Vec<f64>>> = OnceLock::new();

const RATE: u32 = 48_000;

/// 16 s of the band's master, stereo.
fn band() -> &'static [Vec<f64>] {
    BAND.get_or_init(|| {
        let mut scene = Scene::band();
        scene.master.limiter.enabled = true;
        scene.master.limiter.input_gain_db = 6.0;
        let mut chain = Chain::new(&scene).expect("band");
        chain.render(StageId::Master, 16 * RATE as usize)
    })
}

/// Writes `seconds` of programme as stereo WAV of `bits` into the temporary folder, once.
fn programme(seconds: usize, bits: u16) -> PathBuf {
    let dir = DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("hl-bench-analyze-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    });
    let path = dir.join(format!("programme-{seconds}s-{bits}bit.wav"));
    if !path.exists() {
        write_programme(&path, seconds, bits);
    }
    path
}

fn write_programme(path: &Path, seconds: usize, bits: u16) {
    let band = band();
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: RATE,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create");
    let scale = f64::from(1u32 << (bits - 1));
    let frames = seconds * RATE as usize;
    let pass_len = band[0].len();
    for i in 0..frames {
        // Each pass of the loop a few dB louder or softer (0 to -6 dB).
        let gain_db = -(((i / pass_len) * 5 % 7) as f64);
        let gain = 10f64.powf(gain_db / 20.0);
        for ch in band {
            let x = ch[i % pass_len] * gain;
            let code = (x * scale).round().clamp(-scale, scale - 1.0) as i32;
            w.write_sample(code).expect("write");
        }
    }
    w.finalize().expect("finalize");
}

const FILES: [(&str, usize, u16); 2] = [("60s-24bit", 60, 24), ("20min-16bit", 1200, 16)];

fn file(name: &str) -> PathBuf {
    let (_, seconds, bits) = FILES.iter().copied().find(|f| f.0 == name).expect("known file");
    programme(seconds, bits)
}

#[divan::bench(args = ["60s-24bit/1", "60s-24bit/2", "20min-16bit/2"], sample_count = 10, sample_size = 1)]
fn analyze_file(bencher: divan::Bencher, case: &str) {
    let (name, threads) = case.split_once('/').expect("name/threads");
    let path = file(name);
    let threads: usize = threads.parse().expect("threads");
    bencher.bench_local(|| headroom_lab::cli::measure_file(&path, threads).expect("analyze"));
}

#[divan::bench(args = ["60s-24bit", "20min-16bit"], sample_count = 10, sample_size = 1)]
fn read_only(bencher: divan::Bencher, name: &str) {
    let path = file(name);
    bencher.bench_local(|| {
        let mut stream = AudioStream::open(&path).expect("open");
        let mut block = stream.new_block(1 << 14);
        let mut frames = 0;
        loop {
            stream.read_block(&mut block).expect("read");
            if block.frames() == 0 {
                break frames;
            }
            frames += block.frames();
        }
    });
}

#[divan::bench(args = ["60s-24bit", "20min-16bit"], sample_count = 10, sample_size = 1)]
fn read_whole_file(bencher: divan::Bencher, name: &str) {
    let path = file(name);
    bencher.bench_local(|| std::fs::read(&path).expect("read").len());
}

fn minute() -> &'static [Vec<f64>] {
    static MINUTE: OnceLock<Vec<Vec<f64>>> = OnceLock::new();
    MINUTE.get_or_init(|| band().iter().map(|c| c.iter().cycle().take(60 * RATE as usize).copied().collect()).collect())
}

#[divan::bench(args = ["loudness-stereo", "loudness-and-sums-stereo", "true-peak-one-channel"], sample_count = 10, sample_size = 1)]
fn parts(bencher: divan::Bencher, part: &str) {
    let x = minute();
    let planar: Vec<&[f64]> = x.iter().map(Vec::as_slice).collect();
    match part {
        "loudness-and-sums-stereo" => bencher.bench_local(|| {
            let mut m = LoudnessMeter::new(2, f64::from(RATE));
            let mut sums = [ChannelSums::default(); 2];
            for start in (0..planar[0].len()).step_by(1 << 14) {
                let block: Vec<&[f64]> = planar.iter().map(|c| &c[start..(start + (1 << 14)).min(c.len())]).collect();
                m.process_with_sums(&block, &mut sums);
            }
            (m.integrated(), sums)
        }),
        "loudness-stereo" => bencher.bench_local(|| {
            let mut m = LoudnessMeter::new(2, f64::from(RATE));
            for start in (0..planar[0].len()).step_by(1 << 14) {
                let block: Vec<&[f64]> = planar.iter().map(|c| &c[start..(start + (1 << 14)).min(c.len())]).collect();
                m.process(&block);
            }
            m.integrated()
        }),
        _ => bencher.bench_local(|| {
            let mut m = TruePeakMeter::new();
            m.process(planar[0]);
            m.peak()
        }),
    }
}
