//! Benchmark of the audio callback (run with `cargo bench --bench audio`).
//!
//! Each case times single 256-frame callbacks of the engine at 48 kHz, as a sound card would
//! call it, and prints the median, 99th percentile and worst time, and the median and 99th
//! percentile as a share of the block's 5.33 ms. Goal: at most 5 % (267 us), median and 99th
//! percentile, for the full 4-track chain with every meter.
//!
//! Cases:
//! - `desk`: the band (4 tracks, compressor, limiter, export) heard at the master;
//! - `desk-44k1`: the same session at 44.1 kHz, resampled to the 48 kHz device;
//! - `desk+ab-converter`: the desk in A and a converter at 44.1 kHz in B (both run);
//! - `converter-192k`: a 192 kHz converter decimated to the device;
//! - `desk+live`: the desk with a fifth track playing live input, which arrives 100 ppm fast
//!   (the feed's variable-ratio resampler and its queue, pushed between the timed callbacks);
//! - `live-converter-gentle` / `live-converter-steep`: the converter screen heard with live
//!   input, at 16 kHz through the gentle filter (the `live-input` preset) and at 8 kHz through
//!   the steep one (its longest filter, 1921 taps at 48 kHz).
//!
//! Then denormals: the chain plays a tone for a second, then a minute of digital silence;
//! blocks are timed during the tone and at the end of the silence, with the callback's guard
//! (flush to zero) and, for comparison, without it on a thread of its own. Goal: with the
//! guard the silent blocks cost what the loud ones do (ratio near 1).
//!
//! The machine is shared: read medians and percentiles, not single runs.

use std::time::{Duration, Instant};

use headroom_lab::abx::Side;
use headroom_lab::audio::engine::{Control, engine};
use headroom_lab::audio::program::ListenSpec;
use headroom_lab::audio::voice::ConverterTap;
use headroom_lab::chain::engine::{Chain, LiveParams, StageId};
use headroom_lab::chain::scene::Scene;
use headroom_lab::dsp::converter::ConverterParams;
use headroom_lab::dsp::source::{SourceKind, SourceParams};

const RATE: f64 = 48_000.0;
const BLOCK: usize = 256;
const WARM_UP: usize = 200;
const BLOCKS: usize = 20_000;

fn band(rate: f64) -> Scene {
    let mut s = Scene::band();
    s.sample_rate_hz = rate;
    s.bus.compressor.enabled = true;
    s.master.limiter.enabled = true;
    s.master.limiter.input_gain_db = 8.0;
    s
}

fn converter(fs: f64) -> ListenSpec {
    let params = ConverterParams {
        source: SourceParams { kind: SourceKind::Square, ..SourceParams::sine(1_000.0, -6.0) },
        sample_rate_hz: fs,
        ..ConverterParams::default()
    };
    ListenSpec::Converter { params, tap: ConverterTap::Output, gain_db: 0.0 }
}

fn case(name: &str) -> Vec<Duration> {
    let session = match name {
        "desk-44k1" => Some(band(44_100.0)),
        "converter-192k" | "live-converter-gentle" | "live-converter-steep" => None,
        "desk+live" => {
            use headroom_lab::chain::scene::{TrackSource, TrackSourceKind};
            let mut s = band(RATE);
            let mut live = s.tracks[0].clone();
            live.name = "Live input".into();
            live.source =
                TrackSource { kind: TrackSourceKind::Live, level_dbfs: 0.0, freq_hz: None, freq2_hz: None, path: None };
            live.input_noise_dbfs = None;
            s.tracks.push(live);
            Some(s)
        }
        _ => Some(band(RATE)),
    };
    let control = Control {
        playing: true,
        volume_db: -12.0,
        live: session.as_ref().map_or_else(|| Control::default().live, LiveParams::from_scene),
        run_session: session.is_some(),
        ..Control::default()
    };
    let (mut remote, mut engine) = engine(RATE, &control);
    if let Some(s) = &session {
        remote.send_session(Chain::new(s).expect("band")).expect("room");
        let a = ListenSpec::Session { stage: StageId::Master }.build(RATE, Some(s)).expect("builds");
        remote.send_program(Side::A, a).expect("room");
    } else {
        remote.send_program(Side::A, converter(192_000.0).build(RATE, None).expect("builds")).expect("room");
    }
    if let Some(kind) = match name {
        "live-converter-gentle" => Some((16_000.0, headroom_lab::dsp::filter::AaFilterKind::Gentle)),
        "live-converter-steep" => Some((8_000.0, headroom_lab::dsp::filter::AaFilterKind::Steep)),
        _ => None,
    } {
        let params = ConverterParams {
            source: SourceParams { kind: SourceKind::LiveInput, ..SourceParams::default() },
            sample_rate_hz: kind.0,
            aa_filter: headroom_lab::dsp::filter::AaFilter { kind: kind.1, cutoff_hz: None },
            ..ConverterParams::default()
        };
        let spec = ListenSpec::Converter { params, tap: ConverterTap::Output, gain_db: 0.0 };
        remote.send_program(Side::A, spec.build(RATE, None).expect("builds")).expect("room");
    }
    let mut input = (name == "desk+live" || name.starts_with("live-converter")).then(|| {
        let (tx, rx) = rtrb::RingBuffer::new(24_000);
        let feed = headroom_lab::audio::live::LiveFeed::new(rx, RATE, RATE);
        remote.send_live_input(Some(Box::new(feed))).expect("room");
        (tx, 0.0f64, 0u64)
    });
    if name == "desk+ab-converter" {
        remote.send_program(Side::B, converter(44_100.0).build(RATE, None).expect("builds")).expect("room");
    }
    let mut out = vec![0.0f32; 2 * BLOCK];
    // A voice-like tone from the input, one block's worth (100 ppm more) before each callback.
    let mut feed_input = || {
        if let Some((tx, due, n)) = &mut input {
            *due += BLOCK as f64 * 1.0001;
            while *due >= 1.0 {
                let x = 0.3 * (std::f64::consts::TAU * 220.0 * *n as f64 / RATE).sin();
                let _ = tx.push(x as f32);
                *n += 1;
                *due -= 1.0;
            }
        }
    };
    for _ in 0..WARM_UP {
        feed_input();
        engine.process(&mut out, 2);
    }
    let mut times = Vec::with_capacity(BLOCKS);
    for _ in 0..BLOCKS {
        feed_input();
        let t = Instant::now();
        engine.process(&mut out, 2);
        times.push(t.elapsed());
        std::hint::black_box(&out);
        remote.collect_garbage();
    }
    if let Some(live) = remote.report().live {
        // The case measures a feed that plays, not one waiting for its queue.
        assert!(live.running && live.underruns == 0, "the live input did not flow: {live:?}");
    }
    times.sort_unstable();
    times
}

/// The band through every stage, a second of sound then `silence_secs` of digital silence
/// (the preamps closed, the 8-bit ADCs round what is left to zero); returns the median block
/// time during the sound and during the last second of silence.
fn silence_after_sound(guard: bool, silence_secs: usize) -> (Duration, Duration) {
    if guard {
        headroom_lab::audio::engine::prevent_denormals();
    }
    let mut scene = band(RATE);
    for t in &mut scene.tracks {
        t.bits = headroom_lab::dsp::quantizer::BitDepth::Fixed(8);
        t.insert = true;
    }
    let mut chain = Chain::new(&scene).expect("band");
    let blocks_per_sec = RATE as usize / BLOCK;
    let time = |chain: &mut Chain, blocks: usize, keep: bool| {
        let mut times = Vec::with_capacity(if keep { blocks } else { 0 });
        for _ in 0..blocks {
            let t = Instant::now();
            chain.process(BLOCK);
            if keep {
                times.push(t.elapsed());
            }
        }
        times.sort_unstable();
        times.get(times.len() / 2).copied().unwrap_or_default()
    };
    let loud = time(&mut chain, blocks_per_sec, true);
    let mut silent = LiveParams::from_scene(&scene);
    for t in &mut silent.tracks[..silent.track_count] {
        t.preamp_db = -200.0;
    }
    chain.apply_live(&silent);
    time(&mut chain, (silence_secs - 1) * blocks_per_sec, false);
    (loud, time(&mut chain, blocks_per_sec, true))
}

#[allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]
fn main() {
    let block = Duration::from_secs_f64(BLOCK as f64 / RATE);
    println!("one {BLOCK}-frame callback at {RATE} Hz ({:.2} ms), {BLOCKS} blocks per case", block.as_secs_f64() * 1e3);
    println!("{:<20} {:>10} {:>10} {:>10} {:>9} {:>9}", "case", "median", "p99", "worst", "med %", "p99 %");
    for name in [
        "desk",
        "desk-44k1",
        "desk+ab-converter",
        "converter-192k",
        "desk+live",
        "live-converter-gentle",
        "live-converter-steep",
    ] {
        let t = case(name);
        let pick = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
        let (median, p99, worst) = (pick(0.5), pick(0.99), t[t.len() - 1]);
        let share = |d: Duration| 100.0 * d.as_secs_f64() / block.as_secs_f64();
        println!(
            "{name:<20} {:>8.1}us {:>8.1}us {:>8.1}us {:>8.2}% {:>8.2}%",
            median.as_secs_f64() * 1e6,
            p99.as_secs_f64() * 1e6,
            worst.as_secs_f64() * 1e6,
            share(median),
            share(p99)
        );
    }
    println!();
    println!("a second of the band, then 60 s of digital silence (chain blocks of {BLOCK} frames):");
    for guard in [true, false] {
        let (loud, silent) = std::thread::spawn(move || silence_after_sound(guard, 60)).join().expect("runs");
        println!(
            "{:<20} sound {:>7.1}us  silence {:>7.1}us  ratio {:.2}",
            if guard { "flush to zero" } else { "no guard" },
            loud.as_secs_f64() * 1e6,
            silent.as_secs_f64() * 1e6,
            silent.as_secs_f64() / loud.as_secs_f64()
        );
    }
}
