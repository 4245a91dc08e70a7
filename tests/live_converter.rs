//! Live input through the converter (`dsp::live_converter`): a device's samples taken as the
//! analog signal come out of the sampler and quantizer as theory says (level, frequency,
//! aliases where `analysis::aliasing` puts them, the gentle filter's H(f), 6.02 N + 1.76 dB),
//! are heard back at the input's rate, give the same samples whatever the block size, and
//! never allocate once built.
#![allow(unsafe_code, reason = "a counting global allocator needs `unsafe impl GlobalAlloc`")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::f64::consts::TAU;
use std::sync::atomic::{AtomicUsize, Ordering};

use headroom_lab::analysis::aliasing;
use headroom_lab::analysis::sine_test::sine_test;
use headroom_lab::analysis::spectrum::SpectrumAnalyzer;
use headroom_lab::analysis::theory::theory_snr_db;
use headroom_lab::analysis::window::Window;
use headroom_lab::audio::voice::ConverterTap;
use headroom_lab::dsp::analog::AnalogSignal;
use headroom_lab::dsp::converter::ConverterParams;
use headroom_lab::dsp::filter::{AaFilter, AaFilterKind};
use headroom_lab::dsp::live_converter::LiveConverter;
use headroom_lab::dsp::quantizer::{Dither, QuantizerSettings};
use headroom_lab::dsp::source::SourceParams;
use headroom_lab::units::{amp_to_db, db_to_amp};

/// Counts allocations and frees made by the thread that armed it.
struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}
static EVENTS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARMED.with(Cell::get) {
            EVENTS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.with(Cell::get) {
            EVENTS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const R: f64 = 48_000.0;

/// A sine of peak `level_dbfs` at `freq_hz`, `n` samples at the input rate, as f32 delivers it.
fn tone(freq_hz: f64, level_dbfs: f64, n: usize) -> Vec<f64> {
    let a = db_to_amp(level_dbfs);
    (0..n).map(|m| f64::from((a * (TAU * freq_hz * m as f64 / R).sin()) as f32)).collect()
}

fn params(fs: f64, filter: AaFilterKind, bits: u8) -> ConverterParams {
    ConverterParams {
        sample_rate_hz: fs,
        aa_filter: AaFilter::new(filter),
        quantizer: QuantizerSettings::fixed(bits),
        ..ConverterParams::default()
    }
}

/// Every stream the converter gives, collected.
#[derive(Debug, Default, PartialEq)]
struct Streams {
    sampled: Vec<f64>,
    output: Vec<f64>,
    clipped: Vec<u64>,
    heard: Vec<f64>,
    filtered: Vec<f64>,
}

fn run(conv: &mut LiveConverter, input: &[f64], block: usize) -> Streams {
    let mut s = Streams::default();
    for part in input.chunks(block) {
        conv.process(part, |c| {
            assert_eq!(c.sample_start, s.output.len() as u64);
            assert_eq!(c.heard_start, s.heard.len() as u64);
            assert_eq!(c.analog_start, s.filtered.len() as u64);
            s.clipped.extend(c.clipped.iter().map(|&i| c.sample_start + i as u64));
            s.sampled.extend_from_slice(c.sampled);
            s.output.extend_from_slice(c.output);
            s.heard.extend_from_slice(c.heard);
            s.filtered.extend_from_slice(c.filtered);
        });
    }
    s
}

/// The sine test of the last 16 384 converter samples.
fn measure(
    samples: &[f64],
    fs: f64,
) -> (headroom_lab::analysis::sine_test::SineTest, headroom_lab::analysis::spectrum::Spectrum) {
    let n = 16_384;
    let spectrum = SpectrumAnalyzer::new().analyze(&samples[samples.len() - n..], fs, n, Window::Kaiser);
    (sine_test(&spectrum, None).expect("a tone"), spectrum)
}

/// A 1 kHz sine at -6 dBFS fed at 48 kHz comes out of a 44.1 kHz, 24-bit converter at 1 kHz
/// and -6 dBFS (0.01 dB), and out of the sampler's input exactly: the sampled values are the
/// sine at t = n / fs (1e-6, the sampler's band-limited interpolation).
#[test]
fn a_sine_comes_out_at_its_frequency_and_level() {
    let fs = 44_100.0;
    let input = tone(1000.0, -6.0, 48_000);
    let mut conv = LiveConverter::new(&params(fs, AaFilterKind::Steep, 24), R, ConverterTap::Output).expect("valid");
    let s = run(&mut conv, &input, 512);
    let (t, _) = measure(&s.output, fs);
    assert!((t.fundamental_hz - 1000.0).abs() < 0.5 * fs / 16_384.0, "{} Hz", t.fundamental_hz);
    assert!((t.fundamental_dbfs + 6.0).abs() < 0.01, "{} dBFS", t.fundamental_dbfs);
    let a = db_to_amp(-6.0);
    let worst = (2000..s.sampled.len() - 2000)
        .map(|n| (s.sampled[n] - a * (TAU * 1000.0 * n as f64 / fs).sin()).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-6, "sampled vs the sine at n / fs: {worst}");
}

/// A tone between fs/2 and r/2 folds to |f - k fs| at the level `analysis::aliasing` predicts
/// for the same tone through the same filter (0.1 dB), and nothing stays at the tone's own
/// place: 20 kHz at 32 kHz lands at 12 kHz; through the gentle filter lower by |H(20 kHz)|.
#[test]
fn a_tone_above_nyquist_aliases_where_theory_says() {
    let fs = 32_000.0;
    for filter in [AaFilterKind::Off, AaFilterKind::Gentle] {
        let p = params(fs, filter, 24);
        let source = SourceParams::sine(20_000.0, -6.0);
        let predicted = aliasing::predict(&AnalogSignal::new(&source, 0.0, p.filter_response()), fs, -120.0, 4);
        assert_eq!(predicted.len(), 1);
        let alias = predicted[0];
        assert!((alias.alias_hz - 12_000.0).abs() < 1e-9);
        let mut conv = LiveConverter::new(&p, R, ConverterTap::Output).expect("valid");
        let s = run(&mut conv, &tone(20_000.0, -6.0, 48_000), 1000);
        let (t, _) = measure(&s.output, fs);
        assert!((t.fundamental_hz - alias.alias_hz).abs() < fs / 16_384.0, "{filter:?}: {} Hz", t.fundamental_hz);
        assert!(
            (t.fundamental_dbfs - alias.level_dbfs).abs() < 0.1,
            "{filter:?}: {} dBFS, predicted {}",
            t.fundamental_dbfs,
            alias.level_dbfs
        );
    }
}

/// The steep filter leaves nothing of that tone to fold (below -90 dBFS at 12 kHz).
#[test]
fn the_steep_filter_stops_the_alias() {
    let fs = 32_000.0;
    let mut conv = LiveConverter::new(&params(fs, AaFilterKind::Steep, 24), R, ConverterTap::Output).expect("valid");
    let s = run(&mut conv, &tone(20_000.0, -6.0, 48_000), 1000);
    let n = 16_384;
    let spectrum = SpectrumAnalyzer::new().analyze(&s.output[s.output.len() - n..], fs, n, Window::Kaiser);
    let at_alias = spectrum.tone_dbfs(12_000.0, Window::Kaiser.main_lobe_bins());
    assert!(at_alias < -90.0, "{at_alias} dBFS at the alias");
}

/// The gentle filter lowers a 12 kHz tone by |H(12 kHz)| of the 3rd-order Butterworth at its
/// 14.4 kHz cutoff (-1.25 dB), within 0.02 dB.
#[test]
fn the_gentle_filter_attenuates_by_h_of_f() {
    let fs = 32_000.0;
    let p = params(fs, AaFilterKind::Gentle, 24);
    let h_db = amp_to_db(p.filter_response().magnitude(12_000.0));
    assert!((h_db + 1.254).abs() < 0.001, "{h_db}");
    let mut conv = LiveConverter::new(&p, R, ConverterTap::Output).expect("valid");
    let s = run(&mut conv, &tone(12_000.0, -6.0, 48_000), 333);
    let (t, _) = measure(&s.output, fs);
    assert!((t.fundamental_dbfs - (-6.0 + h_db)).abs() < 0.02, "{} dBFS", t.fundamental_dbfs);
}

/// A sine just below full scale quantized at 8 and 12 bits: SNR within 0.5 dB of
/// 6.02 N + 1.76 dB (at its level, -0.1 dBFS).
#[test]
fn quantization_snr_is_6_02_n_plus_1_76() {
    for bits in [8u8, 12] {
        let p = params(44_100.0, AaFilterKind::Steep, bits);
        let mut conv = LiveConverter::new(&p, R, ConverterTap::Output).expect("valid");
        let s = run(&mut conv, &tone(997.0, -0.1, 48_000), 4096);
        let (t, _) = measure(&s.output, 44_100.0);
        let theory = theory_snr_db(p.quantizer.bit_depth, -0.1, &Dither::default());
        assert!((t.snr_db - theory).abs() < 0.5, "{bits} bits: {} dB vs {theory}", t.snr_db);
    }
}

/// What is heard is the converter's output reconstructed at the input's rate, `latency`
/// samples late: a 16-bit, 32 kHz conversion of a 1 kHz sine is the sine again to within
/// 16-bit noise; the analog tap is the input itself, late by the same amount.
#[test]
fn the_listener_hears_the_conversion_at_the_input_rate() {
    let input = tone(1000.0, -6.0, 24_000);
    for tap in [ConverterTap::Output, ConverterTap::Analog] {
        let mut conv = LiveConverter::new(&params(32_000.0, AaFilterKind::Steep, 16), R, tap).expect("valid");
        let late = conv.latency_samples();
        let s = run(&mut conv, &input, 480);
        assert_eq!(s.heard.len(), input.len());
        assert!(s.heard[..late].iter().all(|&x| x == 0.0));
        let worst = (late + 2000..input.len()).map(|m| (s.heard[m] - input[m - late]).abs()).fold(0.0, f64::max);
        let tolerance = if tap == ConverterTap::Analog { 0.0 } else { 2.0 / 32_768.0 };
        assert!(worst <= tolerance, "{tap:?}: {worst}");
    }
}

/// Any split of the input into blocks gives the same samples in every stream, with dither,
/// noise shaping and clipping at work.
#[test]
fn block_size_does_not_change_anything() {
    let mut seed = 7u64;
    let input: Vec<f64> = (0..20_000)
        .map(|m| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let noise = (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            1.2 * (TAU * 440.0 * m as f64 / R).sin() + 0.3 * noise
        })
        .collect();
    for (fs, filter) in
        [(44_100.0, AaFilterKind::Gentle), (96_000.0, AaFilterKind::Steep), (22_050.0, AaFilterKind::Off)]
    {
        let mut p = params(fs, filter, 12);
        p.quantizer.dither = Dither::new(headroom_lab::dsp::quantizer::DitherKind::Tpdf);
        p.quantizer.noise_shaping = headroom_lab::dsp::quantizer::NoiseShaping::SecondOrder;
        let mut conv = LiveConverter::new(&p, R, ConverterTap::Error).expect("valid");
        let whole = run(&mut conv, &input, input.len());
        assert!(!whole.clipped.is_empty());
        for block in [1, 7, 64, 1000] {
            conv.reset();
            assert_eq!(run(&mut conv, &input, block), whole, "fs {fs}, blocks of {block}");
        }
    }
}

/// Once built, `process` neither allocates nor frees, at any pair of rates.
#[test]
fn process_never_allocates() {
    let input = tone(1000.0, 0.0, 4800);
    for (fs, r) in [(8000.0, 192_000.0), (192_000.0, 8000.0), (44_100.0, 48_000.0), (48_000.0, 48_000.0)] {
        for (filter, recon) in [
            (AaFilterKind::Steep, headroom_lab::dsp::reconstruct::Reconstruction::BandLimited),
            (AaFilterKind::Gentle, headroom_lab::dsp::reconstruct::Reconstruction::Staircase),
        ] {
            let p = ConverterParams { reconstruction: recon, ..params(fs, filter, 16) };
            let mut conv = LiveConverter::new(&p, r, ConverterTap::Output).expect("valid");
            let mut sum = 0.0;
            ARMED.with(|a| a.set(true));
            let before = EVENTS.load(Ordering::Relaxed);
            for _ in 0..20 {
                for part in input.chunks(333) {
                    conv.process(part, |c| sum += c.heard.iter().sum::<f64>() + c.output.len() as f64);
                }
            }
            let events = EVENTS.load(Ordering::Relaxed) - before;
            ARMED.with(|a| a.set(false));
            assert_eq!(events, 0, "fs {fs}, r {r}, {filter:?}");
            assert!(sum.is_finite());
        }
    }
}

/// Rates out of range are refused with a sentence naming them.
#[test]
fn a_bad_input_rate_is_refused_by_name() {
    let e = LiveConverter::new(&ConverterParams::default(), 0.0, ConverterTap::Output).unwrap_err();
    assert!(e.contains("input rate"), "{e}");
}

/// The converter screen on live input: a -6 dBFS sine fed from input sample 12 345 on shows
/// at 1 kHz, its samples and curves on the sine at their times (t = m / r since the input
/// opened), and a measured SNR within 0.5 dB of what uniform error predicts for its power
/// (6.02 x 12 + 1.76 - 6 dB); without an input it says why and shows nothing.
#[test]
fn the_converter_screen_shows_the_live_input() {
    use headroom_lab::dsp::source::SourceKind;
    use headroom_lab::sim::converter_view::{ConverterLab, ConverterSnapshot, LiveWindow, ViewSettings};
    let mut p = params(44_100.0, AaFilterKind::Gentle, 12);
    p.source.kind = SourceKind::LiveInput;
    let mut lab = ConverterLab::new(&p).expect("valid");
    let start = 12_345u64;
    let a = db_to_amp(-6.0);
    let samples: Vec<f64> = (0..R as u64).map(|k| a * (TAU * 1000.0 * (start + k) as f64 / R).sin()).collect();
    let window = LiveWindow { samples: &samples, start, rate_hz: R, device: "test input" };
    let view = ViewSettings::default();
    let mut snap = ConverterSnapshot::default();
    lab.compute_live_into(Ok(&window), &view, &mut snap);
    let live = snap.live.clone().expect("live");
    assert_eq!(live.problem, None);
    assert_eq!(live.input_rate_hz, R);
    let peak = snap.spectrum.power.iter().enumerate().max_by(|x, y| x.1.total_cmp(y.1)).expect("bins").0;
    assert!((snap.spectrum.freq_of(peak) - 1000.0).abs() <= snap.spectrum.bin_hz(), "{}", snap.spectrum.freq_of(peak));
    // After the filter, the curve and the samples are the sine through H(1 kHz) of the
    // gentle filter (cutoff 19.845 kHz); before it, the sine itself.
    let h = p.filter_response().h(1000.0);
    let on_sine = |t: f64| a * h.norm() * (TAU * 1000.0 * t + h.arg()).sin();
    let raw_worst =
        snap.time.analog_raw.iter().map(|q| (q[1] - a * (TAU * 1000.0 * q[0]).sin()).abs()).fold(0.0, f64::max);
    let curve_worst = snap.time.analog.iter().map(|q| (q[1] - on_sine(q[0])).abs()).fold(0.0, f64::max);
    let lsb = 1.0 / 2048.0;
    let sample_worst = snap.time.samples.iter().map(|q| (q[1] - on_sine(q[0])).abs()).fold(0.0, f64::max);
    assert!(raw_worst < 1e-5 && curve_worst < 1e-5, "curves: {raw_worst}, {curve_worst}");
    assert!(sample_worst <= 0.5 * lsb + 1e-5, "samples: {sample_worst}");
    let theory = live.theory_snr_db.expect("fixed point");
    assert!((theory - (6.02 * 12.0 + 1.76 - 6.0 + headroom_lab::units::amp_to_db(h.norm()))).abs() < 0.05, "{theory}");
    assert!((live.snr_db.expect("signal") - theory).abs() < 0.5, "{:?} vs {theory}", live.snr_db);
    assert!(snap.sine.is_none());

    lab.compute_live_into(Err("no audio input device found"), &view, &mut snap);
    let live = snap.live.clone().expect("live");
    assert_eq!(live.problem.as_deref(), Some("no audio input device found"));
    assert!(snap.spectrum.power.is_empty() && snap.time.samples.is_empty());

    let short = LiveWindow { samples: &samples[..500], ..window };
    lab.compute_live_into(Ok(&short), &view, &mut snap);
    assert!(snap.live.expect("live").problem.expect("a reason").starts_with("listening"));
}
