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
        .args(["--no-audio", "--screenshot", out.to_str().expect("utf-8 path"), "--frames", "6"])
        .env_remove("WAYLAND_DISPLAY")
        // Never the user's remembered theme and scale: a fresh data folder per picture.
        .env("HEADROOM_LAB_DATA_DIR", out.with_extension("data"))
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

/// The lesson panel shows on the right, with the lesson's text: the right part of the window
/// changes when a lesson is open, the rest shows the lesson's setup.
#[test]
fn the_lesson_panel_is_drawn() {
    require_xvfb();
    let d = dir("lesson");
    let data = d.join("data");
    let plain = d.join("plain.png");
    let lesson = d.join("lesson.png");
    let data_arg = data.to_str().expect("utf-8 path");
    shoot(&["--preset", "aliasing", "--size", "1400x850", "--data-dir", data_arg], &plain);
    shoot(&["--lesson", "aliasing", "--size", "1400x850", "--data-dir", data_arg], &lesson);
    let a = image::open(&plain).expect("a PNG").to_rgb8();
    let b = image::open(&lesson).expect("a PNG").to_rgb8();
    let right_differs = (1050..1400)
        .flat_map(|x| (60..500).map(move |y| (x, y)))
        .filter(|&(x, y)| a.get_pixel(x, y) != b.get_pixel(x, y))
        .count();
    assert!(right_differs > 20_000, "only {right_differs} pixels of the right side changed");
    std::fs::remove_dir_all(&d).ok();
}

fn mean_luma(img: &image::RgbImage) -> f64 {
    img.pixels().map(|p| 0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2])).sum::<f64>()
        / (img.width() * img.height()) as f64
}

/// The projector theme at 1x (1280x720) and 2x (2560x1440) on both screens: light pictures of
/// the size asked for, clearly unlike the dark theme's.
#[test]
fn projector_screenshots_at_1x_and_2x() {
    require_xvfb();
    let d = dir("projector");
    let scene = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demos/15-clean-mix.toml");
    for (name, extra) in [("converter", vec!["--preset", "aliasing"]), ("desk", vec!["--scene", scene])] {
        let dark = d.join(format!("{name}-dark.png"));
        shoot(&[extra.as_slice(), &["--size", "1280x720"]].concat(), &dark);
        let dark_luma = mean_luma(&image::open(&dark).expect("a PNG").to_rgb8());
        for (scale, size, dims) in [("1", "1280x720", (1280, 720)), ("2", "2560x1440", (2560, 1440))] {
            let out = d.join(format!("{name}-projector-{scale}x.png"));
            shoot(&[extra.as_slice(), &["--projector", "--scale", scale, "--size", size]].concat(), &out);
            let img = image::open(&out).expect("a PNG").to_rgb8();
            assert_eq!(img.dimensions(), dims);
            let luma = mean_luma(&img);
            assert!(
                luma > 180.0 && luma > dark_luma + 100.0,
                "{name} {scale}x: mean luma {luma:.0} (dark {dark_luma:.0})"
            );
        }
    }
    std::fs::remove_dir_all(&d).ok();
}
