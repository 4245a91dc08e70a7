//! The analysis against closed forms, computed here independently of the code under test:
//! THD, THD+N, SNR, SINAD and ENOB of a known polynomial distortion and of an N-bit quantizer;
//! the Kaiser window's side lobes (an FFT of the window, zero-padded); the true-peak meter on
//! sines against the continuous peak and the under-read 4x oversampling allows; the noise
//! shaping in the quantizer's actual output against its noise transfer function.

use std::f64::consts::{PI, TAU};

use headroom_lab::analysis::sine_test::sine_test;
use headroom_lab::analysis::spectrum::SpectrumAnalyzer;
use headroom_lab::analysis::true_peak::TruePeakMeter;
use headroom_lab::analysis::window::Window;
use headroom_lab::dsp::noise::Random;
use headroom_lab::dsp::quantizer::{BitDepth, Dither, DitherKind, NoiseShaping, Quantizer, QuantizerSettings};
use rustfft::FftPlanner;
use rustfft::num_complex::Complex64;

const FS: f64 = 48_000.0;
const N: usize = 65_536;

fn db(power_ratio: f64) -> f64 {
    10.0 * power_ratio.log10()
}

/// A sine of amplitude `a` at `freq_hz` through y = x + b x^2 + c x^3, plus Gaussian noise of
/// RMS `sigma`.
fn distorted(a: f64, freq_hz: f64, b: f64, c: f64, sigma: f64) -> Vec<f64> {
    let mut random = Random::new(7);
    (0..N)
        .map(|n| {
            let x = a * (TAU * freq_hz * n as f64 / FS + 0.3).sin();
            x + b * x * x + c * x * x * x + sigma * random.gaussian()
        })
        .collect()
}

/// With x = A sin(wt): x^2 = A^2 (1 - cos 2wt) / 2 and x^3 = A^3 (3 sin wt - sin 3wt) / 4, so
/// y = x + b x^2 + c x^3 has a fundamental of A + 3cA^3/4, a 2nd harmonic of bA^2/2 and a 3rd
/// of cA^3/4 (amplitudes); the noise adds sigma^2 of power. Every figure of the sine test
/// follows.
#[test]
fn the_sine_test_reads_a_known_polynomial_distortion() {
    let (a, b, c, sigma): (f64, f64, f64, f64) = (0.5, 0.05, 0.2, 1e-3);
    let h1 = a + 3.0 * c * a.powi(3) / 4.0;
    let h2 = b * a * a / 2.0;
    let h3 = c * a.powi(3) / 4.0;
    let (p1, ph, pn) = (h1 * h1 / 2.0, 0.5 * (h2 * h2 + h3 * h3), sigma * sigma);
    let y = distorted(a, 997.0, b, c, sigma);
    let spectrum = SpectrumAnalyzer::new().analyze(&y, FS, N, Window::Kaiser);
    let s = sine_test(&spectrum, Some(997.0)).expect("a tone");
    for (what, got, want, tol) in [
        ("fundamental dBFS", s.fundamental_dbfs, db(2.0 * p1), 0.01),
        ("THD dB", s.thd_db, db(ph / p1), 0.05),
        ("THD+N dB", s.thd_n_db, db((ph + pn) / p1), 0.05),
        ("SINAD dB", s.sinad_db, db(p1 / (ph + pn)), 0.05),
        ("SNR without harmonics dB", s.snr_excl_harmonics_db, db(p1 / pn), 0.1),
        ("ENOB bits", s.enob_bits, (db(p1 / (ph + pn)) - 1.76) / 6.02, 0.01),
    ] {
        assert!((got - want).abs() <= tol, "{what}: {got:.3}, theory {want:.3}");
    }
    // Without noise the THD is the harmonics alone (and the noise estimate does not eat them).
    let clean = sine_test(
        &SpectrumAnalyzer::new().analyze(&distorted(a, 997.0, b, c, 0.0), FS, N, Window::Kaiser),
        Some(997.0),
    )
    .expect("a tone");
    assert!((clean.thd_db - db(ph / p1)).abs() < 0.01, "THD {:.3}, theory {:.3}", clean.thd_db, db(ph / p1));
}

/// An N-bit quantizer of a busy sine: SINAD 6.02 N + 1.76 dB + the level, so ENOB is N plus
/// the level in bits (the textbook's uniform-error model; within 0.1 bit).
#[test]
fn enob_of_an_n_bit_quantizer_is_n() {
    for bits in [8u8, 12, 16] {
        let lsb = 2f64.powi(1 - i32::from(bits));
        let amplitude = 1.0 - 2.0 * lsb;
        let mut q = Quantizer::new(QuantizerSettings::fixed(bits), 1);
        let y: Vec<f64> =
            (0..N).map(|n| q.process(amplitude * (TAU * 997.0 * n as f64 / FS + 0.1).sin()).value).collect();
        let s = sine_test(&SpectrumAnalyzer::new().analyze(&y, FS, N, Window::Kaiser), Some(997.0)).expect("tone");
        let want = f64::from(bits) + 20.0 * amplitude.log10() / 6.02;
        assert!((s.enob_bits - want).abs() < 0.1, "{bits} bits: ENOB {:.3}, theory {want:.3}", s.enob_bits);
    }
}

/// The spectrum of `w` zero-padded to `pad` times its length, in dB relative to its peak.
fn window_spectrum_db(w: &[f64], pad: usize) -> Vec<f64> {
    let n = w.len() * pad;
    let mut buf: Vec<Complex64> = w.iter().map(|&x| Complex64::new(x, 0.0)).collect();
    buf.resize(n, Complex64::default());
    FftPlanner::new().plan_fft_forward(n).process(&mut buf);
    let peak = buf[0].norm();
    buf[..n / 2].iter().map(|c| 20.0 * (c.norm() / peak).max(1e-30).log10()).collect()
}

/// The Kaiser window of the analysis: its highest side lobe, beyond the main lobe's first null,
/// is below -190 dB, and the main lobe ends within the bins the sine test sets aside for a
/// tone, sqrt(1 + (beta / pi)^2) bins (Kaiser and Schafer). Double precision sums put the
/// FFT's own floor near -300 dB.
#[test]
fn the_kaiser_window_side_lobes_are_below_minus_190_db() {
    let pad = 32;
    for n in [4_096, 65_536] {
        let spec = window_spectrum_db(&Window::Kaiser.coefficients(n), pad);
        let null = (1..spec.len() - 1).find(|&k| spec[k] < spec[k - 1] && spec[k] <= spec[k + 1]).expect("a null");
        let highest = spec[null..].iter().copied().fold(f64::MIN, f64::max);
        assert!(highest < -190.0, "{n} points: highest side lobe {highest:.1} dB");
        let null_bins = null as f64 / pad as f64;
        let beta = headroom_lab::analysis::window::HIGH_DYNAMIC_RANGE_BETA;
        assert!(
            (null_bins - (1.0 + (beta / PI).powi(2)).sqrt()).abs() < 0.05,
            "{n} points: first null at {null_bins:.2} bins"
        );
        assert!(null_bins <= Window::Kaiser.main_lobe_bins() as f64);
    }
}

/// A sine's continuous peak is its amplitude A. A 4x-oversampling meter reads between
/// A cos(pi f / (4 fs)) (the nearest of its points a quarter sample away from the crest at
/// worst) and A; the sample peak between A cos(pi f / fs) and A. The meter's interpolator (24
/// taps) adds its passband ripple, measured at up to 0.012 dB below 20 kHz: 0.02 dB allowed.
#[test]
fn the_true_peak_of_a_sine_is_its_amplitude_within_the_oversampling_bound() {
    let a = 0.5;
    let mut random = Random::new(3);
    for f in [50.0, 997.0, 3_000.0, 10_000.0, 15_000.0, 17_000.0, 20_000.0] {
        for _ in 0..8 {
            let phase = TAU * random.uniform();
            let x: Vec<f64> = (0..4_800).map(|n| a * (TAU * f * n as f64 / FS + phase).sin()).collect();
            // Primed on the first samples, so the abrupt start's ringing is not read.
            let mut m = TruePeakMeter::new();
            m.process(&x[..100]);
            m.reset_peak();
            m.process(&x[100..]);
            let tp_db = 20.0 * (m.peak() / a).log10();
            let floor = 20.0 * (PI * f / (4.0 * FS)).cos().log10();
            assert!(tp_db <= 0.02 && tp_db >= floor - 0.02, "{f} Hz: true peak {tp_db:+.4} dB, bound {floor:.4}..0");
            let sp = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(sp <= a && sp >= a * (PI * f / FS).cos() - 1e-12, "{f} Hz: sample peak {sp}");
        }
    }
}

/// Where the crest falls decides what a 4x meter reads. A sine at fs/4 has its crests every
/// 2 samples at the same fraction d of a sample past one; the meter's nearest point is then
/// e = min |d - j/4| away, a phase of 2 pi (fs/4) e / fs = pi e / 2, so it reads A cos(pi e / 2):
/// A for a crest on its grid (d = 0, 1/4, 1/2), A cos(pi / 16) = -0.169 dB half way between.
#[test]
fn a_4x_meter_reads_the_crest_as_far_as_its_grid_allows() {
    let a = 0.5;
    for sixteenths in 0..16 {
        let d = f64::from(sixteenths) / 16.0;
        // sin(pi/2 n + phi) peaks at n = 1 - 2 phi / pi + 2k: phi = (1 - d) pi / 2.
        let phi = (1.0 - d) * PI / 2.0;
        let x: Vec<f64> = (0..4_800).map(|n| a * (PI / 2.0 * n as f64 + phi).sin()).collect();
        let mut m = TruePeakMeter::new();
        m.process(&x[..100]);
        m.reset_peak();
        m.process(&x[100..]);
        let off_grid = (0..=4).map(|j| (d - f64::from(j) / 4.0).abs()).fold(f64::MAX, f64::min);
        let want = 20.0 * (PI * off_grid / 2.0).cos().log10();
        let got = 20.0 * (m.peak() / a).log10();
        assert!((got - want).abs() < 0.02, "crest {d} past a sample: {got:+.4} dB, expected {want:+.4}");
    }
}

/// |NTF(f)|^2 = |1 - sum_k h_k e^{-j 2 pi f k / fs}|^2, the error feedback's noise transfer
/// function, from its coefficients (SoX's F-weighted set for 44.1 kHz, Wannamaker's design).
fn ntf_power(coefs: &[f64], f: f64, fs: f64) -> f64 {
    let w = TAU * f / fs;
    let (re, im) = coefs.iter().enumerate().fold((1.0, 0.0), |(re, im), (k, h)| {
        (re - h * (w * (k + 1) as f64).cos(), im + h * (w * (k + 1) as f64).sin())
    });
    re * re + im * im
}

/// The quantizer's output error (output minus input) with TPDF dither is white noise of
/// LSB^2/4 (LSB^2/12 of rounding plus LSB^2/6 of dither: Wannamaker, Lipshitz and Vanderkooy,
/// "A theory of nonsubtractive dither", IEEE Trans. SP 48(2), 2000) shaped by |NTF|^2.
/// Measured in octave bands (Welch, Hann, 4096-point segments) against that, within 0.5 dB:
/// the estimate's own spread is about 0.15 dB in the narrowest band, and where the NTF climbs
/// 12 dB per octave the window leaks a little from above (+0.27 dB at most, measured).
#[test]
fn the_shaped_error_spectrum_follows_the_noise_transfer_function() {
    let fs = 44_100.0;
    let bits = 16u8;
    let lsb = 2f64.powi(1 - i32::from(bits));
    let cases: [(NoiseShaping, &[f64]); 4] = [
        (NoiseShaping::Off, &[]),
        (NoiseShaping::FirstOrder, &[1.0]),
        (NoiseShaping::SecondOrder, &[2.0, -1.0]),
        (NoiseShaping::FWeighted, &[2.412, -3.370, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847]),
    ];
    let seg = 4_096;
    let total = 64 * seg;
    let hann: Vec<f64> = (0..seg).map(|i| 0.5 - 0.5 * (TAU * i as f64 / seg as f64).cos()).collect();
    let hann_power: f64 = hann.iter().map(|w| w * w).sum();
    let fft = FftPlanner::new().plan_fft_forward(seg);
    for (shaping, coefs) in cases {
        let settings = QuantizerSettings {
            bit_depth: BitDepth::Fixed(bits),
            dither: Dither::new(DitherKind::Tpdf),
            noise_shaping: shaping,
            ..QuantizerSettings::default()
        };
        let mut q = Quantizer::new(settings, 11);
        let err: Vec<f64> = (0..total)
            .map(|n| {
                let x = 0.01 * (TAU * 997.0 * n as f64 / fs).sin();
                q.process(x).value - x
            })
            .collect();
        // One-sided power per bin, averaged over half-overlapping segments; sums to the variance.
        let mut psd = vec![0.0; seg / 2 + 1];
        let mut count = 0.0;
        for start in (0..=total - seg).step_by(seg / 2) {
            let mut buf: Vec<Complex64> =
                err[start..start + seg].iter().zip(&hann).map(|(e, w)| Complex64::new(e * w, 0.0)).collect();
            fft.process(&mut buf);
            for (k, p) in psd.iter_mut().enumerate() {
                let two = if k == 0 || k == seg / 2 { 1.0 } else { 2.0 };
                *p += two * buf[k].norm_sqr() / (seg as f64 * hann_power);
            }
            count += 1.0;
        }
        let bin_hz = fs / seg as f64;
        let mut lo = 125.0;
        while lo < fs / 2.0 {
            let hi = (2.0 * lo).min(fs / 2.0);
            let (k0, k1) = ((lo / bin_hz).round() as usize, (hi / bin_hz).round() as usize);
            let measured: f64 = psd[k0..k1].iter().sum::<f64>() / count;
            let theory: f64 =
                (k0..k1).map(|k| lsb * lsb / 4.0 * ntf_power(coefs, k as f64 * bin_hz, fs) * 2.0 / seg as f64).sum();
            let diff = db(measured / theory);
            assert!(
                diff.abs() < 0.5,
                "{shaping:?} {lo}-{hi} Hz: measured {:.1} dB vs theory {:.1} dB",
                db(measured),
                db(theory)
            );
            lo = hi;
        }
    }
}
