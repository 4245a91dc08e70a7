//! The bus compressor against the textbook feed-forward design (Giannoulis, Massberg and Reiss,
//! "Digital Dynamic Range Compressor Design: A Tutorial and Analysis", JAES 60(6), 2012): its
//! static curve (threshold, ratio, a 6 dB soft knee, make-up gain) and its attack and release,
//! one-pole smoothing of the gain in dB whose time constant is the time to cover 1 - 1/e
//! (63.2 %) of a step.

use headroom_lab::chain::dynamics::{Compressor, CompressorParams};
use headroom_lab::units::{amp_to_db, db_to_amp};

const FS: f64 = 48_000.0;
/// The knee the compressor documents.
const KNEE_DB: f64 = 6.0;

/// The textbook gain computer's gain reduction (dB, positive) for input level `x` (dBFS):
/// none below the knee, (1 - 1/R)(x - T) above it, and the quadratic
/// (1 - 1/R)(x - T + W/2)^2 / (2W) across it.
fn textbook_reduction_db(x: f64, threshold: f64, ratio: f64) -> f64 {
    let over = x - threshold;
    let slope = 1.0 - 1.0 / ratio;
    if 2.0 * over < -KNEE_DB {
        0.0
    } else if 2.0 * over > KNEE_DB {
        slope * over
    } else {
        slope * (over + KNEE_DB / 2.0).powi(2) / (2.0 * KNEE_DB)
    }
}

fn params(threshold_dbfs: f64, ratio: f64, makeup_db: f64) -> CompressorParams {
    CompressorParams { enabled: true, threshold_dbfs, ratio, attack_ms: 10.0, release_ms: 150.0, makeup_db }
}

/// Output level (dBFS) of a steady input at `level_dbfs` (a constant: the detector is
/// peak-sensing, so a constant is a steady level), after 40 attack time constants (from rest
/// the reduction only rises, with the attack).
fn steady_output_db(p: CompressorParams, level_dbfs: f64) -> f64 {
    let mut c = Compressor::new(p, FS);
    let x = db_to_amp(level_dbfs);
    let mut y = 0.0;
    for _ in 0..(40.0 * p.attack_ms * 1e-3 * FS) as usize {
        y = c.tick(x, -x).0;
    }
    amp_to_db(y)
}

#[test]
fn the_static_curve_is_the_textbook_gain_computer() {
    for (threshold, ratio, makeup) in [(-20.0, 4.0, 3.0), (-12.0, 2.0, 0.0), (-6.0, 100.0, 6.0), (-20.0, 1.0, 0.0)] {
        let p = params(threshold, ratio, makeup);
        let mut level = threshold - 15.0;
        while level <= threshold + 15.0 {
            let got = steady_output_db(p, level);
            let want = level + makeup - textbook_reduction_db(level, threshold, ratio);
            assert!(
                (got - want).abs() < 1e-6,
                "T {threshold} R {ratio}: in {level} dBFS, out {got:.6}, want {want:.6}"
            );
            level += 0.5;
        }
        // Above the knee each dB in gives 1/R dB out.
        let slope = (steady_output_db(p, threshold + 12.0) - steady_output_db(p, threshold + 6.0)) / 6.0;
        assert!((slope - 1.0 / ratio).abs() < 1e-6, "R {ratio}: slope {slope}");
    }
}

#[test]
fn both_channels_get_the_gain_of_the_louder() {
    let mut c = Compressor::new(params(-20.0, 4.0, 0.0), FS);
    let (loud, quiet) = (db_to_amp(-8.0), db_to_amp(-30.0));
    let (mut l, mut r) = (0.0, 0.0);
    for _ in 0..(FS as usize) {
        (l, r) = c.tick(loud, quiet);
    }
    let gain_l = amp_to_db(l / loud);
    let gain_r = amp_to_db(r / quiet);
    assert!((gain_l - gain_r).abs() < 1e-9, "linked: {gain_l} vs {gain_r}");
    assert!((gain_l + textbook_reduction_db(-8.0, -20.0, 4.0)).abs() < 1e-6, "{gain_l}");
}

/// The gain reduction (dB) after each sample of a step from `from_dbfs` to `to_dbfs`, the
/// compressor having settled at `from_dbfs`.
fn step_response(p: CompressorParams, from_dbfs: f64, to_dbfs: f64, samples: usize) -> Vec<f64> {
    let mut c = Compressor::new(p, FS);
    let (a, b) = (db_to_amp(from_dbfs), db_to_amp(to_dbfs));
    for _ in 0..(FS as usize * 4) {
        c.tick(a, a);
    }
    (0..samples).map(|_| to_dbfs + p.makeup_db - amp_to_db(c.tick(b, b).0)).collect()
}

/// Samples until `gr` has covered 1 - 1/e of the way from its first to its last value.
fn samples_to_63_percent(gr: &[f64], start: f64, end: f64) -> usize {
    let mark = start + (end - start) * (1.0 - (-1.0f64).exp());
    1 + gr.iter().position(|&g| if end > start { g >= mark } else { g <= mark }).expect("reaches 63 %")
}

#[test]
fn attack_and_release_are_the_time_constants_set() {
    for (attack_ms, release_ms) in [(10.0, 150.0), (1.0, 50.0), (30.0, 1000.0)] {
        let p = CompressorParams { attack_ms, release_ms, ..params(-20.0, 4.0, 2.0) };
        let (quiet, loud) = (-40.0, 0.0);
        let full = textbook_reduction_db(loud, -20.0, 4.0);
        // Attack: from no reduction to 15 dB.
        let gr = step_response(p, quiet, loud, (6.0 * attack_ms * 1e-3 * FS) as usize);
        let n = samples_to_63_percent(&gr, 0.0, full);
        let want = attack_ms * 1e-3 * FS;
        assert!((n as f64 - want).abs() <= 1.0, "attack {attack_ms} ms: 63 % after {n} samples, want {want}");
        assert!((gr.last().expect("samples") - full).abs() < 0.05, "settles at {full} dB");
        // Release: from 15 dB back to none (the output gain measured against the quiet input).
        let gr = step_response(p, loud, quiet, (6.0 * release_ms * 1e-3 * FS) as usize);
        let n = samples_to_63_percent(&gr, full, 0.0);
        let want = release_ms * 1e-3 * FS;
        assert!((n as f64 - want).abs() <= 1.0, "release {release_ms} ms: 63 % after {n} samples, want {want}");
    }
}

#[test]
fn bypassed_it_passes_the_signal_untouched() {
    let mut c = Compressor::new(CompressorParams { enabled: false, ..params(-40.0, 20.0, 12.0) }, FS);
    for x in [0.9, -0.5, 1e-6, 0.0] {
        assert_eq!(c.tick(x, -x), (x, -x));
    }
}
