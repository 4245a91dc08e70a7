//! Live input through a real sound server: a private PulseAudio (its own runtime folder and
//! HOME) with a null sink `hl` whose monitor is the default source, ALSA's default device routed
//! to it by the pulse plugin, a known tone played into the sink with `paplay`, and
//! `headroom-lab record` taking the default input:
//!
//! 1. a 1 kHz tone at -6 dBFS comes back at 1 kHz and -6 dBFS (within 1 dB) at 0 dB of preamp;
//! 2. a 997 Hz tone at -3 dBFS through +6 dB of preamp clips on the share of its samples that
//!    theory gives (|x| >= 1 after the gain);
//! 3. no server to connect to: exit 2 with a one-line reason, and no file;
//! 4. the sink (and so the source) unloaded while recording: exit 2 with a one-line reason.
//!
//! Needs `pulseaudio`, `pulseaudio-utils` and `libasound2-plugins` (`.ci/setup` installs them).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use headroom_lab::units::{amp_to_db, db_to_amp};
use headroom_lab::wav::{self, SampleFormat};

#[path = "common/pulse.rs"]
mod pulse;

use pulse::{Server, require};

const RATE: f64 = 48_000.0;
/// Length of each take, seconds.
const TAKE_SECS: f64 = 3.0;

/// One server at a time.
static SERIAL: Mutex<()> = Mutex::new(());

impl Server {
    /// Plays `file` into the sink until dropped.
    fn play(&self, file: &Path) -> Player {
        require("paplay", "pulseaudio-utils");
        let mut cmd = Command::new("paplay");
        cmd.args(["-d", "hl"]).arg(file).stdout(Stdio::null()).stderr(Stdio::null());
        Player(self.env(&mut cmd).spawn().expect("paplay starts"))
    }

    /// Plays a 12 s tone of `freq` Hz at `level_dbfs` into the sink and, a second after it
    /// starts, runs `headroom-lab record` for [`TAKE_SECS`] with `args`; returns the take's
    /// path and the JSON report.
    fn take_of_tone(&self, freq: f64, level_dbfs: f64, args: &[&str]) -> (PathBuf, serde_json::Value) {
        let tone = tone_file(&self.dir, freq, level_dbfs, 12.0);
        let _player = self.play(&tone);
        std::thread::sleep(Duration::from_secs(1));
        let take = self.dir.join("take.wav");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_headroom-lab"));
        cmd.args(["record", "--json", "--seconds", &TAKE_SECS.to_string(), "--out"]).arg(&take).args(args);
        let out = self.env(&mut cmd).output().expect("record runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "record failed: {}", String::from_utf8_lossy(&out.stderr));
        eprintln!("{stdout}");
        (take, serde_json::from_str(&stdout).expect("record --json prints JSON"))
    }
}

/// A running `paplay`, stopped when dropped.
struct Player(Child);

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A stereo float WAV of a sine at `level_dbfs` peak, `freq` Hz, `secs` long, at 48 kHz.
fn tone_file(dir: &Path, freq: f64, level_dbfs: f64, secs: f64) -> PathBuf {
    let a = db_to_amp(level_dbfs);
    let x: Vec<f64> =
        (0..(secs * RATE) as usize).map(|n| a * (std::f64::consts::TAU * freq * n as f64 / RATE).sin()).collect();
    let path = dir.join("tone.wav");
    wav::write_file(&path, RATE as u32, SampleFormat::Float(32), &[x.clone(), x]).expect("tone written");
    path
}

/// The take's samples from the tone's first sample on (the sink's monitor can start with
/// silence while the server starts the stream).
fn tone_part(take: &Path) -> Vec<f64> {
    let audio = wav::read_file(take).expect("the take is a WAV file");
    assert_eq!(audio.channels.len(), 1, "a take is mono");
    assert_eq!(audio.sample_rate, 48_000);
    let x = &audio.channels[0];
    let first = x.iter().position(|v| v.abs() > 0.01).expect("the take holds the tone");
    x[first..].to_vec()
}

/// Frequency from the interpolated rising zero crossings, and peak amplitude from the RMS over
/// the whole periods between them (a sine's RMS is its peak / sqrt 2).
fn tone_of(x: &[f64]) -> (f64, f64) {
    let mut rising = Vec::new();
    for n in 1..x.len() {
        if x[n - 1] < 0.0 && x[n] >= 0.0 {
            rising.push((n - 1) as f64 + x[n - 1] / (x[n - 1] - x[n]));
        }
    }
    let (first, last) = (rising[0], rising[rising.len() - 1]);
    let freq = (rising.len() - 1) as f64 / ((last - first) / RATE);
    let span = &x[first.ceil() as usize..last.floor() as usize];
    let rms = (span.iter().map(|v| v * v).sum::<f64>() / span.len() as f64).sqrt();
    (freq, rms * std::f64::consts::SQRT_2)
}

#[test]
fn a_tone_played_into_the_default_input_comes_back_at_its_frequency_and_level() {
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = Server::start("input-level");
    let (take, report) = server.take_of_tone(1000.0, -6.0, &["--bits", "24", "--sample-rate", "48000"]);
    let x = tone_part(&take);
    // Skip the first second: the stream's start is the server's, not the tone's.
    let (freq, amp) = tone_of(&x[48_000.min(x.len() / 2)..]);
    let level_error_db = amp_to_db(amp) + 6.0;
    eprintln!("measured {freq:.3} Hz at {:.4} dBFS: level error {level_error_db:+.4} dB", amp_to_db(amp));
    assert!((freq - 1000.0).abs() < 0.5, "frequency {freq} Hz");
    assert!(level_error_db.abs() < 1.0, "level error {level_error_db} dB");
    let peak = report["sample_peak_dbfs"].as_f64().expect("peak");
    assert!((peak + 6.0).abs() < 1.0, "reported peak {peak} dBFS");
    assert_eq!(report["clipped_samples"].as_u64(), Some(0));
}

#[test]
fn a_tone_over_full_scale_after_the_preamp_clips_as_theory_says() {
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = Server::start("input-clip");
    // 997 Hz is prime to 48 kHz, so the samples fall at every phase of the sine in turn and the
    // share that clips approaches the continuous one.
    let (take, report) = server.take_of_tone(997.0, -3.0, &["--preamp-db", "6", "--bits", "16"]);
    let tone_samples = tone_part(&take).len() as f64;
    // After +6 dB the sine's amplitude is a = 10^(3/20) = 1.413: a sample clips where
    // |sin(phase)| >= 1/a, on a share (2/pi) acos(1/a) = 0.5001 of the phases.
    let a = db_to_amp(-3.0 + 6.0);
    let theory = (2.0 / std::f64::consts::PI) * (1.0 / a).acos() * tone_samples;
    let clipped = report["clipped_samples"].as_u64().expect("clipped_samples") as f64;
    eprintln!("clipped {clipped} of {tone_samples} tone samples, theory {theory:.1}");
    // The phases of 997 Hz at 48 kHz repeat only every 48 000 samples, and within any run of
    // them the count of those in the two clipping arcs is off the share by a few samples
    // (their discrepancy); the tone's first sample is found to within one. 0.1 % of the
    // count (about 70 samples) covers both with room; a clip counted wrongly (only one
    // polarity, or the threshold at the pre-gain level) is off by half or more.
    assert!((clipped - theory).abs() < 0.001 * theory, "clipped {clipped}, theory {theory:.1}");
    assert!(report["sample_peak_dbfs"].as_f64().expect("peak") > -0.01);
}

#[test]
fn no_input_device_is_a_one_line_error_and_exit_code_2() {
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = std::env::temp_dir().join(format!("hl-input-none-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("home")).expect("dir");
    std::fs::write(dir.join("home/.asoundrc"), "pcm.!default { type pulse }\nctl.!default { type pulse }\n")
        .expect("asoundrc");
    let take = dir.join("take.wav");
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_headroom-lab"))
        .args(["record", "--seconds", "1", "--out"])
        .arg(&take)
        .env("HOME", dir.join("home"))
        .env("XDG_RUNTIME_DIR", &dir)
        .env("PULSE_SERVER", format!("unix:{}", dir.join("nowhere").display()))
        .env_remove("ALSA_CONFIG_PATH")
        .output()
        .expect("record runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stderr}");
    assert_eq!(out.status.code(), Some(2), "exit code");
    // ALSA's library may print its own diagnostics first; ours is the last line, and one line.
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    assert!(last.starts_with("error: cannot record: "), "{last:?}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert!(!take.exists(), "no take written");
    assert!(started.elapsed() < Duration::from_secs(10), "it does not hang");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_input_that_goes_away_while_recording_is_a_one_line_error_and_exit_code_2() {
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = Server::start("input-lost");
    let tone = tone_file(&server.dir, 1000.0, -6.0, 20.0);
    let _player = server.play(&tone);
    let take = server.dir.join("take.wav");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_headroom-lab"));
    cmd.args(["record", "--seconds", "10", "--out"]).arg(&take).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = server.env(&mut cmd).spawn().expect("record runs");
    std::thread::sleep(Duration::from_millis(2500));
    // The sink goes, and its monitor (the default source) with it.
    assert!(server.pactl(&["unload-module", "module-null-sink"]), "the sink unloads");
    let started = Instant::now();
    let out = child.wait_with_output().expect("record ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stderr}");
    assert_eq!(out.status.code(), Some(2), "exit code");
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    assert!(last.starts_with("error: the input "), "{last:?}");
    // Reported as a failure, or at the latest after the 3 s without sound: not at the take's end.
    assert!(started.elapsed() < Duration::from_secs(5), "it ended {:?} after the loss", started.elapsed());
    assert!(!take.exists(), "no take written");
}
