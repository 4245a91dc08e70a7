//! The page plugin (the web page only): publishes the app's state for the page each frame
//! (`window.__headroomLab.status`, JSON), which the browser test reads and the loading screen
//! waits for; and, when the page asks (`window.__headroomLab.wantWidgets = true`), every
//! labelled widget with its place (`window.__headroomLab.widgets`), from egui's accessibility
//! tree, so that a test clicks a button by its label as egui_kittest does. On the desktop it
//! adds nothing.

use bevy::diagnostic::FrameCount;
use bevy::prelude::*;

use super::audio::AudioLink;
use super::simulation::UiState;

/// The plugin.
pub(super) fn plugin(app: &mut App) {
    if crate::platform::entry::PUBLISHES_STATUS {
        app.add_systems(Last, publish_status)
            .add_systems(PostUpdate, publish_widgets.after(bevy_egui::EguiPostUpdateSet::ProcessOutput));
    }
}

/// The labelled widgets of the last frame, when the page asks for them.
fn publish_widgets(
    mut contexts: bevy_egui::EguiContexts,
    outputs: Query<&bevy_egui::EguiOutput>,
    mut enabled: Local<bool>,
) {
    if !crate::platform::entry::widgets_wanted() {
        return;
    }
    if !*enabled {
        // From the next frame on, egui builds its accessibility tree.
        if let Ok(ctx) = contexts.ctx_mut() {
            ctx.enable_accesskit();
            *enabled = true;
        }
        return;
    }
    // egui's points to the page's CSS pixels.
    let zoom = contexts.ctx_mut().map_or(1.0, |ctx| f64::from(ctx.zoom_factor()));
    for output in &outputs {
        let Some(update) = &output.platform_output.accesskit_update else { continue };
        let widgets: Vec<serde_json::Value> = update
            .nodes
            .iter()
            .filter_map(|(_, node)| {
                let label =
                    node.label().or_else(|| node.value().filter(|v| !v.is_empty())).or_else(|| node.placeholder())?;
                let b = node.bounds()?;
                Some(serde_json::json!({
                    "role": format!("{:?}", node.role()),
                    "label": label,
                    "x": b.x0 * zoom, "y": b.y0 * zoom, "w": (b.x1 - b.x0) * zoom, "h": (b.y1 - b.y0) * zoom,
                    "disabled": node.is_disabled(),
                }))
            })
            .collect();
        crate::platform::entry::publish_widgets(&serde_json::Value::Array(widgets).to_string());
    }
}

fn publish_status(frames: Res<FrameCount>, ui: Res<UiState>, audio: Option<Res<AudioLink>>) {
    let app = &ui.0;
    let lesson = app.lessons.run.as_ref().map(|run| {
        let done = app.lessons.step.as_ref().is_some_and(|s| run.step_done(s));
        serde_json::json!({ "id": run.lesson, "step": run.step, "step_done": done })
    });
    let sound = audio.map(|a| {
        serde_json::json!({
            "line": a.status.line,
            "visual_only": a.status.visual_only,
            "frames": a.report.frames,
            "underruns": a.status.underruns,
            "latency_ms": a.status.latency_ms,
            "engines": a.engines,
        })
    });
    let status = serde_json::json!({
        "frame": frames.0,
        "screen": format!("{:?}", app.screen),
        "bits": app.converter.params.quantizer.bit_depth.to_string(),
        "sample_rate_hz": app.converter.params.sample_rate_hz,
        "playing": app.playing,
        "theme": format!("{:?}", app.theme),
        "tracks": app.chain.scene.tracks.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        "chain_message": app.chain.message.as_ref().map(|m| m.0.clone()),
        "lessons_open": app.lessons.open,
        "lesson": lesson,
        "sound": sound,
    });
    crate::platform::entry::publish_status(&status.to_string());
}
