//! The real app, rendered under Xvfb with software Vulkan (mesa lavapipe): `--screenshot`
//! writes a PNG of the requested size that is not blank and differs between presets.
//! Needs `xvfb-run` and a Vulkan driver; without them the test fails with the install hint.

use std::path::{Path, PathBuf};
use std::process::Command;

fn require_xvfb() {
    let found = Command::new("sh").args(["-c", "command -v xvfb-run"]).output().is_ok_and(|o| o.status.success());
    assert!(
        found,
        "xvfb-run is missing: install it with `sudo apt-get install xvfb xauth mesa-vulkan-drivers` (or run .ci/setup)"
    );
}

fn shoot(args: &[&str], out: &Path) {
    let status = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1920x1080x24", env!("CARGO_BIN_EXE_headroom-lab")])
        .args(args)
        .args(["--screenshot", out.to_str().expect("utf-8 path"), "--frames", "6"])
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("xvfb-run runs");
    assert!(status.status.success(), "the app failed: {}", String::from_utf8_lossy(&status.stderr));
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hl-shots-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn screenshots_have_the_size_asked_for_show_something_and_differ_between_presets() {
    require_xvfb();
    let d = dir("presets");
    let a = d.join("aliasing.png");
    let b = d.join("clipping.png");
    shoot(&["--preset", "aliasing", "--size", "1280x720"], &a);
    shoot(&["--preset", "clipping", "--size", "1280x720"], &b);
    let img_a = image::open(&a).expect("a PNG").to_rgb8();
    let img_b = image::open(&b).expect("a PNG").to_rgb8();
    assert_eq!(img_a.dimensions(), (1280, 720));
    assert_eq!(img_b.dimensions(), (1280, 720));
    // Not blank: many distinct colours and a spread of brightness.
    let distinct: std::collections::HashSet<[u8; 3]> = img_a.pixels().map(|p| p.0).collect();
    assert!(distinct.len() > 200, "only {} colours: a blank window?", distinct.len());
    // Different presets, different pictures.
    let differing = img_a.pixels().zip(img_b.pixels()).filter(|(p, q)| p != q).count();
    assert!(differing > 10_000, "only {differing} pixels differ");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn another_size_is_honoured() {
    require_xvfb();
    let d = dir("size");
    let out = d.join("big.png");
    shoot(&["--size", "1600x900"], &out);
    assert_eq!(image::open(&out).expect("a PNG").to_rgb8().dimensions(), (1600, 900));
    std::fs::remove_dir_all(&d).ok();
}
