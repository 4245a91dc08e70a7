//! The audio engine as the sound card would drive it, through a null backend (blocks pulled by
//! the test): real-time discipline (no allocation in the callback), output equal to the
//! offline render, changes heard within two blocks without clicks, loudness matching, and an
//! output that never passes the safety limit.
#![allow(unsafe_code, reason = "a counting global allocator needs `unsafe impl GlobalAlloc`")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use headroom_lab::abx::Side;
use headroom_lab::audio::engine::engine as new_engine;
use headroom_lab::audio::engine::{AudioEngine, Control, EngineRemote};
use headroom_lab::audio::program::ListenSpec;
use headroom_lab::audio::protect::OUTPUT_LIMIT_DBFS;
use headroom_lab::audio::voice::ConverterTap;
use headroom_lab::chain::engine::{Chain, LiveParams, StageId};
use headroom_lab::chain::scene::Scene;
use headroom_lab::dsp::converter::{Converter, ConverterParams};
use headroom_lab::dsp::quantizer::QuantizerSettings;
use headroom_lab::dsp::resample::{Resampler, SrcQuality};
use headroom_lab::dsp::source::{SourceKind, SourceParams};
use headroom_lab::units::db_to_amp;

/// Counts allocations and frees made by the thread that armed it.
struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}
static EVENTS: AtomicUsize = AtomicUsize::new(0);
/// Print where each counted allocation comes from (set `HL_ALLOC_TRACE=1` to debug).
static TRACE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn note() {
    if ARMED.with(Cell::get) {
        EVENTS.fetch_add(1, Ordering::Relaxed);
        if TRACE.load(Ordering::Relaxed) {
            ARMED.with(|a| a.set(false));
            eprintln!("allocation in the callback:\n{}", std::backtrace::Backtrace::force_capture());
            ARMED.with(|a| a.set(true));
        }
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note();
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns how many allocations and frees this thread made meanwhile.
fn allocations_in(f: impl FnOnce()) -> usize {
    TRACE.store(std::env::var_os("HL_ALLOC_TRACE").is_some(), Ordering::Relaxed);
    let before = EVENTS.load(Ordering::Relaxed);
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    EVENTS.load(Ordering::Relaxed) - before
}

fn scene(name: &str) -> Scene {
    // The demos are numbered in class order: find "NN-name".
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demos");
    let path = std::fs::read_dir(&dir)
        .expect("assets/demos")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(&format!("-{name}"))))
        .unwrap_or_else(|| dir.join(name));
    Scene::load(&path).expect("the scene loads")
}

/// Frames a new engine takes to fade in: 5 ms, after the session's delay line has filled
/// (the limiter's lookahead, about 5 ms), rounded up to blocks.
const FADE_IN: usize = 1024;

fn tone(freq: f64, level: f64, fs: f64, bits: u8) -> ConverterParams {
    ConverterParams {
        source: SourceParams::sine(freq, level),
        sample_rate_hz: fs,
        quantizer: QuantizerSettings::fixed(bits),
        ..ConverterParams::default()
    }
}

fn converter(params: ConverterParams) -> ListenSpec {
    ListenSpec::Converter { params, tap: ConverterTap::Output, gain_db: 0.0 }
}

fn playing(volume_db: f64) -> Control {
    Control { playing: true, volume_db, ..Control::default() }
}

/// Playing `scene`'s session: its gains are the live settings the engine applies.
fn playing_scene(volume_db: f64, scene: &Scene) -> Control {
    Control { live: LiveParams::from_scene(scene), ..playing(volume_db) }
}

/// Pulls `blocks` blocks of `frames` stereo frames and returns the left channel.
fn pull(engine: &mut AudioEngine, blocks: usize, frames: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(blocks * frames);
    let mut buf = vec![0.0f32; 2 * frames];
    for _ in 0..blocks {
        engine.process(&mut buf, 2);
        out.extend(buf.chunks_exact(2).map(|f| f[0]));
    }
    out
}

fn send(remote: &mut EngineRemote, side: Side, spec: &ListenSpec, session: Option<&Scene>) -> u64 {
    let program = spec.build(remote.rate(), session).expect("builds");
    remote.send_program(side, program).expect("queue has room")
}

/// The callback's processing never allocates or frees, across parameter changes, point
/// switches, A/B, loudness matching, new programs, a new session and meter resets.
#[test]
fn the_callback_never_allocates() {
    let mix = scene("clean-mix.toml");
    let control = playing_scene(-12.0, &mix);
    let (mut remote, mut engine) = new_engine(48_000.0, &control);
    remote.send_session(Chain::new(&mix).expect("chain")).expect("room");
    send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::Master }, Some(&mix));
    send(&mut remote, Side::B, &converter(tone(997.0, -6.0, 44_100.0, 8)), None);
    let mut out = vec![0.0f32; 2 * 256];
    // Warm up: the first blocks may touch lazily built tables.
    for _ in 0..20 {
        engine.process(&mut out, 2);
    }
    remote.collect_garbage();

    let mut total = 0;
    let mut c = control;
    for step in 0..60 {
        // What the UI thread would do between callbacks (allowed to allocate).
        match step % 12 {
            0 => c.volume_db = -20.0 + f64::from(step % 7),
            1 => c.live.master_fader_db = -3.0,
            2 => c.active = Side::B,
            3 => c.loudness_match = !c.loudness_match,
            4 => c.active = Side::A,
            5 => {
                let p = tone(500.0 + f64::from(step), -12.0, 32_000.0, 12);
                send(&mut remote, Side::B, &converter(p), None);
            }
            6 => {
                send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::Export }, Some(&mix));
            }
            7 => c.scope_stage = StageId::Track(1),
            8 => {
                assert!(remote.reset_meters());
                assert!(remote.reset_clips(StageId::Master));
            }
            9 => remote.send_session(Chain::new(&mix).expect("chain")).expect("room"),
            10 => {
                let mut stairs = tone(1000.0, -6.0, 8_000.0, 8);
                stairs.reconstruction = headroom_lab::dsp::reconstruct::Reconstruction::Staircase;
                send(&mut remote, Side::B, &converter(stairs), None);
                c.live.tracks[0].fader_db = -10.0;
                c.live.tracks[2].mute = true;
            }
            _ => {
                send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::TrackSource(0) }, Some(&mix));
                c.run_session = !c.run_session;
            }
        }
        remote.set_control(&c);
        // The callback, several times per change.
        total += allocations_in(|| {
            for _ in 0..4 {
                engine.process(&mut out, 2);
            }
        });
        remote.collect_garbage();
        let _ = remote.report();
    }
    assert_eq!(total, 0, "the callback allocated or freed {total} times");
}

/// At any device rate from 8 kHz to 192 kHz the callback allocates nothing, however far the
/// converter's rate is from the device's (starting a voice primes its resampler's history in
/// the callback: the room for it was made when the voice was built).
#[test]
fn the_callback_never_allocates_at_any_device_rate() {
    let mix = scene("clean-mix.toml");
    for device in [8_000.0, 11_025.0, 44_100.0, 96_000.0, 192_000.0] {
        let control = playing_scene(-12.0, &mix);
        let (mut remote, mut engine) = new_engine(device, &control);
        remote.send_session(Chain::new(&mix).expect("chain")).expect("room");
        send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::Master }, Some(&mix));
        let mut out = vec![0.0f32; 2 * 256];
        for _ in 0..20 {
            engine.process(&mut out, 2);
        }
        remote.collect_garbage();
        let mut total = 0;
        for (k, fs) in [8_000.0, 44_100.0, 192_000.0, 22_050.0].into_iter().enumerate() {
            let mut p = tone(997.0, -6.0, fs, 12);
            if k % 2 == 1 {
                p.reconstruction = headroom_lab::dsp::reconstruct::Reconstruction::Staircase;
            }
            send(&mut remote, Side::B, &converter(p), None);
            send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::Export }, Some(&mix));
            total += allocations_in(|| {
                for _ in 0..8 {
                    engine.process(&mut out, 2);
                }
            });
            remote.collect_garbage();
        }
        assert_eq!(total, 0, "at {device} Hz the callback allocated or freed {total} times");
    }
}

/// A tap of a track the running chain lacks (the UI sent it before the chain that has the
/// track) plays silence and costs nothing: the session runs one block's worth per callback.
#[test]
fn a_tap_of_a_missing_track_plays_silence_until_its_chain_arrives() {
    let mix = scene("clean-mix.toml");
    let mut bigger = mix.clone();
    bigger.tracks.push(bigger.tracks[0].clone());
    bigger.tracks[4].name = "Extra".into();
    let control = playing_scene(0.0, &mix);
    let (mut remote, mut engine) = new_engine(48_000.0, &control);
    remote.send_session(Chain::new(&mix).expect("chain")).expect("room");
    let tap = ListenSpec::Session { stage: StageId::TrackAdc(4) }.build(48_000.0, Some(&bigger)).expect("builds");
    remote.send_program(Side::A, tap).expect("room");
    let out = pull(&mut engine, 20, 256);
    assert!(out.iter().all(|&x| x == 0.0), "silence while the track is missing");
    let position = remote.report().meters.position;
    assert!(position <= 20 * 256 + 16, "the session ran {position} samples for {} frames", 20 * 256);
    remote.send_session(Chain::new(&bigger).expect("chain")).expect("room");
    let out = pull(&mut engine, 20, 256);
    assert!(out.iter().any(|&x| x != 0.0), "the track plays once its chain has come");
}

/// With the device at the session's rate and the safety limiter idle, the callback plays the
/// offline render of the master sample for sample, whatever the callback's size.
#[test]
fn the_callback_plays_the_offline_render_sample_for_sample() {
    let mix = scene("clean-mix.toml");
    let volume_db = -12.0; // The master peaks near -1 dBFS: -13 dBFS out, below the limit.
    let (mut remote, mut engine) = new_engine(mix.sample_rate_hz, &playing_scene(volume_db, &mix));
    remote.send_session(Chain::new(&mix).expect("chain")).expect("room");
    send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::Master }, Some(&mix));
    let mut heard = Vec::new();
    for (i, size) in [256usize, 17, 1000, 441, 64].iter().cycle().take(150).enumerate() {
        heard.extend(pull(&mut engine, 1, *size + i % 3));
    }
    let offline = Chain::new(&mix).expect("chain").render(StageId::Master, heard.len());
    let g = db_to_amp(volume_db);
    let expected: Vec<f32> = offline[0].iter().map(|x| (x * g) as f32).collect();
    assert_eq!(heard.len(), expected.len());
    // A new engine fades in over its first milliseconds; from then on it is the render.
    assert!(heard[0] == 0.0 && heard[..FADE_IN].iter().zip(&expected).all(|(a, b)| a.abs() <= b.abs()));
    let first_diff = heard.iter().zip(&expected).skip(FADE_IN).position(|(a, b)| a != b);
    assert_eq!(first_diff, None, "the callback departs from the render at sample {first_diff:?} after the fade-in");
}

/// The export at 44.1 kHz heard on a 48 kHz device is the offline export resampled by the same
/// converter; a converter's output at the device's rate is the converter's samples.
#[test]
fn resampled_and_converter_points_equal_their_offline_renders() {
    let mut mix = scene("clean-mix.toml");
    mix.export.sample_rate_hz = Some(44_100.0);
    let g = db_to_amp(-12.0);
    let (mut remote, mut engine) = new_engine(48_000.0, &playing_scene(-12.0, &mix));
    remote.send_session(Chain::new(&mix).expect("chain")).expect("room");
    send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::Export }, Some(&mix));
    let heard = pull(&mut engine, 200, 256);
    let export = Chain::new(&mix).expect("chain").render(StageId::Export, 60_000);
    let mut resampled = Vec::new();
    Resampler::new(44_100.0, 48_000.0, SrcQuality::High).process(&export[0], &mut resampled);
    let expected: Vec<f32> = resampled.iter().map(|x| (x * g) as f32).collect();
    assert!(expected.len() > heard.len());
    let first_diff = heard.iter().zip(&expected).skip(FADE_IN).position(|(a, b)| a != b);
    assert_eq!(first_diff, None, "export stage at 48 kHz departs at {first_diff:?} after the fade-in");

    let p = tone(997.0, -3.0, 48_000.0, 8);
    let (mut remote, mut engine) = new_engine(48_000.0, &playing(-12.0));
    send(&mut remote, Side::A, &converter(p.clone()), None);
    let heard = pull(&mut engine, 40, 300);
    let samples = Converter::new(&p).expect("valid").render(0, heard.len()).output;
    let expected: Vec<f32> = samples.iter().map(|x| (x * g) as f32).collect();
    let first_diff = heard.iter().zip(&expected).skip(FADE_IN).position(|(a, b)| a != b);
    assert_eq!(first_diff, None, "converter output at its own rate departs at {first_diff:?} after the fade-in");
}

fn max_step(x: &[f32]) -> f32 {
    x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max)
}

/// New settings are heard within two blocks of 256 frames, and they glide in: no step in the
/// waveform larger than the tone's own steepest slope.
#[test]
fn changes_are_heard_within_two_blocks_without_clicks() {
    let quiet = tone(440.0, -12.0, 48_000.0, 16);
    let loud = tone(440.0, -6.0, 48_000.0, 16);
    let run = |change: bool| {
        let (mut remote, mut engine) = new_engine(48_000.0, &playing(0.0));
        send(&mut remote, Side::A, &converter(quiet.clone()), None);
        let mut out = pull(&mut engine, 10, 256);
        let serial = change.then(|| send(&mut remote, Side::A, &converter(loud.clone()), None));
        out.extend(pull(&mut engine, 1, 256));
        let report = *remote.report();
        out.extend(pull(&mut engine, 9, 256));
        (out, serial, report)
    };
    let (before, _, _) = run(false);
    let (after, serial, report) = run(true);
    assert_eq!(report.serials[0], serial.expect("sent"), "the new program plays from the next block");
    let first = before.iter().zip(&after).position(|(a, b)| a != b).expect("the change is heard");
    assert!((10 * 256..12 * 256).contains(&first), "first changed sample {first}");
    // The steepest slope of a sine at -6 dBFS is 2 pi f A / fs per sample.
    let slope = (std::f64::consts::TAU * 440.0 * db_to_amp(-6.0) / 48_000.0) as f32;
    assert!(max_step(&after) < 1.05 * slope, "a step of {} against a slope of {slope}", max_step(&after));

    // The volume glides too.
    let mut c = playing(-30.0);
    let (mut remote, mut engine) = new_engine(48_000.0, &c);
    send(&mut remote, Side::A, &converter(loud.clone()), None);
    let mut out = pull(&mut engine, 10, 256);
    c.volume_db = -6.0;
    remote.set_control(&c);
    out.extend(pull(&mut engine, 10, 256));
    assert!(max_step(&out) < 1.05 * slope, "volume: step {}", max_step(&out));
    let peak_late = out[15 * 256..].iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!((f64::from(peak_late) - db_to_amp(-12.0)).abs() < 1e-3, "the new volume is reached: {peak_late}");
}

/// A/B switching cross-fades: switching between two tones of different level leaves no step.
#[test]
fn switching_a_and_b_is_instant_and_smooth() {
    let mut c = playing(0.0);
    let (mut remote, mut engine) = new_engine(48_000.0, &c);
    send(&mut remote, Side::A, &converter(tone(440.0, -6.0, 48_000.0, 16)), None);
    send(&mut remote, Side::B, &converter(tone(440.0, -20.0, 48_000.0, 16)), None);
    let mut out = pull(&mut engine, 8, 256);
    c.active = Side::B;
    remote.set_control(&c);
    out.extend(pull(&mut engine, 8, 256));
    let slope = (std::f64::consts::TAU * 440.0 * db_to_amp(-6.0) / 48_000.0) as f32;
    assert!(max_step(&out) < 1.05 * slope, "step {}", max_step(&out));
    let peak_b = out[12 * 256..].iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!((f64::from(peak_b) - db_to_amp(-20.0)).abs() < 1e-3, "B plays after the switch: {peak_b}");
    assert_eq!(remote.report().active, Side::B);
}

fn rms_db(x: &[f32]) -> f64 {
    let ms = x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64;
    10.0 * ms.log10()
}

/// Loudness matching brings a 14 dB louder A down to B: within 0.5 dB after a few seconds.
#[test]
fn loudness_matching_levels_a_and_b() {
    for matched in [false, true] {
        let mut c = Control { loudness_match: matched, ..playing(0.0) };
        let (mut remote, mut engine) = new_engine(48_000.0, &c);
        send(&mut remote, Side::A, &converter(tone(1000.0, -6.0, 48_000.0, 16)), None);
        send(&mut remote, Side::B, &converter(tone(1000.0, -20.0, 48_000.0, 16)), None);
        let a = pull(&mut engine, 1200, 256); // 6.4 s
        c.active = Side::B;
        remote.set_control(&c);
        let b = pull(&mut engine, 200, 256);
        let (la, lb) = (rms_db(&a[a.len() - 24_000..]), rms_db(&b[b.len() - 24_000..]));
        if matched {
            assert!((la - lb).abs() < 0.5, "matched: A {la:.2} dB, B {lb:.2} dB");
            let r = remote.report();
            assert!((r.match_gain_db[0] + 14.0).abs() < 0.5, "A turned down by {:.2} dB", r.match_gain_db[0]);
        } else {
            assert!((la - lb - 14.0).abs() < 0.1, "unmatched: A {la:.2} dB, B {lb:.2} dB");
        }
    }
}

/// Whatever is played and however high the volume, nothing leaves above the safety limit.
#[test]
fn the_output_never_exceeds_the_safety_limit() {
    let limit = db_to_amp(OUTPUT_LIMIT_DBFS) as f32;
    let mut square = tone(2_500.0, 0.0, 48_000.0, 4);
    square.source.kind = SourceKind::Square;
    square.analog_gain_db = 40.0;
    let mut c = playing(0.0);
    let (mut remote, mut engine) = new_engine(48_000.0, &c);
    send(&mut remote, Side::A, &converter(square), None);
    let mut noise = tone(1000.0, 0.0, 8_000.0, 24);
    noise.source.kind = SourceKind::WhiteNoise;
    send(&mut remote, Side::B, &converter(noise), None);
    let mut out = pull(&mut engine, 200, 256);
    c.active = Side::B;
    c.volume_db = 60.0; // Out of range: clamped.
    remote.set_control(&c);
    out.extend(pull(&mut engine, 200, 256));
    let peak = out.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(peak <= limit, "peak {peak} above the limit {limit}");
    assert!(peak > 0.9 * limit, "the limiter holds the level at the limit, not far below: {peak}");
    assert!(remote.report().protection_db > 3.0);
}

/// Paused, the engine plays silence and its clock stands still; settings still arrive.
#[test]
fn paused_is_silent_and_still() {
    let mut c = playing(0.0);
    c.playing = false;
    let (mut remote, mut engine) = new_engine(48_000.0, &c);
    let serial = send(&mut remote, Side::A, &converter(tone(440.0, -6.0, 48_000.0, 16)), None);
    let out = pull(&mut engine, 10, 256);
    assert!(out.iter().all(|&x| x == 0.0));
    let r = *remote.report();
    assert_eq!((r.frames, r.serials[0], r.playing), (0, serial, false));
}

#[test]
fn the_input_callback_never_allocates_even_when_its_queue_is_full() {
    use headroom_lab::audio::input::feed;
    let (mut sink, health, mut stream) = feed("test", 48_000.0);
    // What a device hands the callback: 10 ms of stereo f32 frames.
    let block: Vec<f32> = (0..960).map(|i| (i as f32 * 0.01).sin()).collect();
    let n = allocations_in(|| {
        // 3 s into a 2 s queue: the last second overflows and is counted, not waited for.
        for _ in 0..300 {
            sink.push_frames(&health, &block, 2);
        }
    });
    assert_eq!(n, 0, "the input callback allocated {n} times");
    assert!(stream.health().underruns > 0, "the overflow is counted");
    let mut out = Vec::new();
    assert_eq!(stream.read(&mut out), 96_000, "the queue holds 2 s");
}

/// A desk whose only track is live input, and a tone arriving from an input device whose
/// clock runs `drift` fast against the output's: pulls `secs` of the track's ADC tap in
/// 256-frame blocks while the input delivers 10 ms blocks, as two devices would.
fn live_desk(drift: f64, secs: f64, arm: bool) -> (Vec<f32>, headroom_lab::audio::Report, usize) {
    use headroom_lab::audio::live::LiveFeed;
    use headroom_lab::chain::scene::{TrackParams, TrackSource, TrackSourceKind};
    let mut desk = Scene::band();
    let mut voice: TrackParams = desk.tracks[0].clone();
    voice.name = "Voice".into();
    voice.source =
        TrackSource { kind: TrackSourceKind::Live, level_dbfs: 0.0, freq_hz: None, freq2_hz: None, path: None };
    voice.input_noise_dbfs = None;
    voice.preamp_db = 6.0;
    desk.tracks = vec![voice];
    let (mut remote, mut engine) = new_engine(48_000.0, &playing_scene(0.0, &desk));
    remote.send_session(Chain::new(&desk).expect("chain")).expect("room");
    send(&mut remote, Side::A, &ListenSpec::Session { stage: StageId::TrackAdc(0) }, Some(&desk));
    let (mut tx, rx) = rtrb::RingBuffer::new(24_000);
    remote.send_live_input(Some(Box::new(LiveFeed::new(rx, 48_000.0, 48_000.0)))).expect("room");
    let mut out = Vec::new();
    let mut buf = vec![0.0f32; 512];
    let (mut t_in, mut t_out, mut n) = (0.0, 0.0, 0u64);
    let mut allocations = 0;
    let (mut tone, block) = (Vec::with_capacity(480), 480usize);
    while t_out < secs {
        if t_in <= t_out {
            tone.clear();
            for _ in 0..block {
                tone.push((0.25 * (std::f64::consts::TAU * 1000.0 * n as f64 / 48_000.0).sin()) as f32);
                n += 1;
            }
            let k = allocations_in(|| {
                for &x in &tone {
                    let _ = tx.push(x);
                }
            });
            allocations += k;
            t_in += block as f64 / (48_000.0 * (1.0 + drift));
        } else {
            if arm && t_out > 1.0 {
                allocations += allocations_in(|| engine.process(&mut buf, 2));
            } else {
                engine.process(&mut buf, 2);
            }
            out.extend(buf.chunks_exact(2).map(|f| f[0]));
            t_out += 256.0 / 48_000.0;
        }
    }
    (out, *remote.report(), allocations)
}

/// Live input through the desk: the tone the input delivers comes out of the track's ADC at
/// its level plus the preamp, with no glitch while the feed follows a 200 ppm clock difference,
/// and the callback allocates nothing with live input flowing.
#[test]
fn live_input_plays_through_the_desk_following_the_input_clock() {
    let (out, report, allocations) = live_desk(2e-4, 20.0, true);
    assert_eq!(allocations, 0, "the callback allocated with live input");
    let live = report.live.expect("the engine reports its live input");
    assert!(live.running, "{live:?}");
    assert_eq!((live.underruns, live.skips), (0, 0), "{live:?}");
    assert!((live.correction - 2e-4).abs() < 1e-4, "follows the clocks: {live:?}");
    assert!(live.delay_secs < 0.04, "{live:?}");
    let steady: Vec<f64> = out[5 * 48_000..].iter().map(|&x| f64::from(x)).collect();
    // -12.04 dBFS in, +6 dB of preamp: a peak of 0.5 at the ADC.
    let peak = steady.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    assert!((headroom_lab::units::amp_to_db(peak) - headroom_lab::units::amp_to_db(0.5)).abs() < 0.05, "peak {peak}");
    // No glitch: no second difference beyond a clean sine's (plus the f32 output's rounding).
    let bound = 0.5 * (std::f64::consts::TAU * 1000.0 * 1.0002 / 48_000.0).powi(2);
    let worst = steady.windows(3).map(|w| (w[2] - 2.0 * w[1] + w[0]).abs()).fold(0.0, f64::max);
    assert!(worst < 1.02 * bound + 1e-6, "second difference {worst} vs {bound}");
}

/// The converter screen with live input heard: the engine hands the live input, at the
/// device's rate, to the converter (16 kHz, 12 bits, no filter), whose output tap plays a 1 kHz
/// tone at its level (within the 12-bit grid's error), continuously, without allocating.
#[test]
fn the_converter_plays_live_input_through_its_sampler_and_quantizer() {
    use headroom_lab::audio::live::LiveFeed;
    use headroom_lab::dsp::filter::AaFilterKind;
    let params = ConverterParams {
        source: SourceParams { kind: SourceKind::LiveInput, ..SourceParams::default() },
        sample_rate_hz: 16_000.0,
        quantizer: QuantizerSettings {
            bit_depth: headroom_lab::dsp::quantizer::BitDepth::Fixed(12),
            ..QuantizerSettings::default()
        },
        aa_filter: headroom_lab::dsp::filter::AaFilter { kind: AaFilterKind::Off, cutoff_hz: None },
        ..ConverterParams::default()
    };
    let (mut remote, mut engine) = new_engine(48_000.0, &playing(0.0));
    send(&mut remote, Side::A, &converter(params), None);
    let (mut tx, rx) = rtrb::RingBuffer::new(24_000);
    remote.send_live_input(Some(Box::new(LiveFeed::new(rx, 48_000.0, 48_000.0)))).expect("room");
    let mut out = Vec::new();
    let mut buf = vec![0.0f32; 512];
    let (mut t_in, mut t_out, mut n, mut allocations) = (0.0, 0.0, 0u64, 0);
    while t_out < 6.0 {
        if t_in <= t_out {
            for _ in 0..480 {
                let _ = tx.push((0.25 * (std::f64::consts::TAU * 1000.0 * n as f64 / 48_000.0).sin()) as f32);
                n += 1;
            }
            t_in += 0.01;
        } else {
            if t_out > 1.0 {
                allocations += allocations_in(|| engine.process(&mut buf, 2));
            } else {
                engine.process(&mut buf, 2);
            }
            out.extend(buf.chunks_exact(2).map(|f| f64::from(f[0])));
            t_out += 256.0 / 48_000.0;
        }
    }
    assert_eq!(allocations, 0, "the callback allocated with the live converter");
    let live = remote.report().live.expect("a live input");
    assert!(live.running && live.underruns == 0, "{live:?}");
    let steady = &out[2 * 48_000..];
    let peak = steady.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    // 12 bits: the grid's step is 2^-11; the reconstructed tone peaks within a step of 0.25.
    assert!((peak - 0.25).abs() < 2.0 * 2f64.powi(-11), "peak {peak}");
    assert!(
        steady.windows(2).all(|w| (w[1] - w[0]).abs() < 0.25 * std::f64::consts::TAU * 1000.0 / 48_000.0 * 1.2),
        "a step"
    );
}
