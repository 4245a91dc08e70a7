//! Capture: screenshots (`--screenshot FILE --frames N`) and frame timing
//! (`--bench-frames N`), for tests, slides and the performance budget.

use std::path::PathBuf;
use std::time::Duration;

use bevy::platform::time::Instant;

use bevy::diagnostic::FrameCount;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use super::AppOptions;

/// What to capture.
#[derive(Resource, Clone, Debug, Default)]
pub struct CaptureOptions {
    /// Where to save a screenshot.
    pub screenshot: Option<PathBuf>,
    /// After how many frames.
    pub frames: u32,
    /// Frames to time, for a benchmark.
    pub bench_frames: Option<u32>,
    /// Seconds to run before exiting.
    pub run_secs: Option<f64>,
}

impl CaptureOptions {
    /// From the command-line options.
    #[must_use]
    pub fn from_app_options(o: &AppOptions) -> Self {
        Self {
            screenshot: o.screenshot.clone(),
            frames: o.frames.max(1),
            bench_frames: o.bench_frames,
            run_secs: o.run_secs,
        }
    }

    /// True when timing frames.
    #[must_use]
    pub fn is_benchmark(&self) -> bool {
        self.bench_frames.is_some()
    }
}

/// Per-frame timings.
#[derive(Resource, Debug, Default)]
pub struct FrameStats {
    started: Option<Instant>,
    frame_start: Option<Instant>,
    /// The main thread's CPU time at the start of the frame.
    cpu_start: Option<Duration>,
    previous_start: Option<Instant>,
    /// Whole frames (start to start), ms.
    pub frame_ms: Vec<f64>,
    /// The app's own CPU time in the main world (UI, tessellation, analysis), ms. With
    /// `--bench-frames` every main-world schedule runs single-threaded on the main thread, so
    /// this thread's CPU time is all of it; the renderer runs on other threads.
    pub app_ms: Vec<f64>,
    /// From process start to the end of the first frame.
    pub first_frame: Option<Duration>,
    requested: Option<u32>,
}

pub(super) fn plugin(options: CaptureOptions, started: Instant) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(options.clone())
            .insert_resource(FrameStats { started: Some(started), ..FrameStats::default() })
            .add_systems(First, frame_start)
            .add_systems(Last, (frame_end, drive).chain());
        if options.is_benchmark() {
            use bevy::ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
            let labels = [
                First.intern(),
                PreUpdate.intern(),
                Update.intern(),
                PostUpdate.intern(),
                Last.intern(),
                bevy_egui::EguiPrimaryContextPass.intern(),
            ];
            for label in labels {
                app.edit_schedule(label, |s| {
                    s.set_executor(SingleThreadedExecutor::new());
                });
            }
        }
    }
}

fn frame_start(mut stats: ResMut<FrameStats>) {
    let now = Instant::now();
    if let Some(prev) = stats.frame_start {
        stats.previous_start = Some(prev);
        let ms = (now - prev).as_secs_f64() * 1e3;
        stats.frame_ms.push(ms);
    }
    stats.frame_start = Some(now);
    stats.cpu_start = crate::platform::clock::thread_cpu_time();
}

fn frame_end(mut stats: ResMut<FrameStats>) {
    let now = Instant::now();
    let cpu_now = crate::platform::clock::thread_cpu_time();
    match (stats.cpu_start, cpu_now, stats.frame_start) {
        (Some(start), Some(end), _) => stats.app_ms.push(end.saturating_sub(start).as_secs_f64() * 1e3),
        // No CPU clock (the web page, where the main world runs on the page's only thread):
        // the main world's wall time stands in.
        (_, None, Some(start)) => stats.app_ms.push((now - start).as_secs_f64() * 1e3),
        _ => {}
    }
    if stats.first_frame.is_none() {
        stats.first_frame = stats.started.map(|s| now - s);
    }
}

/// Median and 95th percentile of `v` after dropping the first tenth (warm-up).
#[must_use]
pub fn median_p95(v: &[f64]) -> (f64, f64) {
    let skip = v.len() / 10;
    let mut s: Vec<f64> = v[skip..].to_vec();
    if s.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    s.sort_by(f64::total_cmp);
    let at = |q: f64| s[((s.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

fn report(stats: &FrameStats) {
    let (fm, fp) = median_p95(&stats.frame_ms);
    let (am, ap) = median_p95(&stats.app_ms);
    crate::platform::entry::report(&format!("frame_ms median={fm:.2} p95={fp:.2}"));
    crate::platform::entry::report(&format!("app_ms median={am:.2} p95={ap:.2}"));
    if let Some(first) = stats.first_frame {
        crate::platform::entry::report(&format!("first_frame_ms={:.0}", first.as_secs_f64() * 1e3));
    }
}

pub(super) fn drive(
    mut commands: Commands,
    frames: Res<FrameCount>,
    options: Res<CaptureOptions>,
    mut stats: ResMut<FrameStats>,
    mut exit: MessageWriter<AppExit>,
) {
    if let Some(n) = options.bench_frames
        && frames.0 >= n
    {
        report(&stats);
        exit.write(AppExit::Success);
        return;
    }
    if let (Some(secs), Some(started)) = (options.run_secs, stats.started)
        && started.elapsed().as_secs_f64() >= secs
    {
        exit.write(AppExit::Success);
        return;
    }
    let Some(path) = &options.screenshot else { return };
    match stats.requested {
        None if frames.0 >= options.frames => {
            stats.requested = Some(frames.0);
            let target = path.clone();
            commands.spawn(Screenshot::primary_window()).observe(
                move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| match save_png(
                    &captured.image,
                    &target,
                ) {
                    Ok(()) => {
                        exit.write(AppExit::Success);
                    }
                    Err(e) => {
                        eprintln!("error: cannot save the screenshot to {}: {e}", target.display());
                        exit.write(AppExit::from_code(2));
                    }
                },
            );
        }
        Some(at) if frames.0 > at + 600 => {
            eprintln!("error: the screenshot never arrived (the renderer produced no frame)");
            exit.write(AppExit::from_code(2));
        }
        _ => {}
    }
}

/// Saves a captured image as PNG atomically (see [`crate::fsutil::write_atomic`]).
pub(super) fn save_png(image: &Image, path: &std::path::Path) -> Result<(), String> {
    let dynamic = image.clone().try_into_dynamic().map_err(|e| e.to_string())?;
    let rgb = dynamic.to_rgb8();
    crate::fsutil::write_atomic(path, |mut w| {
        rgb.write_to(&mut w, ::image::ImageFormat::Png).map_err(std::io::Error::other)
    })
    .map_err(|e| e.to_string())
}
