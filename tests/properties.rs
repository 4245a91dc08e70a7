//! Property tests over the whole parameter space of the converter: every source, any sample
//! rate from 1 000 to 192 000 Hz, 1 to 24 bits and float, gains from -60 to +40 dB, every
//! filter, dither and noise shaping. Nothing panics and no NaN or infinity appears anywhere.

use headroom_lab::dsp::converter::{Converter, ConverterParams};
use headroom_lab::dsp::filter::{AaFilter, AaFilterKind};
use headroom_lab::dsp::quantizer::{BitDepth, Dither, DitherKind, NoiseShaping, QuantizerSettings, Rounding};
use headroom_lab::dsp::reconstruct::Reconstruction;
use headroom_lab::dsp::source::{SourceKind, SourceParams};
use headroom_lab::sim::{ConverterLab, ViewSettings};
use proptest::prelude::*;

fn any_params() -> impl Strategy<Value = ConverterParams> {
    (
        (0..SourceKind::ALL.len(), 1.0f64..=100_000.0, 1.0f64..=100_000.0, -120.0f64..=0.0, -360.0f64..=360.0),
        (-60.0f64..=40.0, prop::option::of(-160.0f64..=-40.0), 1_000.0f64..=192_000.0),
        (0..3usize, prop::option::of(100.0f64..=100_000.0)),
        (0u8..=24, 0..2usize, 0..3usize, prop::option::of(0.0f64..=4.0), 0..4usize, 0..2usize, any::<u64>()),
    )
        .prop_map(
            |(
                (kind, f1, f2, level, phase),
                (gain, floor, fs),
                (filter, cutoff),
                (bits, round, dither, amp, ns, recon, seed),
            )| {
                ConverterParams {
                    source: SourceParams {
                        kind: SourceKind::ALL[kind],
                        freq_hz: f1,
                        freq2_hz: f2,
                        level_dbfs: level,
                        phase_deg: phase,
                        sweep_secs: 0.5,
                    },
                    analog_gain_db: gain,
                    noise_floor_dbfs: floor,
                    sample_rate_hz: fs,
                    aa_filter: AaFilter { kind: AaFilterKind::ALL[filter], cutoff_hz: cutoff },
                    quantizer: QuantizerSettings {
                        bit_depth: if bits == 0 { BitDepth::Float32 } else { BitDepth::Fixed(bits) },
                        rounding: [Rounding::Round, Rounding::Truncate][round],
                        dither: Dither { kind: DitherKind::ALL[dither], amplitude_lsb: amp },
                        noise_shaping: NoiseShaping::ALL[ns],
                    },
                    reconstruction: Reconstruction::ALL[recon],
                    seed,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn converter_output_is_always_finite(params in any_params(), start in 0u64..10_000_000) {
        let mut c = Converter::new(&params).expect("every generated parameter is in range");
        let block = c.render(start, 2048);
        for (x, y) in block.analog.iter().zip(&block.output) {
            prop_assert!(x.is_finite() && y.is_finite(), "x {x} y {y}");
        }
        if let BitDepth::Fixed(_) = params.quantizer.bit_depth {
            prop_assert!(block.output.iter().all(|y| (-1.0..1.0).contains(y)));
        }
    }

    #[test]
    fn every_number_on_screen_is_finite(params in any_params()) {
        let mut lab = ConverterLab::new(&params).expect("valid");
        let view = ViewSettings { fft_size: 4096, curve_points: 200, ..ViewSettings::default() };
        let snap = lab.compute(123, &view);
        let l = snap.levels;
        for v in [l.sample_peak_dbfs, l.true_peak_dbtp, l.rms_dbfs, l.crest_factor_db, l.dc_offset, snap.theory_snr_db, snap.error.rms_dbfs] {
            prop_assert!(v.is_finite(), "{l:?}");
        }
        prop_assert!(snap.spectrum.db.iter().all(|v| v.is_finite()));
        for curve in [&snap.time.analog, &snap.time.analog_raw, &snap.time.reconstructed, &snap.time.samples] {
            prop_assert!(curve.iter().all(|p| p[0].is_finite() && p[1].is_finite()));
        }
        if let Some(s) = snap.sine {
            for v in [s.snr_db, s.sinad_db, s.thd_db, s.enob_bits, s.fundamental_hz] {
                prop_assert!(v.is_finite(), "{s:?}");
            }
        }
        for a in &snap.aliases {
            prop_assert!(a.alias_hz >= 0.0 && a.alias_hz <= params.sample_rate_hz / 2.0 + 1e-6);
        }
    }

    /// Out-of-range settings are refused with a message, never a panic.
    #[test]
    fn bad_settings_are_refused(fs in prop_oneof![-1e9f64..999.0, 192_001.0f64..1e12], gain in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), 61.0f64..1e6]) {
        let p = ConverterParams { sample_rate_hz: fs, ..ConverterParams::default() };
        prop_assert!(Converter::new(&p).is_err());
        let p = ConverterParams { analog_gain_db: gain, ..ConverterParams::default() };
        prop_assert!(Converter::new(&p).is_err());
    }
}
