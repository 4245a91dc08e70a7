//! The web page (`web/build.sh` builds it into `web/dist`) in headless Chromium, served from
//! 127.0.0.1 by the test: the converter is drawn with the desktop's layout, keys and clicks
//! reach the app, a lesson step can be completed, a dropped WAV becomes a desk track, the
//! sound runs, settings survive a reload, a saved figure arrives as a download, and no error
//! reaches the console. Speed (first frame, time per frame) is in `benches/web.rs`.
//!
//! Needs the built page and Debian's `chromium` and `chromium-driver`; the README's test
//! command builds the one and `.ci/setup` installs the others.

#[path = "common/web.rs"]
mod web;

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;
use web::Browser;

/// One browser at a time: each takes both cores while the page starts.
static SERIAL: Mutex<()> = Mutex::new(());

/// How long a page may take to start here (software WebGL, a loaded machine): generous, as
/// the start's speed is measured by the benchmark, not here.
const START_SECS: f64 = 90.0;

fn page(browser: &Browser, query: &str) -> Value {
    let url = web::serve(web::dist());
    open_and_wait(browser, &format!("{url}{query}"))
}

/// Opens `url` and waits for the app's first frame; its state then.
fn open_and_wait(browser: &Browser, url: &str) -> Value {
    browser.open(url);
    browser.wait_for(START_SECS, "the first frame", |_| true)
}

/// Errors other than Bevy's way of leaving the browser's event loop.
fn real_errors(browser: &Browser) -> Vec<String> {
    browser.errors().into_iter().filter(|e| !e.contains("Using exceptions for control flow")).collect()
}

/// The mean brightness of each cell of a `cols` x `rows` grid over the picture.
fn cells(png: &image::RgbImage, cols: u32, rows: u32) -> Vec<f64> {
    let (w, h) = png.dimensions();
    let mut sums = vec![(0.0, 0u32); (cols * rows) as usize];
    for (x, y, p) in png.enumerate_pixels() {
        let i = (y * rows / h * cols + x * cols / w) as usize;
        sums[i].0 += f64::from(p.0[0]) + f64::from(p.0[1]) + f64::from(p.0[2]);
        sums[i].1 += 1;
    }
    sums.iter().map(|(s, n)| s / f64::from((*n).max(1))).collect()
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    cov / (var(a, ma) * var(b, mb)).sqrt()
}

/// The desktop app's own picture of a screen, at 1280x720 under Xvfb.
fn desktop_screenshot(args: &[&str], out: &Path) -> image::RgbImage {
    let status = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1920x1080x24", env!("CARGO_BIN_EXE_headroom-lab")])
        .args(args)
        .args(["--no-audio", "--size", "1280x720", "--frames", "6", "--screenshot", out.to_str().expect("utf-8")])
        .env_remove("WAYLAND_DISPLAY")
        .env("HEADROOM_LAB_DATA_DIR", out.with_extension("data"))
        .output()
        .expect("xvfb-run runs (install xvfb)");
    assert!(status.status.success(), "the desktop app failed: {}", String::from_utf8_lossy(&status.stderr));
    image::open(out).expect("a PNG").to_rgb8()
}

#[test]
fn the_converter_is_drawn_with_the_desktop_layout_and_answers_keys() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let browser = Browser::start(1280, 720);
    let status = page(&browser, "");
    assert_eq!(status["screen"], "Converter", "{status}");
    assert_eq!(status["bits"], "16", "{status}");
    // Let the plots settle, then look.
    browser.wait_for(30.0, "a few frames", |s| {
        s["frame"].as_u64().unwrap_or(0) > status["frame"].as_u64().unwrap_or(0) + 10
    });
    let shot = image::load_from_memory(&browser.screenshot()).expect("a PNG").to_rgb8();
    assert_eq!(shot.dimensions(), (1280, 720), "the canvas fills the window");
    let colours: std::collections::HashSet<[u8; 3]> = shot.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 200, "only {} colours: the page did not draw", colours.len());

    // The same screen as the desktop draws it: the brightness of a coarse grid correlates
    // strongly with the desktop's picture, and more than with the desk's.
    let dir = std::env::temp_dir().join(format!("hl-web-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let converter = desktop_screenshot(&[], &dir.join("converter.png"));
    let desk = desktop_screenshot(&["--scene", "assets/demos/15-clean-mix.toml"], &dir.join("desk.png"));
    let grid = |img: &image::RgbImage| cells(img, 32, 18);
    let same = correlation(&grid(&shot), &grid(&converter));
    let other = correlation(&grid(&shot), &grid(&desk));
    std::fs::remove_dir_all(&dir).ok();
    println!("layout: correlation with the desktop's converter {same:.2}, with its desk {other:.2}");
    assert!(same > 0.8 && same > other + 0.2, "the page's layout is not the desktop's: {same:.2} (desk {other:.2})");

    // Up: one bit more.
    browser.keys(&["\u{E013}"]);
    browser.wait_for(10.0, "17 bits after Up", |s| s["bits"] == "17");
    assert!(real_errors(&browser).is_empty(), "errors: {:?}", real_errors(&browser));
}

#[test]
fn a_lesson_step_is_completed_by_clicking() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let browser = Browser::start(1280, 720);
    page(&browser, "");
    // L opens the lesson panel; the reconstruction lesson from its list.
    browser.keys(&["l"]);
    browser.wait_for(10.0, "the lesson panel", |s| s["lessons_open"] == true);
    browser.click_widget(Some("Button"), "Reconstruction and the staircase myth");
    let s = browser.wait_for(10.0, "the lesson", |s| s["lesson"]["id"] == "reconstruction");
    assert_eq!(s["lesson"]["step_done"], false, "a prediction is not done before it is answered");
    // Its first step asks what a DAC puts out between the samples: a wrong choice leaves the
    // step open, the right one completes it.
    browser.click_widget(Some("RadioButton"), "Steps: each sample held until the next");
    browser.click_widget(Some("Button"), "Answer");
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(browser.status().expect("a state")["lesson"]["step_done"], false, "a wrong answer completed the step");
    browser.click_widget(Some("RadioButton"), "A smooth 1 kHz sine through every sample");
    browser.click_widget(Some("Button"), "Answer");
    browser.wait_for(10.0, "the step done", |s| s["lesson"]["step_done"] == true);
    assert!(real_errors(&browser).is_empty(), "errors: {:?}", real_errors(&browser));
}

#[test]
fn a_dropped_wav_becomes_a_desk_track() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let browser = Browser::start(1280, 720);
    let before = page(&browser, "");
    let tracks = before["tracks"].as_array().map_or(0, Vec::len);
    // One second of a 440 Hz sine at -12 dBFS, 16-bit mono.
    let rate = 48_000u32;
    let samples: Vec<f64> =
        (0..rate).map(|i| 0.25 * (2.0 * std::f64::consts::PI * 440.0 * f64::from(i) / f64::from(rate)).sin()).collect();
    let file = std::env::temp_dir().join(format!("hl-web-drop-{}.wav", std::process::id()));
    headroom_lab::wav::write_file(&file, rate, headroom_lab::wav::SampleFormat::Int(16), &[samples]).expect("a WAV");
    let bytes = std::fs::read(&file).expect("the WAV");
    std::fs::remove_file(&file).ok();
    browser.drop_file("voice take.wav", &bytes);
    let after = browser.wait_for(20.0, "a new track", |s| s["tracks"].as_array().map_or(0, Vec::len) == tracks + 1);
    let names: Vec<&str> = after["tracks"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    assert!(names.iter().any(|n| n.contains("voice take")), "tracks: {names:?}");
    assert!(real_errors(&browser).is_empty(), "errors: {:?}", real_errors(&browser));
}

#[test]
fn the_desk_plays_through_web_audio() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let browser = Browser::start(1280, 720);
    let status = page(&browser, "?scene=assets/demos/15-clean-mix.toml&play");
    assert_eq!(status["screen"], "Chain", "{status}");
    let first = browser.wait_for(30.0, "the engine rendering", |s| s["sound"]["frames"].as_u64().unwrap_or(0) > 0);
    std::thread::sleep(std::time::Duration::from_secs(5));
    let later = browser.status().expect("a state");
    let rendered = later["sound"]["frames"].as_u64().unwrap_or(0) - first["sound"]["frames"].as_u64().unwrap_or(0);
    println!("sound: {rendered} frames in 5 s, {} underruns, {}", later["sound"]["underruns"], later["sound"]["line"]);
    // The engine keeps up with the audio clock: at least 90 % of 5 s at the browser's output
    // rate (the rest is the poll's own timing).
    let rate = browser.js("const c = new AudioContext(); const r = c.sampleRate; c.close(); return r;", &[]);
    let rate = rate.as_f64().expect("the browser's output rate");
    assert!(rendered as f64 >= 0.9 * 5.0 * rate, "only {rendered} frames rendered in 5 s at {rate} Hz: {later}");
    assert_eq!(later["sound"]["visual_only"], false, "{later}");
    // Running, not waiting for a gesture (while it waits the engine runs silently on the page's
    // clock, and the bar says so).
    let line = later["sound"]["line"].as_str().unwrap_or_default();
    assert!(!line.contains("click or press a key"), "the audio context did not start: {line}");
    assert!(real_errors(&browser).is_empty(), "errors: {:?}", real_errors(&browser));
}

#[test]
fn settings_live_in_the_browser_and_survive_a_reload() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let browser = Browser::start(1280, 720);
    let url = web::serve(web::dist());
    let status = open_and_wait(&browser, &url);
    let theme = status["theme"].clone();
    browser.keys(&["t"]);
    let switched = browser.wait_for(10.0, "the other theme", |s| s["theme"] != theme);
    // Settings are saved as they change; give the save a moment, then reload.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let reloaded = open_and_wait(&browser, &url);
    assert_eq!(reloaded["theme"], switched["theme"], "the theme was not kept");
    let stored = browser.js("return Object.keys(localStorage).filter(k => k.startsWith('headroom-lab:'));", &[]);
    assert!(stored.as_array().is_some_and(|k| !k.is_empty()), "nothing in localStorage: {stored}");
    assert!(real_errors(&browser).is_empty(), "errors: {:?}", real_errors(&browser));
}
