//! A private PulseAudio server for tests (its own runtime folder, HOME and data folder) with one
//! null sink, `hl`, paced by its own clock, whose monitor is the default source; ALSA's default
//! device is routed to it by the pulse plugin (an `.asoundrc` in its HOME). Stopped and removed
//! when dropped. Included by the tests that need it with `#[path = "common/pulse.rs"] mod pulse;`.

#![allow(dead_code, reason = "each test uses the part it needs")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Fails the test with the package to install when `tool` is missing.
pub fn require(tool: &str, package: &str) {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    assert!(found, "{tool} is missing: install {package} (`.ci/setup` does)");
}

/// The module line of the null sink (to load it again after unloading it).
pub const SINK_MODULE: &str = "load-module module-null-sink sink_name=hl rate=48000 channels=2 format=float32le sink_properties=device.description=hl";

/// A private PulseAudio server with one null sink, `hl`, stopped when dropped.
pub struct Server {
    /// Its folder: `home`, `run`, `data`, `pulse.log`, and whatever the test writes there.
    pub dir: PathBuf,
    child: Child,
}

impl Server {
    /// Starts a server named `name` (its folder's name) and waits until it answers.
    pub fn start(name: &str) -> Self {
        require("pulseaudio", "pulseaudio");
        require("pactl", "pulseaudio-utils");
        assert!(
            Path::new("/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so").exists()
                || Path::new("/usr/lib/aarch64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so").exists(),
            "ALSA's pulse plugin is missing: install libasound2-plugins"
        );
        let dir = std::env::temp_dir().join(format!("hl-pulse-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["home", "run", "data"] {
            std::fs::create_dir_all(dir.join(sub)).expect("temp dirs");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.join("run"), std::fs::Permissions::from_mode(0o700)).expect("chmod");
        }
        std::fs::write(
            dir.join("default.pa"),
            format!(
                "{SINK_MODULE}\nset-default-sink hl\nset-default-source hl.monitor\n\
                 load-module module-native-protocol-unix\n"
            ),
        )
        .expect("config");
        std::fs::write(dir.join("home/.asoundrc"), "pcm.!default { type pulse }\nctl.!default { type pulse }\n")
            .expect("asoundrc");
        let log = std::fs::File::create(dir.join("pulse.log")).expect("log");
        let mut cmd = Command::new("pulseaudio");
        cmd.args(["-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr", "-F"])
            .arg(dir.join("default.pa"))
            .stdout(Stdio::null())
            .stderr(log);
        let mut server = Self { child: Self::env_of(&dir, &mut cmd).spawn().expect("pulseaudio starts"), dir };
        let started = Instant::now();
        while !server.pactl(&["info"]) {
            assert!(started.elapsed() < Duration::from_secs(10), "the private PulseAudio did not start");
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = std::fs::read_to_string(server.dir.join("pulse.log")).unwrap_or_default();
                panic!("pulseaudio exited ({status}):\n{log}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn env_of<'a>(dir: &Path, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("HOME", dir.join("home"))
            .env("XDG_RUNTIME_DIR", dir.join("run"))
            .env("PULSE_SERVER", format!("unix:{}", dir.join("run/pulse/native").display()))
            .env("HEADROOM_LAB_DATA_DIR", dir.join("data"))
            .env_remove("PULSE_SINK")
            .env_remove("PULSE_SOURCE")
            .env_remove("ALSA_CONFIG_PATH")
            .env_remove("WAYLAND_DISPLAY")
    }

    /// `cmd` with this server's environment: its clients reach this server and only it.
    pub fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        Self::env_of(&self.dir, cmd)
    }

    /// Runs `pactl` with `args`; whether it succeeded.
    pub fn pactl(&self, args: &[&str]) -> bool {
        let mut cmd = Command::new("pactl");
        self.env(cmd.args(args)).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
