//! The user-interface plugin: the egui pass that draws the panels over the simulation's
//! resources and writes back only settings.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, EguiStartupSet, egui};

use crate::ui::app_ui::app_ui;
use crate::ui::theme::{Theme, ThemeKind};

use super::AppOptions;
use super::chain::{ChainState, handle_actions};
use super::simulation::{ConverterResults, UiState};

/// The UI scale and the theme last applied to egui.
#[derive(Resource, Default)]
struct Applied {
    theme: Option<ThemeKind>,
    scale: f32,
}

pub(super) fn plugin(_options: &AppOptions) -> impl Fn(&mut App) + use<> {
    move |app: &mut App| {
        app.init_resource::<Applied>()
            .add_systems(PreStartup, spawn_camera.before(EguiStartupSet::InitContexts))
            .add_systems(EguiPrimaryContextPass, draw);
    }
}

/// The plugin of the empty window used as a benchmark baseline.
pub(super) fn empty_plugin(app: &mut App) {
    app.add_systems(PreStartup, spawn_camera.before(EguiStartupSet::InitContexts))
        .add_systems(EguiPrimaryContextPass, draw_empty);
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}

fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    )
}

fn draw(
    mut contexts: EguiContexts,
    mut ui_state: ResMut<UiState>,
    mut results: ResMut<ConverterResults>,
    mut chain: ResMut<ChainState>,
    mut audio: Option<ResMut<super::audio::AudioLink>>,
    mut lessons: Option<ResMut<super::lessons::Lessons>>,
    mut teacher: Option<ResMut<super::teacher::Teacher>>,
    mut applied: ResMut<Applied>,
    mut live: Option<NonSendMut<super::input::LiveInput>>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let theme = Theme::of(ui_state.0.theme);
    let scale = crate::settings::clamp_scale(ui_state.0.teacher.scale);
    if applied.theme != Some(theme.kind) || applied.scale != scale {
        theme.apply(&ctx);
        // Ctrl +/- are the app's own shortcuts, remembered with the settings.
        ctx.options_mut(|o| o.zoom_with_keyboard = false);
        ctx.set_zoom_factor(scale);
        applied.theme = Some(theme.kind);
        applied.scale = scale;
    }
    let mut root = root_ui(&ctx);
    // Edit a copy so that Bevy sees a change only when something really changed.
    let mut state = ui_state.0.clone();
    let empty = crate::sim::chain_view::ChainSnapshot::default();
    let chain_snap = chain.lab.as_ref().map_or(&empty, |l| l.snapshot());
    let no_sound = crate::ui::sound::SoundStatus::default();
    let sound = audio.as_ref().map_or(&no_sound, |a| &a.status);
    let lesson_view = lessons.as_ref().map(|l| crate::ui::lessons::LessonView {
        library: &l.library,
        progress: &l.store.progress,
        warning: l.store.warning.as_deref(),
        step_secs: l.step_secs,
        checking: l.checking(),
    });
    let frozen = state.teacher.frozen;
    let (converter_snap, chain_snap, demos) = match teacher.as_deref_mut() {
        Some(t) => {
            let (c, d, lib) = t.views(frozen, &results.snapshot, chain_snap);
            (c, d, Some(lib))
        }
        None => (&results.snapshot, chain_snap, None),
    };
    let input_view = live.as_deref_mut().and_then(|l| l.pump(audio.as_deref(), &ui_state));
    let views = crate::ui::app_ui::Views {
        converter: converter_snap,
        chain: chain_snap,
        sound,
        lessons: lesson_view,
        demos,
        input: input_view.as_ref(),
    };
    let actions = app_ui(&mut root, &mut state, views, &theme);
    if state != ui_state.0 {
        ui_state.0 = state;
    }
    if actions.converter_changed {
        results.dirty = true;
    }
    if let Some(l) = live.as_deref_mut() {
        l.handle(actions.chain.open_input, actions.input, &mut ui_state, audio.as_deref_mut());
    }
    if actions.chain != crate::ui::chain_screen::ChainActions::default() {
        handle_actions(&actions.chain, &mut ui_state, &mut chain, audio.as_deref_mut());
    }
    if let Some(a) = audio.as_deref_mut() {
        a.retry_requested |= actions.sound.retry_sound;
        if let Some(request) = actions.sound.export {
            a.start_export(request);
        }
    }
    if !actions.teacher.is_empty()
        && let Some(t) = teacher.as_deref_mut()
    {
        t.pending.extend(actions.teacher);
    }
    if !actions.lessons.is_empty()
        && let Some(l) = lessons.as_deref_mut()
    {
        l.handle(&mut ui_state, &actions.lessons);
    }
    Ok(())
}

fn draw_empty(mut contexts: EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = root_ui(&ctx);
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.label("empty");
    });
    Ok(())
}
