//! Sound through a real sound server, as on a Linux desktop: a private PulseAudio (its own
//! runtime folder and HOME) with a null sink paced by its own clock, ALSA's default device
//! routed to it by the pulse plugin, the real app under Xvfb playing, and the sink's monitor
//! recorded with `parec`. The recording must hold the sound the model says, with no gap:
//!
//! 1. the converter's aliasing preset: the 14.1 kHz alias at -19 dBFS (-1 dBFS at -18 dB of
//!    volume) in every 50 ms window after the first half second;
//! 2. the desk's clean mix: its integrated loudness within 0.5 LU of the offline render's at
//!    the same volume;
//! 3. the same with both cores kept busy: no gap longer than one buffer;
//! 4. the sink unloaded and loaded again while the app plays: the sound comes back.
//!
//! Needs `pulseaudio`, `pulseaudio-utils`, `libasound2-plugins` (for ALSA's pulse plugin),
//! `xvfb` and a Vulkan driver: `.ci/setup` installs them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use headroom_lab::analysis::loudness::LoudnessMeter;

const RATE: f64 = 48_000.0;
/// The app's default volume, dB.
const VOLUME_DB: f64 = -18.0;
/// One app run plays this long, seconds.
const RUN_SECS: f64 = 21.0;

/// One test at a time: each starts its own server and the load test needs the cores.
static SERIAL: Mutex<()> = Mutex::new(());

#[path = "common/pulse.rs"]
mod pulse;

use pulse::{SINK_MODULE, Server, require};

impl Server {
    /// Starts recording the sink's monitor into `file` (32-bit float WAV).
    fn record(&self, file: &Path) -> Recorder {
        require("parec", "pulseaudio-utils");
        let mut cmd = Command::new("parec");
        cmd.args(["-d", "hl.monitor", "--rate=48000", "--channels=2", "--format=float32le", "--file-format=wav"])
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        Recorder(self.env(&mut cmd).spawn().expect("parec starts"))
    }

    /// Runs the app with `args` under Xvfb for [`RUN_SECS`]; returns its sound report line.
    fn run_app(&self, args: &[&str]) -> String {
        require("xvfb-run", "xvfb");
        let mut cmd = Command::new("xvfb-run");
        cmd.args(["-a", "-s", "-screen 0 1280x720x24", env!("CARGO_BIN_EXE_headroom-lab")]).args(args).args([
            "--size",
            "1280x720",
            "--run-secs",
            &RUN_SECS.to_string(),
        ]);
        let out = self.env(&mut cmd).output().expect("the app runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "the app failed: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
        for event in stdout.lines().filter(|l| l.starts_with("sound event ")) {
            eprintln!("{event}");
        }
        let mut report = stdout.lines().find(|l| l.starts_with("sound device")).unwrap_or_default().to_string();
        assert!(report.contains("audible=true"), "the app played no sound through the server: {report:?}");
        // The live input's line, when it ran, after the device's.
        if let Some(live) = stdout.lines().find(|l| l.starts_with("live input")) {
            report = format!("{report}\n{live}");
        }
        eprintln!("{report}");
        report
    }
}

/// A running `parec`; stopped (and its file finished) by [`Recorder::stop`] or when dropped.
struct Recorder(Child);

impl Recorder {
    fn stop(mut self) {
        self.interrupt();
    }

    fn interrupt(&mut self) {
        // SIGINT lets parec finish the WAV header.
        let _ = Command::new("kill").args(["-INT", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            self.interrupt();
        }
    }
}

/// BS.1770 integrated loudness of a stereo pair, LUFS.
fn integrated_lufs(l: &[f64], r: &[f64]) -> f64 {
    let mut meter = LoudnessMeter::new(2, RATE);
    meter.process(&[l, r]);
    meter.integrated()
}

/// The left channel of a recording, from the first sound to the last.
fn sounding(file: &Path) -> Vec<f64> {
    let wav = headroom_lab::wav::read_file(file).expect("the recording is a WAV file");
    let left = &wav.channels[0];
    let first = left.iter().position(|x| x.abs() > 1e-4).expect("the recording holds sound");
    let last = left.iter().rposition(|x| x.abs() > 1e-4).expect("sound");
    left[first..=last].to_vec()
}

/// The longest run of exact digital silence in `x`, in samples (a gap the server filled).
fn longest_gap(x: &[f64]) -> usize {
    let (mut longest, mut run) = (0, 0);
    for &v in x {
        run = if v == 0.0 { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// The amplitude of the component at `freq` in `x` (Hann window, single bin).
fn tone_amplitude(x: &[f64], freq: f64) -> f64 {
    let n = x.len() as f64;
    let (mut re, mut im, mut wsum) = (0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n).cos();
        let ph = std::f64::consts::TAU * freq * i as f64 / RATE;
        re += w * v * ph.cos();
        im += w * v * ph.sin();
        wsum += w;
    }
    2.0 * (re * re + im * im).sqrt() / wsum
}

fn field(report: &str, key: &str) -> f64 {
    report
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{key} missing in {report:?}"))
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("hl-sound-{name}-{}.wav", std::process::id()))
}

/// The aliasing preset: the 14.1 kHz alias at its level in every 50 ms window, no gap.
#[test]
fn the_aliasing_preset_plays_without_a_gap() {
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = Server::start("alias");
    let file = temp("alias");
    let rec = server.record(&file);
    let report = server.run_app(&["--preset", "aliasing", "--play"]);
    rec.stop();
    let x = sounding(&file);
    let _ = std::fs::remove_file(&file);
    assert!(x.len() as f64 > (RUN_SECS - 3.0) * RATE, "only {:.1} s of sound", x.len() as f64 / RATE);
    let expected = 10f64.powf((-1.0 + VOLUME_DB) / 20.0);
    let window = (0.05 * RATE) as usize;
    let mut worst: f64 = 0.0;
    for (k, w) in x[(0.5 * RATE) as usize..].chunks_exact(window).enumerate() {
        let db = 20.0 * (tone_amplitude(w, 14_100.0) / expected).log10();
        worst = worst.max(db.abs());
        assert!(db.abs() < 1.0, "window {k} ({:.2} s): the alias is {db:+.1} dB off ({report})", 0.5 + k as f64 * 0.05);
    }
    let gap = longest_gap(&x);
    assert!(gap < 8, "a gap of {gap} samples ({report})");
    eprintln!("aliasing: every 50 ms window within {worst:.2} dB of -19 dBFS, longest silence {gap} samples");
}

/// Renders the clean mix's master offline and measures it as the recording is measured.
fn expected_clean_mix_lufs(seconds: f64) -> f64 {
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demos/15-clean-mix.toml");
    let scene = headroom_lab::chain::scene::Scene::load(&scene).expect("scene");
    let mut chain = headroom_lab::chain::engine::Chain::new(&scene).expect("chain");
    let master = chain.render(headroom_lab::chain::engine::StageId::Master, (seconds * RATE) as usize);
    integrated_lufs(&master[0], &master[1]) + VOLUME_DB
}

fn recorded_lufs(file: &Path) -> (f64, usize, f64) {
    let wav = headroom_lab::wav::read_file(file).expect("WAV");
    let (l, r) = (&wav.channels[0], &wav.channels[1]);
    let first = l.iter().zip(r).position(|(a, b)| a.abs().max(b.abs()) > 1e-4).expect("sound");
    let last = l.iter().zip(r).rposition(|(a, b)| a.abs().max(b.abs()) > 1e-4).expect("sound");
    let (l, r) = (&l[first..=last], &r[first..=last]);
    let lufs = integrated_lufs(l, r);
    (lufs, longest_gap(l).max(longest_gap(r)), l.len() as f64 / RATE)
}

fn clean_mix(load: bool) {
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = Server::start(if load { "mix-load" } else { "mix" });
    let file = temp(if load { "mix-load" } else { "mix" });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burners: Vec<_> = (0..if load { 2 } else { 0 })
        .map(|_| {
            let stop = std::sync::Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
                }
            })
        })
        .collect();
    let rec = server.record(&file);
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demos/15-clean-mix.toml");
    let report = server.run_app(&["--scene", scene.to_str().expect("utf-8"), "--play"]);
    rec.stop();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for b in burners {
        let _ = b.join();
    }
    let (lufs, gap, secs) = recorded_lufs(&file);
    let _ = std::fs::remove_file(&file);
    let expected = expected_clean_mix_lufs(secs);
    eprintln!(
        "clean mix{}: {secs:.1} s recorded at {lufs:.2} LUFS, offline {expected:.2} LUFS, longest silence {gap} samples, {report}",
        if load { " under load" } else { "" }
    );
    assert!(secs > RUN_SECS - 3.0, "only {secs:.1} s of sound");
    let buffer = 2.0 * field(&report, "period");
    assert!((gap as f64) < buffer.max(1.0), "a gap of {gap} samples, more than one buffer ({buffer}): {report}");
    if !load {
        assert!((lufs - expected).abs() < 0.5, "recorded {lufs:.2} LUFS against {expected:.2} LUFS offline");
    }
}

#[test]
fn the_clean_mix_is_heard_at_its_rendered_loudness() {
    clean_mix(false);
}

#[test]
fn the_clean_mix_plays_without_gaps_while_both_cores_are_busy() {
    clean_mix(true);
}

/// The sink goes away for two seconds while the app plays, then comes back: the app says
/// nothing else and plays again within a second.
#[test]
fn sound_comes_back_after_the_device_comes_back() {
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = Server::start("replug");
    let app = {
        let mut cmd = Command::new("xvfb-run");
        cmd.args(["-a", "-s", "-screen 0 1280x720x24", env!("CARGO_BIN_EXE_headroom-lab")])
            .args(["--preset", "aliasing", "--play", "--size", "1280x720", "--run-secs", "12"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        server.env(&mut cmd).spawn().expect("the app runs")
    };
    std::thread::sleep(Duration::from_secs(4));
    assert!(server.pactl(&["unload-module", "module-null-sink"]), "the sink unloads");
    std::thread::sleep(Duration::from_secs(2));
    let module = SINK_MODULE.trim_start_matches("load-module ");
    let mut args = vec!["load-module"];
    args.extend(module.split_whitespace());
    assert!(server.pactl(&args), "the sink loads again");
    let back = Instant::now();
    let file = temp("replug");
    let rec = server.record(&file);
    std::thread::sleep(Duration::from_secs(4));
    rec.stop();
    let out = app.wait_with_output().expect("the app ends");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "the app failed: {stdout}");
    let report = stdout.lines().find(|l| l.starts_with("sound device")).unwrap_or_default();
    eprintln!("{stdout}");
    let wav = headroom_lab::wav::read_file(&file).expect("WAV");
    let _ = std::fs::remove_file(&file);
    let left = &wav.channels[0];
    let first = left.iter().position(|x| x.abs() > 1e-4).expect("sound came back");
    let after = first as f64 / RATE;
    eprintln!("sound back {after:.2} s after the sink came back ({:.2} s of recording)", back.elapsed().as_secs_f64());
    assert!(after < 1.5, "sound came back only after {after:.2} s");
    assert!(report.contains("audible=true") && field(report, "reopens") >= 1.0, "{report}");
    let tail = &left[first + (0.2 * RATE) as usize..];
    assert!(longest_gap(tail) < 8, "a gap after the return");
}

/// Live input heard through the desk (`--hear-input`): a second null sink, `mic`, whose
/// monitor is the default source, gets a 1 kHz tone at -20 dBFS from `paplay`; the app takes
/// it through a desk whose band is muted, to the output `hl`, where it is recorded. The tone
/// must come out at the level the same desk gives a 1 kHz sine track offline (at the app's
/// volume), in every 50 ms window from the first second on, with no gap and no dropout
/// reported by the feed that follows the two sinks' clocks.
#[test]
fn live_input_is_heard_through_the_desk_at_the_desks_gain() {
    use headroom_lab::chain::engine::{Chain, StageId};
    use headroom_lab::chain::scene::{Scene, TrackSourceKind};
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = Server::start("monitor");
    assert!(
        server.pactl(&[
            "load-module",
            "module-null-sink",
            "sink_name=mic",
            "rate=48000",
            "channels=2",
            "format=float32le"
        ]) && server.pactl(&["set-default-source", "mic.monitor"]),
        "a second sink for the microphone"
    );
    // The tone the "microphone" hears.
    let level = headroom_lab::units::db_to_amp(-20.0);
    let tone: Vec<f64> =
        (0..(40.0 * RATE) as usize).map(|n| level * (std::f64::consts::TAU * 1000.0 * n as f64 / RATE).sin()).collect();
    let tone_file = server.dir.join("tone.wav");
    headroom_lab::wav::write_file(
        &tone_file,
        48_000,
        headroom_lab::wav::SampleFormat::Float(32),
        &[tone.clone(), tone],
    )
    .expect("tone written");
    let mut cmd = Command::new("paplay");
    cmd.args(["-d", "mic"]).arg(&tone_file).stdout(Stdio::null()).stderr(Stdio::null());
    let mut player = server.env(&mut cmd).spawn().expect("paplay starts");
    // The band muted: only the live track sounds.
    let mut desk = Scene::band();
    for t in &mut desk.tracks {
        t.mute = true;
    }
    let scene_file = server.dir.join("muted.toml");
    desk.save(&scene_file).expect("scene saved");
    // What the desk does to a 1 kHz tone at -20 dBFS on a track like the live one.
    let mut reference = desk.clone();
    let mut sine = desk.tracks[0].clone();
    sine.mute = false;
    sine.name = "Sine".into();
    sine.source.kind = TrackSourceKind::Sine;
    sine.source.level_dbfs = -20.0;
    sine.source.freq_hz = Some(1000.0);
    sine.input_noise_dbfs = None;
    sine.preamp_db = 0.0;
    sine.bits = headroom_lab::dsp::quantizer::BitDepth::Fixed(24);
    (sine.clip_gain_db, sine.insert, sine.fader_db, sine.pan) = (0.0, false, 0.0, 0.0);
    reference.tracks.push(sine);
    let master = Chain::new(&reference).expect("chain").render(StageId::Master, (2.0 * RATE) as usize);
    let expected = tone_amplitude(&master[0][(RATE as usize)..], 1000.0) * 10f64.powf(VOLUME_DB / 20.0);

    let file = temp("monitor");
    let rec = server.record(&file);
    let report = server.run_app(&["--scene", scene_file.to_str().expect("utf-8"), "--play", "--hear-input"]);
    rec.stop();
    let _ = player.kill();
    let _ = player.wait();
    let x = sounding(&file);
    let _ = std::fs::remove_file(&file);
    let live =
        report.lines().find(|l| l.starts_with("live input")).expect("the app reports its live input").to_string();
    assert!(live.contains("running=true") && live.contains("underruns=0"), "{live}");
    assert!(x.len() as f64 > (RUN_SECS - 4.0) * RATE, "only {:.1} s of sound ({report})", x.len() as f64 / RATE);
    let window = (0.05 * RATE) as usize;
    let mut worst: f64 = 0.0;
    let mut off = Vec::new();
    for (k, w) in x[RATE as usize..x.len() - window].chunks_exact(window).enumerate() {
        let db = 20.0 * (tone_amplitude(w, 1000.0) / expected).log10();
        worst = worst.max(db.abs());
        if db.abs() >= 0.5 {
            off.push(format!("{:.2} s: {db:+.2} dB", 1.0 + k as f64 * 0.05));
        }
    }
    assert!(off.is_empty(), "windows where the tone is off: {off:?} ({report})");
    let gap = longest_gap(&x);
    let gap_end = (0..x.len()).find(|&i| i >= gap && x[i + 1 - gap..=i].iter().all(|&v| v == 0.0));
    assert!(
        gap < 8,
        "a gap of {gap} samples ending {:.3} s into the sound ({live})",
        gap_end.map_or(f64::NAN, |i| i as f64 / RATE)
    );
    eprintln!("monitoring: every 50 ms window within {worst:.2} dB of the desk's gain, longest silence {gap} samples");
}
