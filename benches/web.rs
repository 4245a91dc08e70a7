//! The web page's speed in headless Chromium (software WebGL through SwiftShader): the time
//! from navigation to the first drawn frame, and, with the desk's clean mix playing, the
//! app's own time per frame over 600 frames (`--bench-frames`). Medians over a few page
//! loads; the machine is shared, so read ratios and medians, not single runs.
//!
//! `web/build.sh && cargo bench --bench web`; needs Debian's `chromium` and `chromium-driver`.

#[path = "../tests/common/web.rs"]
mod web;

use std::time::{Duration, Instant};

const LOADS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `name median=M p95=P` in the page's reports.
fn figure(reports: &[String], name: &str) -> Option<(f64, f64)> {
    let line = reports.iter().find(|l| l.starts_with(name))?;
    let value = |key: &str| line.split_whitespace().find_map(|w| w.strip_prefix(key)?.parse::<f64>().ok());
    Some((value("median=")?, value("p95=")?))
}

#[allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let url = web::serve(web::dist());
    let browser = web::Browser::start(1280, 720);
    let mut first = Vec::new();
    let mut app = Vec::new();
    let mut frame = Vec::new();
    for _ in 0..LOADS {
        // Each load starts afresh: the page's cache does not hold the compiled module between
        // navigations of a new address.
        browser.open(&format!("{url}?scene=assets/demos/15-clean-mix.toml&play&bench-frames=600"));
        let started = Instant::now();
        let reports = loop {
            let reports = browser.reports();
            if reports.iter().any(|l| l.starts_with("app_ms")) {
                break reports;
            }
            assert!(started.elapsed() < Duration::from_mins(5), "no report; errors: {:?}", browser.errors());
            std::thread::sleep(Duration::from_millis(250));
        };
        let ms = browser.js("return window.__headroomLab.firstFrameMs || null;", &[]);
        first.push(ms.as_f64().expect("the page timed its first frame"));
        let (am, ap) = figure(&reports, "app_ms").expect("app_ms");
        let (fm, fp) = figure(&reports, "frame_ms").expect("frame_ms");
        let status = browser.status().expect("a state");
        println!(
            "load: first frame {:.0} ms; app_ms median {am:.2} p95 {ap:.2}; frame_ms median {fm:.2} p95 {fp:.2}; \
             sound {} underruns, {}",
            first.last().copied().unwrap_or_default(),
            status["sound"]["underruns"],
            status["sound"]["line"]
        );
        app.push((am, ap));
        frame.push(fm);
    }
    println!(
        "web page, {LOADS} loads, medians: first frame {:.0} ms; app_ms median {:.2} p95 {:.2}; frame_ms median {:.2}",
        median(first),
        median(app.iter().map(|a| a.0).collect()),
        median(app.iter().map(|a| a.1).collect()),
        median(frame),
    );
}
