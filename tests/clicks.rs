//! No click, ever, and no slow silence: every change a student can make while the sound plays
//! glides in, and denormal numbers never appear in the callback. A click is
//! measured as the largest second difference of the output in the moments around the change,
//! against the largest second difference of the program itself elsewhere (a step puts a spike
//! in the second difference; a tone's own is A ω²). Each test first shows that a hard switch of
//! the same change fails the measure, so the measure can fail.

use headroom_lab::abx::Side;
use headroom_lab::audio::engine::{AudioEngine, Control, EngineRemote, engine as new_engine};
use headroom_lab::audio::program::ListenSpec;
use headroom_lab::audio::voice::ConverterTap;
use headroom_lab::chain::engine::{Chain, LiveParams, MAX_BLOCK, StageId};
use headroom_lab::chain::scene::Scene;
use headroom_lab::dsp::converter::ConverterParams;
use headroom_lab::dsp::quantizer::QuantizerSettings;
use headroom_lab::dsp::source::SourceParams;

const FS: f64 = 48_000.0;
/// A change may raise the output's largest second difference by at most this much over the
/// program's own, dB. A hard switch of any change below raises it by 15 dB or more; the
/// glides raise it by 1 to 3 dB.
const CLICK_LIMIT_DB: f64 = 6.0;

/// How much the largest second difference in the 40 ms after `change` (and 5 ms before it)
/// exceeds the program's own, measured over 200 ms on both sides away from the change, dB.
fn click_db(y: &[f64], change: usize) -> f64 {
    let d2 =
        |range: std::ops::Range<usize>| range.map(|n| (y[n] - 2.0 * y[n - 1] + y[n - 2]).abs()).fold(0.0f64, f64::max);
    let ms = |t: f64| (t * 1e-3 * FS) as usize;
    let window = d2(change - ms(5.0)..change + ms(40.0));
    let before = d2(change - ms(205.0)..change - ms(5.0));
    let after = d2(change + ms(40.0)..(change + ms(240.0)).min(y.len()));
    let program = before.max(after);
    assert!(program > 0.0, "the program is silent around the change");
    20.0 * (window / program).log10()
}

/// The same recording with the change made by a hard switch: the samples from `change` on are
/// replaced by `switched`'s (what the code did before the glides).
fn hard_switch(before: &[f64], switched: &[f64], change: usize) -> Vec<f64> {
    before[..change].iter().chain(&switched[change..]).copied().collect()
}

/// A session of two 1 kHz and 330 Hz tones through every stage: recorded at -10 dBFS, the
/// 1 kHz driven into its insert at -2 dBFS (where the saturator is heard), the compressor
/// working (threshold -20 dBFS), the limiter on (taking about 6 dB).
fn tones_scene() -> Scene {
    let text = r#"
name = "Two tones"
seed = 3
sample_rate_hz = 48000

[[tracks]]
name = "High"
source = { kind = "sine", level_dbfs = -30, freq_hz = 1000 }
preamp_db = 20
clip_gain_db = 8
insert = true
pan = -0.3

[[tracks]]
name = "Low"
source = { kind = "sine", level_dbfs = -30, freq_hz = 330 }
preamp_db = 20
insert = true
pan = 0.3

[bus]
format = "float32"
compressor = { enabled = true, threshold_dbfs = -20, ratio = 4, attack_ms = 10, release_ms = 150, makeup_db = 0 }

[master]
limiter = { enabled = true, input_gain_db = 14, ceiling_dbtp = -1, lookahead_ms = 5, release_ms = 80 }
"#;
    Scene::from_toml("tones.toml", text).expect("the scene parses")
}

/// The master's left channel for 0.6 s; at 0.3 s the live settings change from `from` to `to`.
fn chain_change(scene: &Scene, from: &LiveParams, to: &LiveParams) -> Vec<f64> {
    let mut chain = Chain::new(scene).expect("chain");
    chain.apply_live(from);
    let mut out = Vec::new();
    let total = (0.6 * FS) as usize;
    let change = (0.3 * FS) as usize;
    // Settle first: the compressor and limiter reach their working point.
    for _ in 0..(FS as usize / MAX_BLOCK) {
        chain.process(MAX_BLOCK);
    }
    // Blocks of 10 ms: the change falls on a block boundary.
    let block = 480;
    while out.len() < total {
        if out.len() == change {
            chain.apply_live(to);
        }
        chain.process(block);
        out.extend_from_slice(chain.tap(StageId::Master, block)[0]);
    }
    out
}

/// Every change of the desk's live settings, one at a time, with the scene it is made on:
/// the dynamics one at a time (the limiter would hide the compressor's changes and the other
/// way round), everything else with both on.
fn desk_changes() -> Vec<(&'static str, LiveParams, Scene)> {
    let both = tones_scene();
    let mut compressor_only = both.clone();
    compressor_only.master.limiter.enabled = false;
    compressor_only.master.limiter.input_gain_db = 0.0;
    let mut limiter_only = both.clone();
    limiter_only.bus.compressor.enabled = false;
    limiter_only.master.limiter.input_gain_db = 3.0;
    let mut changes = Vec::new();
    let mut add = |name: &'static str, f: &dyn Fn(&mut LiveParams)| {
        let scene = if name.starts_with("compressor") {
            &compressor_only
        } else if name.starts_with("limiter") {
            &limiter_only
        } else {
            &both
        };
        let base = LiveParams::from_scene(scene);
        let mut p = base;
        f(&mut p);
        assert_ne!(p, base, "{name} changes something");
        changes.push((name, p, scene.clone()));
    };
    add("compressor off", &|p| p.compressor.enabled = false);
    add("compressor threshold", &|p| p.compressor.threshold_dbfs = -30.0);
    add("compressor ratio", &|p| p.compressor.ratio = 10.0);
    add("compressor attack", &|p| p.compressor.attack_ms = 1.0);
    add("compressor release", &|p| p.compressor.release_ms = 20.0);
    add("compressor make-up", &|p| p.compressor.makeup_db = 6.0);
    add("insert off", &|p| p.tracks[0].insert = false);
    add("limiter off", &|p| p.limiter_enabled = false);
    add("limiter drive", &|p| p.limiter_input_gain_db = -9.0);
    add("mute", &|p| p.tracks[0].mute = true);
    add("pan", &|p| p.tracks[1].pan = -1.0);
    add("fader", &|p| p.tracks[0].fader_db = -12.0);
    add("preamp", &|p| p.tracks[0].preamp_db = 26.0);
    add("master fader", &|p| p.master_fader_db = -6.0);
    changes
}

#[test]
fn every_desk_change_glides_in_both_directions() {
    let change = (0.3 * FS) as usize;
    for (name, to, scene) in desk_changes() {
        let base = LiveParams::from_scene(&scene);
        let steady = chain_change(&scene, &base, &base);
        // The measure catches the same change made by a hard switch.
        let switched_steady = chain_change(&scene, &to, &to);
        let hard = click_db(&hard_switch(&steady, &switched_steady, change), change);
        assert!(hard > CLICK_LIMIT_DB, "{name}: a hard switch reads only {hard:.1} dB: the measure is blind to it");
        for (a, b) in [(&base, &to), (&to, &base)] {
            let y = chain_change(&scene, a, b);
            let click = click_db(&y, change);
            eprintln!("{name}: {click:+.1} dB (a hard switch: {hard:+.1} dB)");
            assert!(click <= CLICK_LIMIT_DB, "{name}: a click of {click:.1} dB (hard switch {hard:.1} dB)");
        }
    }
}

/// A detector that keeps its state: changing the compressor's threshold moves the gain
/// reduction with the attack time, not at once (a compressor built anew would jump to 0 dB).
#[test]
fn a_compressor_knob_keeps_the_detector_state() {
    let scene = tones_scene();
    let base = LiveParams::from_scene(&scene);
    let mut chain = Chain::new(&scene).expect("chain");
    for _ in 0..48 {
        chain.process(1000);
    }
    let before = chain.readout().compressor_gain_reduction_db;
    assert!(before > 3.0, "the compressor works on the tones: {before:.2} dB");
    let mut to = base;
    to.compressor.threshold_dbfs = -18.0;
    chain.apply_live(&to);
    chain.process(1);
    let after = chain.readout().compressor_gain_reduction_db;
    assert!((after - before).abs() < 0.1, "one sample later the reduction is still {before:.2} dB: {after:.2}");
}

fn tone(freq: f64, level: f64, bits: u8) -> ListenSpec {
    ListenSpec::Converter {
        params: ConverterParams {
            source: SourceParams::sine(freq, level),
            sample_rate_hz: FS,
            quantizer: QuantizerSettings::fixed(bits),
            ..ConverterParams::default()
        },
        tap: ConverterTap::Output,
        gain_db: 0.0,
    }
}

fn send(remote: &mut EngineRemote, side: Side, spec: &ListenSpec, session: Option<&Scene>) {
    let program = spec.build(remote.rate(), session).expect("builds");
    remote.send_program(side, program).expect("queue has room");
}

fn pull(engine: &mut AudioEngine, frames: usize) -> Vec<f64> {
    let mut buf = vec![0.0f32; 2 * 256];
    let mut out = Vec::new();
    while out.len() < frames {
        let n = (frames - out.len()).min(256);
        engine.process(&mut buf[..2 * n], 2);
        out.extend(buf[..2 * n].chunks_exact(2).map(|f| f64::from(f[0])));
    }
    out
}

fn playing() -> Control {
    Control { playing: true, volume_db: 0.0, ..Control::default() }
}

/// Records 0.6 s of an engine; after 0.3 s `at_change` runs (what the UI thread would do).
fn engine_change(
    setup: impl FnOnce(&mut EngineRemote),
    at_change: impl FnOnce(&mut EngineRemote),
    control: &Control,
) -> Vec<f64> {
    let (mut remote, mut engine) = new_engine(FS, control);
    setup(&mut remote);
    let mut y = pull(&mut engine, (0.3 * FS) as usize);
    at_change(&mut remote);
    y.extend(pull(&mut engine, (0.3 * FS) as usize));
    y
}

#[test]
fn pause_and_play_fade_out_and_in_within_ten_milliseconds() {
    let change = (0.3 * FS) as usize;
    let program = tone(1000.0, -6.0, 16);
    let mut paused = playing();
    paused.playing = false;
    // Pause, then play.
    for (from, to) in [(playing(), paused), (paused, playing())] {
        let y = engine_change(
            |r| {
                send(r, Side::A, &program, None);
                r.set_control(&from);
            },
            |r| r.set_control(&to),
            &from,
        );
        let click = click_db(&y, change);
        assert!(click <= CLICK_LIMIT_DB, "playing {} -> {}: a click of {click:.1} dB", from.playing, to.playing);
        // Silent 10 ms after a pause; at full level 10 ms after play.
        let later = &y[change + (0.010 * FS) as usize..change + (0.020 * FS) as usize];
        let peak = later.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        if to.playing {
            assert!((peak - 0.5).abs() < 0.01, "playing again at full level: {peak}");
        } else {
            assert!(peak == 0.0, "silent after the fade: {peak}");
        }
    }
    // The same pause by a hard switch is a click.
    let y = engine_change(|r| send(r, Side::A, &program, None), |_| {}, &playing());
    let mut hard = y.clone();
    hard[change..].fill(0.0);
    assert!(click_db(&hard, change) > CLICK_LIMIT_DB);
}

#[test]
fn a_new_engine_fades_in() {
    let (mut remote, mut engine) = new_engine(FS, &playing());
    send(&mut remote, Side::A, &tone(1000.0, -6.0, 16), None);
    let y = pull(&mut engine, 2000);
    assert!(y[0].abs() < 1e-3 && y[1].abs() < 1e-3, "starts from silence: {} {}", y[0], y[1]);
    let peak = y[500..].iter().fold(0.0f64, |m, x| m.max(x.abs()));
    assert!((peak - 0.5).abs() < 0.01, "{peak}");
}

/// Programs that arrive while a slot is still cross-fading wait for the fade: the one heard is
/// never cut, and the last one sent plays in the end.
#[test]
fn cross_fades_are_never_cut() {
    let change = (0.3 * FS) as usize;
    let levels = [-6.0, -12.0, -3.0, -20.0];
    let y = engine_change(
        |r| send(r, Side::A, &tone(1000.0, levels[0], 16), None),
        |r| {
            for &l in &levels[1..] {
                send(r, Side::A, &tone(1000.0, l, 16), None);
            }
        },
        &playing(),
    );
    let click = click_db(&y, change);
    assert!(click <= CLICK_LIMIT_DB, "a click of {click:.1} dB");
    let end = &y[y.len() - 4800..];
    let peak = end.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    assert!((20.0 * peak.log10() + 20.0).abs() < 0.1, "the last program sent plays: {peak}");
}

/// A new session (a change that rebuilds the chain) fades out and in; so does switching A/B.
#[test]
fn a_scene_swap_and_an_ab_switch_glide() {
    let change = (0.3 * FS) as usize;
    let scene = tones_scene();
    let mut other = scene.clone();
    other.tracks[0].bits = headroom_lab::dsp::quantizer::BitDepth::Fixed(16);
    let control = Control { live: LiveParams::from_scene(&scene), run_session: true, ..playing() };
    let y = engine_change(
        |r| {
            r.send_session(Chain::new(&scene).expect("chain")).expect("room");
            send(r, Side::A, &ListenSpec::Session { stage: StageId::Master }, Some(&scene));
        },
        |r| r.send_session(Chain::new(&other).expect("chain")).expect("room"),
        &control,
    );
    let click = click_db(&y, change);
    assert!(click <= CLICK_LIMIT_DB, "scene swap: a click of {click:.1} dB");

    let mut b = playing();
    b.active = Side::B;
    let y = engine_change(
        |r| {
            send(r, Side::A, &tone(1000.0, -6.0, 16), None);
            send(r, Side::B, &tone(1000.0, -20.0, 16), None);
        },
        |r| r.set_control(&b),
        &playing(),
    );
    let click = click_db(&y, change);
    assert!(click <= CLICK_LIMIT_DB, "A/B: a click of {click:.1} dB");
}

/// A tone, then a minute of digital silence through every filter and meter of the chain.
/// Filter tails decay towards zero; without flushing they become denormal numbers, whose
/// arithmetic is many times slower (the benchmark `audio` times it). Returns how many tap
/// samples in the silence were denormal.
fn denormals_after_silence() -> usize {
    let text = r#"
name = "Tone then silence"
sample_rate_hz = 48000

[[tracks]]
name = "Tone"
source = { kind = "sine", level_dbfs = -6, freq_hz = 1000 }
bits = 8
insert = true

[bus]
format = "float32"
compressor = { enabled = true, threshold_dbfs = -20, ratio = 4 }

[master]
limiter = { enabled = true, input_gain_db = 6 }
"#;
    let scene = Scene::from_toml("silence.toml", text).expect("scene");
    let mut chain = Chain::new(&scene).expect("chain");
    for _ in 0..48 {
        chain.process(1000);
    }
    // The preamp closes: the 8-bit ADC (no dither) turns what is left into exact zeros.
    let mut silent = LiveParams::from_scene(&scene);
    silent.tracks[0].preamp_db = -200.0;
    chain.apply_live(&silent);
    let stages = [StageId::TrackInsert(0), StageId::Track(0), StageId::Bus, StageId::Master];
    let mut denormal = 0;
    for _ in 0..(60 * 48) {
        chain.process(1000);
        for stage in stages {
            for ch in chain.tap(stage, 1000) {
                denormal += ch.iter().filter(|x| x.is_subnormal()).count();
            }
        }
    }
    denormal
}

#[test]
fn silence_after_a_tone_leaves_no_denormal_numbers_in_the_callback() {
    // Without the guard (a fresh thread: nothing set) the tails do turn denormal...
    let unguarded = std::thread::spawn(denormals_after_silence).join().expect("runs");
    assert!(unguarded > 0, "the measure is blind: no denormal appeared without the guard");
    // ... and the callback's guard flushes them.
    let guarded = std::thread::spawn(|| {
        headroom_lab::audio::engine::prevent_denormals();
        denormals_after_silence()
    })
    .join()
    .expect("runs");
    assert_eq!(guarded, 0, "{guarded} denormal samples with the guard");
    // The engine's callback sets the guard on whatever thread calls it.
    let flushed = std::thread::spawn(|| {
        let (_remote, mut engine) = new_engine(FS, &playing());
        let mut buf = vec![0.0f32; 512];
        engine.process(&mut buf, 2);
        std::hint::black_box(1e-300f64) * std::hint::black_box(1e-20f64)
    })
    .join()
    .expect("runs");
    assert_eq!(flushed, 0.0, "after a callback, a denormal product must flush to zero");
}
