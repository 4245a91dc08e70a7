//! Benchmarks of the chain (run with `cargo bench --bench chain`).
//!
//! `one_second`: 1 s of the 4-track band at 48 kHz through tracking, mix bus (with
//! compressor), master (with limiter) and export, with sample-peak, true-peak and loudness
//! meters at every stage. Goal: at least 50x faster than real time, i.e. at most 20 ms.
//! `block_256`: one 256-frame block of the same chain, as the audio thread runs it. Goal: at
//! most 5 % of the block's 5.33 ms, i.e. 267 us (median and 99th percentile).

use headroom_lab::chain::engine::Chain;
use headroom_lab::chain::scene::Scene;
use headroom_lab::dsp::codec::CodecQuality;

fn main() {
    divan::main();
}

fn scene(variant: &str) -> Scene {
    let mut s = Scene::band();
    s.bus.compressor.enabled = true;
    s.master.limiter.enabled = true;
    s.master.limiter.input_gain_db = 8.0;
    match variant {
        "export-48k" => {}
        "export-44k1" => s.export.sample_rate_hz = Some(44_100.0),
        "export-44k1-codec" => {
            s.export.sample_rate_hz = Some(44_100.0);
            s.export.codec.enabled = true;
            s.export.codec.quality = CodecQuality::Low;
        }
        _ => unreachable!("unknown variant"),
    }
    s
}

#[divan::bench(args = ["export-48k", "export-44k1", "export-44k1-codec"], sample_count = 30)]
fn one_second(bencher: divan::Bencher, variant: &str) {
    let mut chain = Chain::new(&scene(variant)).expect("band");
    bencher.bench_local(|| {
        for _ in 0..(48_000 / 1000) {
            chain.process(1000);
        }
        divan::black_box(chain.position());
    });
}

#[divan::bench(args = ["export-48k", "export-44k1"], sample_count = 2000)]
fn block_256(bencher: divan::Bencher, variant: &str) {
    let mut chain = Chain::new(&scene(variant)).expect("band");
    bencher.bench_local(|| {
        chain.process(256);
        divan::black_box(chain.position());
    });
}
