//! Loudness pinned to ITU-R BS.1770-4 / EBU R128: the EBU Tech 3341 and 3342 test cases,
//! built here from their descriptions, within the tolerances the EBU gives (0.1 LU for
//! momentary, short-term and integrated loudness, 1 LU for the loudness range), and agreement
//! with the independent `ebur128` crate within 0.1 LU on real programme at 44.1, 48 and
//! 96 kHz and in 5.1 (LFE left out).

use std::f64::consts::TAU;

use headroom_lab::analysis::loudness::LoudnessMeter;
use headroom_lab::analysis::true_peak::TruePeakMeter;
use headroom_lab::chain::engine::{Chain, StageId};
use headroom_lab::chain::scene::Scene;
use headroom_lab::units::db_to_amp;

const FS: f64 = 48_000.0;

/// A 1 kHz sine in `channels` channels: segments of (seconds, dBFS per channel).
fn segments(parts: &[(f64, &[f64])]) -> Vec<Vec<f64>> {
    let channels = parts[0].1.len();
    let mut out = vec![Vec::new(); channels];
    let mut n = 0usize;
    for (secs, levels) in parts {
        for _ in 0..(secs * FS).round() as usize {
            let s = (TAU * 1000.0 * n as f64 / FS).sin();
            for (ch, l) in out.iter_mut().zip(levels.iter()) {
                ch.push(db_to_amp(*l) * s);
            }
            n += 1;
        }
    }
    out
}

fn meter(signal: &[Vec<f64>]) -> LoudnessMeter {
    let mut m = LoudnessMeter::new(signal.len(), FS);
    let planar: Vec<&[f64]> = signal.iter().map(Vec::as_slice).collect();
    m.process(&planar);
    m
}

#[test]
fn tech_3341_case_1_and_2_steady_sines() {
    for level in [-23.0, -33.0] {
        let m = meter(&segments(&[(20.0, &[level, level])]));
        for (what, v) in [("momentary", m.momentary()), ("short-term", m.short_term()), ("integrated", m.integrated())]
        {
            assert!((v - level).abs() <= 0.1, "{what} {v:.3} LUFS for a stereo sine at {level} dBFS");
        }
    }
}

#[test]
fn tech_3341_gating_cases() {
    let cases: [&[(f64, &[f64])]; 3] = [
        &[(10.0, &[-36.0, -36.0]), (60.0, &[-23.0, -23.0]), (10.0, &[-36.0, -36.0])],
        &[
            (10.0, &[-72.0, -72.0]),
            (10.0, &[-36.0, -36.0]),
            (60.0, &[-23.0, -23.0]),
            (10.0, &[-36.0, -36.0]),
            (10.0, &[-72.0, -72.0]),
        ],
        &[(20.0, &[-26.0, -26.0]), (20.1, &[-20.0, -20.0]), (20.0, &[-26.0, -26.0])],
    ];
    for (i, case) in cases.iter().enumerate() {
        let v = meter(&segments(case)).integrated();
        assert!((v + 23.0).abs() <= 0.1, "case {}: integrated {v:.3} LUFS", i + 3);
    }
}

#[test]
fn tech_3341_case_6_channel_weights() {
    // 5.0: L and R at -28 dBFS, C at -24, Ls and Rs at -30 (weighted 1.41).
    let v = meter(&segments(&[(20.0, &[-28.0, -28.0, -24.0, -30.0, -30.0])])).integrated();
    assert!((v + 23.0).abs() <= 0.1, "5.0 programme: {v:.3} LUFS");
}

#[test]
fn tech_3342_loudness_range_cases() {
    let cases: [(&[(f64, &[f64])], f64); 4] = [
        (&[(20.0, &[-20.0, -20.0]), (20.0, &[-30.0, -30.0])], 10.0),
        (&[(20.0, &[-20.0, -20.0]), (20.0, &[-15.0, -15.0])], 5.0),
        (&[(20.0, &[-40.0, -40.0]), (20.0, &[-20.0, -20.0])], 20.0),
        (
            &[
                (20.0, &[-50.0, -50.0]),
                (20.0, &[-35.0, -35.0]),
                (20.0, &[-20.0, -20.0]),
                (20.0, &[-35.0, -35.0]),
                (20.0, &[-50.0, -50.0]),
            ],
            15.0,
        ),
    ];
    for (i, (case, want)) in cases.iter().enumerate() {
        let lra = meter(&segments(case)).loudness_range();
        assert!((lra - want).abs() <= 1.0, "LRA case {}: {lra:.2} LU, expected {want}", i + 1);
    }
}

#[test]
fn mono_is_one_channel_weighted_one() {
    // BS.1770 sums channels by weight: a mono file is 3 dB quieter than the same signal in
    // both channels of a stereo file.
    let mono = meter(&segments(&[(10.0, &[-20.0])])).integrated();
    let stereo = meter(&segments(&[(10.0, &[-20.0, -20.0])])).integrated();
    assert!((stereo - mono - 3.01).abs() < 0.02, "mono {mono:.2}, stereo {stereo:.2}");
}

#[test]
fn agrees_with_the_ebur128_crate_on_programme() {
    // The band's master: real programme with transients, a breakdown and gating at work.
    let mut scene = Scene::band();
    scene.master.limiter.enabled = true;
    scene.master.limiter.input_gain_db = 8.0;
    let mut chain = Chain::new(&scene).expect("band");
    let master = chain.render(StageId::Master, (16.0 * FS) as usize);
    let ours = meter(&master);

    let mut theirs = ebur128::EbuR128::new(2, 48_000, ebur128::Mode::I | ebur128::Mode::LRA | ebur128::Mode::TRUE_PEAK)
        .expect("ebur128");
    let planar: Vec<&[f64]> = master.iter().map(Vec::as_slice).collect();
    theirs.add_frames_planar_f64(&planar).expect("frames");
    let i = theirs.loudness_global().expect("integrated");
    let lra = theirs.loudness_range().expect("range");
    assert!((ours.integrated() - i).abs() <= 0.1, "integrated: ours {:.3}, ebur128 {i:.3}", ours.integrated());
    assert!((ours.loudness_range() - lra).abs() <= 0.1, "LRA: ours {:.3}, ebur128 {lra:.3}", ours.loudness_range());

    // True peak: both oversample 4x with different interpolation filters; they agree to a
    // small fraction of a dB.
    for (ch, samples) in master.iter().enumerate() {
        let mut tp = TruePeakMeter::new();
        tp.process(samples);
        tp.flush();
        let theirs_tp = 20.0 * theirs.true_peak(ch as u32).expect("true peak").log10();
        assert!(
            (tp.peak_dbtp() - theirs_tp).abs() <= 0.1,
            "channel {ch}: ours {:.3} dBTP, ebur128 {theirs_tp:.3}",
            tp.peak_dbtp()
        );
    }
}

fn meter_at(signal: &[Vec<f64>], rate: f64) -> LoudnessMeter {
    let mut m = LoudnessMeter::new(signal.len(), rate);
    let planar: Vec<&[f64]> = signal.iter().map(Vec::as_slice).collect();
    m.process(&planar);
    m
}

/// `ebur128` on `signal` with this channel map: integrated loudness and loudness range.
fn ebur128_of(signal: &[Vec<f64>], rate: u32, map: Option<&[ebur128::Channel]>) -> (f64, f64) {
    let mut m =
        ebur128::EbuR128::new(signal.len() as u32, rate, ebur128::Mode::I | ebur128::Mode::LRA).expect("ebur128");
    if let Some(map) = map {
        m.set_channel_map(map).expect("channel map");
    }
    let planar: Vec<&[f64]> = signal.iter().map(Vec::as_slice).collect();
    m.add_frames_planar_f64(&planar).expect("frames");
    (m.loudness_global().expect("integrated"), m.loudness_range().expect("range"))
}

/// The K-weighting is derived for each rate: a 1 kHz sine at -23 dBFS in both channels still
/// reads -23.0 LUFS (Tech 3341 case 1), and programme agrees with `ebur128` within 0.1 LU at
/// 44.1 and 96 kHz as at 48 kHz.
#[test]
fn other_rates_read_as_the_standard_and_ebur128_say() {
    for rate in [44_100u32, 96_000] {
        let fs = f64::from(rate);
        let sine: Vec<f64> =
            (0..(20.0 * fs) as usize).map(|n| db_to_amp(-23.0) * (TAU * 1000.0 * n as f64 / fs).sin()).collect();
        let steady = meter_at(&[sine.clone(), sine], fs).integrated();
        assert!((steady + 23.0).abs() <= 0.1, "{rate} Hz: {steady:.3} LUFS");

        let mut scene = Scene::band();
        scene.sample_rate_hz = fs;
        scene.master.limiter.enabled = true;
        scene.master.limiter.input_gain_db = 8.0;
        let mut chain = Chain::new(&scene).expect("band");
        let master = chain.render(StageId::Master, (8.0 * fs) as usize);
        let ours = meter_at(&master, fs);
        let (i, lra) = ebur128_of(&master, rate, None);
        assert!((ours.integrated() - i).abs() <= 0.1, "{rate} Hz: ours {:.3}, ebur128 {i:.3}", ours.integrated());
        assert!(
            (ours.loudness_range() - lra).abs() <= 0.1,
            "{rate} Hz LRA: ours {:.3}, ebur128 {lra:.3}",
            ours.loudness_range()
        );
    }
}

/// 5.1 in the WAV order (L R C LFE Ls Rs): the LFE is left out and the surrounds weigh 1.41,
/// as `ebur128` does with that channel map; a loud LFE changes nothing, though counted as a
/// front channel it would add several LU.
#[test]
fn five_one_leaves_out_the_lfe() {
    use ebur128::Channel;
    let mut chain = Chain::new(&Scene::band()).expect("band");
    let master = chain.render(StageId::Master, (8.0 * FS) as usize);
    let (l, r) = (&master[0], &master[1]);
    let lfe: Vec<f64> = (0..l.len()).map(|n| db_to_amp(-1.0) * (TAU * 60.0 * n as f64 / FS).sin()).collect();
    let surround = |ch: &[f64]| ch.iter().map(|x| 0.5 * x).collect::<Vec<f64>>();
    let centre: Vec<f64> = l.iter().zip(r).map(|(a, b)| 0.5 * (a + b)).collect();
    let mut five_one = vec![l.clone(), r.clone(), centre, lfe.clone(), surround(l), surround(r)];

    let ours = meter_at(&five_one, FS);
    let map = [
        Channel::Left,
        Channel::Right,
        Channel::Center,
        Channel::Unused,
        Channel::LeftSurround,
        Channel::RightSurround,
    ];
    let (i, lra) = ebur128_of(&five_one, 48_000, Some(&map));
    assert!((ours.integrated() - i).abs() <= 0.1, "ours {:.3}, ebur128 {i:.3}", ours.integrated());
    assert!((ours.loudness_range() - lra).abs() <= 0.1, "LRA: ours {:.3}, ebur128 {lra:.3}", ours.loudness_range());

    let with_lfe = ours.integrated();
    let lfe_as_front =
        [Channel::Left, Channel::Right, Channel::Center, Channel::Left, Channel::LeftSurround, Channel::RightSurround];
    let (counted, _) = ebur128_of(&five_one, 48_000, Some(&lfe_as_front));
    five_one[3].fill(0.0);
    assert!((meter_at(&five_one, FS).integrated() - with_lfe).abs() < 1e-9, "the LFE does not count");
    assert!(counted - with_lfe > 2.0, "the LFE is loud enough to matter: {counted:.2} vs {with_lfe:.2} LUFS");
}
