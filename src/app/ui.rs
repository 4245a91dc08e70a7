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

/// The requested UI scale.
#[derive(Resource)]
pub struct UiScale(pub f32);

pub(super) fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let scale = options.scale.clamp(1.0, 3.0);
    let theme = options.theme;
    move |app: &mut App| {
        app.insert_resource(UiScale(scale))
            .init_resource::<Applied>()
            .add_systems(PreStartup, spawn_camera.before(EguiStartupSet::InitContexts))
            .add_systems(Startup, move |mut ui: ResMut<UiState>| ui.0.theme = theme)
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
    mut applied: ResMut<Applied>,
    scale: Res<UiScale>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let theme = Theme::of(ui_state.0.theme);
    if applied.theme != Some(theme.kind) || applied.scale != scale.0 {
        theme.apply(&ctx);
        ctx.set_zoom_factor(scale.0);
        applied.theme = Some(theme.kind);
        applied.scale = scale.0;
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
    let views =
        crate::ui::app_ui::Views { converter: &results.snapshot, chain: chain_snap, sound, lessons: lesson_view };
    let actions = app_ui(&mut root, &mut state, views, &theme);
    if state != ui_state.0 {
        ui_state.0 = state;
    }
    if actions.converter_changed {
        results.dirty = true;
    }
    if actions.chain != crate::ui::chain_screen::ChainActions::default() {
        handle_actions(&actions.chain, &mut ui_state, &mut chain, audio.as_deref_mut());
    }
    if let (Some(request), Some(a)) = (actions.sound.export, audio.as_deref_mut()) {
        a.start_export(request);
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
