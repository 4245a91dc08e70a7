//! Benchmarks of the converter model (run with `cargo bench --bench converter`).
//!
//! - `screen_recompute`: everything the converter screen shows after a parameter change
//!   (rebuild the converter, render, 16 384-point spectrum and error spectrum, sine test,
//!   levels with true peak, alias list, the time view), for every preset of `sim::presets`
//!   and three harder cases: a 440 Hz square through the steep filter, a square at 4 bits
//!   without a filter, and pink noise with an analog noise floor and TPDF dither at 8 bits.
//!   Goal: at most 2 ms median for every case (the web build runs it on one thread).
//! - `render_10s_wav`: convert 10 s of a sine at 48 kHz and write it as WAV. Goal: at least
//!   100x faster than real time (10 s of audio in under 100 ms).

use headroom_lab::dsp::converter::{Converter, ConverterParams};
use headroom_lab::dsp::filter::{AaFilter, AaFilterKind};
use headroom_lab::dsp::quantizer::{BitDepth, Dither, DitherKind};
use headroom_lab::dsp::source::SourceKind;
use headroom_lab::sim::{ConverterLab, ViewSettings, presets};
use headroom_lab::wav;

fn main() {
    divan::main();
}

fn case(name: &str) -> ConverterParams {
    if let Some(preset) = presets::find(name) {
        return preset.params;
    }
    let mut p = ConverterParams::default();
    match name {
        "square-steep" => {
            p.source.kind = SourceKind::Square;
            p.source.freq_hz = 440.0;
        }
        "square-unfiltered-4bit" => {
            p.source.kind = SourceKind::Square;
            p.aa_filter = AaFilter::new(AaFilterKind::Off);
            p.quantizer.bit_depth = BitDepth::Fixed(4);
        }
        "noise-tpdf-8bit" => {
            p.source.kind = SourceKind::PinkNoise;
            p.quantizer.bit_depth = BitDepth::Fixed(8);
            p.quantizer.dither = Dither::new(DitherKind::Tpdf);
            p.noise_floor_dbfs = Some(-90.0);
        }
        _ => unreachable!("unknown case"),
    }
    p
}

#[divan::bench(args = [
    "default",
    "aliasing",
    "square-aliasing",
    "4-bit",
    "dither-tiny",
    "clipping",
    "inter-sample-peak",
    "staircase",
    "square-steep",
    "square-unfiltered-4bit",
    "noise-tpdf-8bit",
])]
fn screen_recompute(bencher: divan::Bencher, name: &str) {
    let params = case(name);
    let mut lab = ConverterLab::new(&params).expect("valid");
    // The view the app opens with for this source.
    let view = ViewSettings { time_span_secs: ViewSettings::default_span_secs(&params), ..ViewSettings::default() };
    let mut snap = lab.compute(0, &view);
    let mut level = params.source.level_dbfs;
    bencher.bench_local(|| {
        // A parameter change: the level moves, so the converter is rebuilt.
        level = if level < -10.0 { -1.0 } else { level - 0.1 };
        let mut p = params.clone();
        p.source.level_dbfs = level;
        lab.set_params(&p).expect("valid");
        lab.compute_into(0, &view, &mut snap);
        divan::black_box(&snap);
    });
}

#[divan::bench(sample_count = 20)]
fn render_10s_wav(bencher: divan::Bencher) {
    let dir = std::env::temp_dir().join(format!("hl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("tone.wav");
    let params = ConverterParams {
        quantizer: headroom_lab::dsp::QuantizerSettings { dither: Dither::new(DitherKind::Tpdf), ..Default::default() },
        ..ConverterParams::default()
    };
    bencher.bench_local(|| {
        let mut c = Converter::new(&params).expect("valid");
        let block = c.render(0, 480_000);
        wav::write_file(&out, 48_000, wav::SampleFormat::Int(16), std::slice::from_ref(&block.output)).expect("write");
    });
    std::fs::remove_dir_all(&dir).ok();
}
