//! The converter model pinned to theory: quantization SNR (6.02 N + 1.76 dB), dither
//! penalties, a tone below half an LSB, alias frequencies, the steep filter's rejection,
//! true peak versus sample peak, and clipping.

use headroom_lab::analysis::levels;
use headroom_lab::analysis::sine_test::{SineTest, sine_test};
use headroom_lab::analysis::spectrum::{Spectrum, SpectrumAnalyzer};
use headroom_lab::analysis::theory::{float32_snr_db, theory_snr_db};
use headroom_lab::analysis::true_peak::TruePeakMeter;
use headroom_lab::analysis::window::Window;
use headroom_lab::dsp::converter::{Converter, ConverterParams};
use headroom_lab::dsp::filter::{AaFilter, AaFilterKind};
use headroom_lab::dsp::quantizer::{BitDepth, Dither, DitherKind, QuantizerSettings};
use headroom_lab::dsp::source::{SourceKind, SourceParams};
use headroom_lab::units::{DB_PER_BIT, SINE_SNR_OFFSET_DB, amp_to_db};

const N: usize = 65_536;

fn render(params: &ConverterParams, n: usize) -> headroom_lab::dsp::ConvertedBlock {
    Converter::new(params).expect("valid parameters").render(10_000, n)
}

fn spectrum(x: &[f64], fs: f64) -> Spectrum {
    SpectrumAnalyzer::new().analyze(x, fs, x.len(), Window::Kaiser)
}

fn sine_params(freq: f64, level_dbfs: f64, bits: BitDepth) -> ConverterParams {
    ConverterParams {
        source: SourceParams::sine(freq, level_dbfs),
        quantizer: QuantizerSettings { bit_depth: bits, ..QuantizerSettings::default() },
        ..ConverterParams::default()
    }
}

fn measure(params: &ConverterParams) -> SineTest {
    let block = render(params, N);
    sine_test(&spectrum(&block.output, params.sample_rate_hz), Some(params.source.freq_hz)).expect("a tone")
}

/// The largest level an N-bit rounding quantizer holds without clipping, less 0.05 LSB:
/// (2^(N-1) - 0.55) LSB.
fn full_scale_level_dbfs(bits: u8) -> f64 {
    let half = 2f64.powi(i32::from(bits) - 1);
    amp_to_db((half - 0.55) / half)
}

/// SNR of a near-full-scale sine at a frequency unrelated to the sample rate is within
/// 0.5 dB of 6.02 N + 1.76 dB (less the few tenths of a dB the sine sits below full scale).
#[test]
fn quantization_snr_follows_6_02_n_plus_1_76() {
    for bits in 4..=20u8 {
        let level = full_scale_level_dbfs(bits);
        let m = measure(&sine_params(997.3, level, BitDepth::Fixed(bits)));
        let theory = DB_PER_BIT * f64::from(bits) + SINE_SNR_OFFSET_DB + level;
        assert!(
            (m.sinad_db - theory).abs() < 0.5,
            "{bits} bits: measured SINAD {:.2} dB, theory {theory:.2} dB",
            m.sinad_db
        );
        assert!((m.snr_db - theory).abs() < 0.5, "{bits} bits: SNR {:.2} vs {theory:.2}", m.snr_db);
        // From 8 bits on the error is noise-like: leaving the harmonics out changes little.
        if bits >= 8 {
            assert!((m.snr_excl_harmonics_db - theory).abs() < 0.5, "{bits} bits: {m:?}");
        }
    }
}

/// Every extra bit buys 6.02 dB: the slope of measured SNR against N.
#[test]
fn each_bit_adds_six_db() {
    let snr = |bits| measure(&sine_params(1234.5, -1.0, BitDepth::Fixed(bits))).sinad_db;
    let slope = (snr(16) - snr(8)) / 8.0;
    assert!((slope - DB_PER_BIT).abs() < 0.05, "slope {slope:.3} dB per bit");
}

/// RPDF dither raises the noise by 3.01 dB, TPDF by 4.77 dB.
#[test]
fn dither_penalties() {
    for bits in [8u8, 12, 16] {
        let plain = sine_params(997.3, -1.0, BitDepth::Fixed(bits));
        let base = measure(&plain).snr_db;
        for (kind, want) in [(DitherKind::Rpdf, 3.01), (DitherKind::Tpdf, 4.77)] {
            let mut p = plain.clone();
            p.quantizer.dither = Dither::new(kind);
            let penalty = base - measure(&p).snr_db;
            assert!((penalty - want).abs() < 0.5, "{bits} bits {kind:?}: penalty {penalty:.2} dB, expected {want}");
            let theory = theory_snr_db(BitDepth::Fixed(bits), -1.0, &p.quantizer.dither);
            assert!((measure(&p).snr_db - theory).abs() < 0.5);
        }
    }
}

/// 32-bit float keeps about 150 dB of SNR whatever the level, as its theory line says.
#[test]
fn float_snr_is_independent_of_level() {
    for level in [-80.0, -30.0, -1.0] {
        let m = measure(&sine_params(997.3, level, BitDepth::Float32));
        let theory = float32_snr_db(level);
        assert!((m.snr_db - theory).abs() < 0.5, "{level} dBFS: {:.2} vs {theory:.2}", m.snr_db);
    }
}

/// A tone of 0.4 LSB vanishes when rounded without dither and survives with TPDF dither.
#[test]
fn tone_below_half_an_lsb_needs_dither() {
    let lsb = BitDepth::Fixed(16).lsb().expect("fixed");
    let level = amp_to_db(0.4 * lsb);
    let mut p = sine_params(1000.0, level, BitDepth::Fixed(16));
    let silent = render(&p, N);
    assert!(silent.output.iter().all(|&y| y == 0.0), "undithered output should be digital silence");

    p.quantizer.dither = Dither::new(DitherKind::Tpdf);
    let dithered = render(&p, N);
    let s = spectrum(&dithered.output, p.sample_rate_hz);
    let tone = s.peak_db_near(1000.0, 2);
    let floor = s.median_db();
    assert!(tone > floor + 20.0, "tone {tone:.1} dBFS should stand above the floor {floor:.1}");
    assert!((tone - level).abs() < 1.5, "tone reads {tone:.1} dBFS, played at {level:.1}");
}

/// 30 kHz sampled at 44.1 kHz without a filter shows up at 14.1 kHz; the steep filter removes
/// it by at least 90 dB.
#[test]
fn thirty_khz_aliases_to_14_1_khz_unless_filtered() {
    let mut p = sine_params(30_000.0, -1.0, BitDepth::Fixed(24));
    p.sample_rate_hz = 44_100.0;
    p.aa_filter = AaFilter::new(AaFilterKind::Off);
    let s = spectrum(&render(&p, N).output, 44_100.0);
    let strongest = (1..s.db.len()).max_by(|&a, &b| s.db[a].total_cmp(&s.db[b])).expect("bins");
    assert!((s.freq_of(strongest) - 14_100.0).abs() <= s.bin_hz(), "peak at {} Hz", s.freq_of(strongest));
    let unfiltered = s.peak_db_near(14_100.0, 8);

    p.aa_filter = AaFilter::new(AaFilterKind::Steep);
    let filtered = spectrum(&render(&p, N).output, 44_100.0).peak_db_near(14_100.0, 8);
    assert!(unfiltered - filtered >= 90.0, "rejection {:.1} dB", unfiltered - filtered);

    // The gentle filter lets part of it through: less than the steep one rejects.
    p.aa_filter = AaFilter::new(AaFilterKind::Gentle);
    let gentle = spectrum(&render(&p, N).output, 44_100.0).peak_db_near(14_100.0, 8);
    assert!(gentle > filtered + 40.0 && gentle < unfiltered, "gentle {gentle:.1}");
}

/// A square wave's harmonics above Nyquist fold to |k f0 - m fs|, at the levels the Fourier
/// series predicts, between the real harmonics.
#[test]
fn square_wave_harmonics_alias_where_predicted() {
    let mut p = sine_params(7_003.7, -6.0, BitDepth::Float32);
    p.source.kind = SourceKind::Square;
    p.aa_filter = AaFilter::new(AaFilterKind::Off);
    let block = render(&p, N);
    let s = spectrum(&block.output, 48_000.0);
    let amp = headroom_lab::units::db_to_amp(-6.0);
    // (harmonic, where |k f0 - m fs| puts it), worked out by hand.
    for (k, lands) in [
        (5.0, 48_000.0 - 35_018.5),
        (7.0, 49_025.9 - 48_000.0),
        (9.0, 63_033.3 - 48_000.0),
        (11.0, 96_000.0 - 77_040.7),
    ] {
        let want = amp_to_db(amp * 4.0 / (std::f64::consts::PI * k));
        let got = s.tone_dbfs(lands, 7);
        assert!((got - want).abs() < 0.1, "harmonic {k} at {lands} Hz: {got:.2} dBFS, expected {want:.2}");
    }
    // The converter's own alias list names the same places.
    let c = Converter::new(&p).expect("valid");
    let predicted = headroom_lab::analysis::aliasing::predict(c.analog(), 48_000.0, -200.0, 4);
    let mut got: Vec<f64> = predicted.iter().map(|a| (a.alias_hz * 10.0).round() / 10.0).collect();
    got.sort_by(f64::total_cmp);
    assert_eq!(got, vec![1_025.9, 12_981.5, 15_033.3, 18_959.3]);
    // Between the real harmonics (7, 21 kHz) and these aliases there is only the alias hash of
    // the higher harmonics, far below.
    assert!(s.peak_db_near(4_000.0, 2) < -50.0);
}

/// A sine at fs/4 sampled at 45 degrees: every sample is 0.707 of the peak, 3.01 dB below
/// the true peak that the 4x oversampling meter finds.
#[test]
fn inter_sample_peak_of_a_quarter_rate_sine() {
    let mut p = sine_params(12_000.0, 0.0, BitDepth::Float32);
    p.source.phase_deg = 45.0;
    let block = render(&p, 4096);
    let sample_peak = levels::sample_peak(&block.output);
    let mut meter = TruePeakMeter::new();
    meter.process(&block.output[..64]);
    meter.reset_peak();
    meter.process(&block.output[64..]);
    let diff = amp_to_db(meter.peak()) - amp_to_db(sample_peak);
    assert!((diff - 3.01).abs() < 0.05, "true peak - sample peak = {diff:.3} dB");
}

/// Fixed point clips at full scale and counts exactly the samples beyond it; float keeps the
/// overs.
#[test]
fn clipping_is_counted_and_float_keeps_overs() {
    let mut p = sine_params(997.0, 0.0, BitDepth::Fixed(16));
    p.analog_gain_db = 6.0;
    let block = render(&p, 48_000);
    let lsb = 1.0 / 32_768.0;
    // Independent count: inputs that round beyond the top code or below the bottom one.
    let expected = block.analog.iter().filter(|&&x| x > 1.0 - 1.5 * lsb || x < -1.0 - 0.5 * lsb).count();
    assert_eq!(block.clipped.len(), expected);
    assert!(expected > 10_000, "a +6 dB sine clips most of its peaks ({expected})");
    let max = block.output.iter().copied().fold(f64::MIN, f64::max);
    assert_eq!(max, 1.0 - lsb);
    for &i in &block.clipped {
        assert!(block.output[i] == 1.0 - lsb || block.output[i] == -1.0);
    }

    p.quantizer.bit_depth = BitDepth::Float32;
    let float = render(&p, 48_000);
    assert!(float.clipped.is_empty());
    let peak = levels::sample_peak(&float.output);
    assert!((amp_to_db(peak) - 6.0).abs() < 0.01, "float peak {:.3} dBFS", amp_to_db(peak));
}

/// Truncation adds a DC offset of half an LSB; rounding does not.
#[test]
fn truncation_offsets_by_half_an_lsb() {
    let mut p = sine_params(997.3, -1.0, BitDepth::Fixed(8));
    p.quantizer.rounding = headroom_lab::dsp::Rounding::Truncate;
    let block = render(&p, N);
    let lsb = 1.0 / 128.0;
    let err_mean = block.error().sum::<f64>() / N as f64;
    assert!((err_mean / lsb + 0.5).abs() < 0.05, "mean error {:.3} LSB", err_mean / lsb);
}
