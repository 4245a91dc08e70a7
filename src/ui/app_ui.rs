//! The window's frame: the top bar (screens, transport, presets, theme, status) around the
//! current screen.

use egui::{RichText, Ui};

use crate::sim::chain_view::ChainSnapshot;
use crate::sim::converter_view::ConverterSnapshot;
use crate::sim::presets;
use crate::ui::chain_screen::{ChainActions, ChainUi, chain_screen_ui};
use crate::ui::converter_screen::{ConverterUi, converter_screen_ui};
use crate::ui::lessons::{LessonAction, LessonUi, LessonView, lesson_panel_ui};
use crate::ui::sound::{SoundActions, SoundStatus, SoundUi, sound_bar_ui};
use crate::ui::theme::{Theme, ThemeKind};

/// The screens of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Sampling, quantization, aliasing.
    #[default]
    Converter,
    /// The mixing desk: tracking, mix, master, export.
    Chain,
}

/// The state of the whole UI.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AppUi {
    /// The screen shown.
    pub screen: Screen,
    /// The converter screen.
    pub converter: ConverterUi,
    /// The mixing desk.
    pub chain: ChainUi,
    /// Transport running.
    pub playing: bool,
    /// Colour theme.
    pub theme: ThemeKind,
    /// Sound: volume, what is heard, A/B, blind tests, export.
    pub sound: SoundUi,
    /// The lesson panel.
    pub lessons: LessonUi,
}

/// What the UI asks the app to do this frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UiActions {
    /// The converter's settings or view changed.
    pub converter_changed: bool,
    /// What the desk asks for.
    pub chain: ChainActions,
    /// What the sound bar asks for.
    pub sound: SoundActions,
    /// What the lesson panel asks for.
    pub lessons: Vec<LessonAction>,
}

/// What the screens show: the latest results of the simulation.
#[derive(Clone, Copy, Debug)]
pub struct Views<'a> {
    /// The converter screen's data.
    pub converter: &'a ConverterSnapshot,
    /// The desk's data.
    pub chain: &'a ChainSnapshot,
    /// The sound engine's state.
    pub sound: &'a SoundStatus,
    /// The lessons and the student's progress (none: no lesson panel).
    pub lessons: Option<LessonView<'a>>,
}

/// Draws the whole window.
pub fn app_ui(root: &mut Ui, app: &mut AppUi, views: Views<'_>, theme: &Theme) -> UiActions {
    let mut actions = UiActions::default();
    egui::Panel::top("top_bar").show(root, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.heading(RichText::new("Headroom Lab").strong());
            ui.separator();
            ui.selectable_value(&mut app.screen, Screen::Converter, "Converter")
                .on_hover_text("Sampling, quantization, aliasing, clipping.");
            ui.selectable_value(&mut app.screen, Screen::Chain, "Mixing desk")
                .on_hover_text("Gain staging from tracking to mix, master and export.");
            ui.separator();
            let play = if app.playing { "⏸ Pause" } else { "▶ Play" };
            if ui
                .button(play)
                .on_hover_text("Run the signal through time, like an oscilloscope; pause to hold it still.")
                .clicked()
            {
                app.playing = !app.playing;
            }
            if app.screen == Screen::Converter {
                ui.menu_button("Presets", |ui| {
                    for p in presets::all() {
                        if ui.button(p.title).on_hover_text(p.description).clicked() {
                            app.converter = ConverterUi::new(p.params.clone());
                            actions.converter_changed = true;
                            ui.close();
                        }
                    }
                })
                .response
                .on_hover_text("Set up a demonstration.");
            }
            if ui.button("Reset view").on_hover_text("Zoom the plots back to their default view.").clicked() {
                app.converter.reset_views = true;
                app.converter.view.time_offset_secs = 0.0;
                app.converter.view.time_span_secs = crate::sim::ViewSettings::default_span_secs(&app.converter.params);
                actions.converter_changed = true;
            }
            if views.lessons.is_some() {
                ui.separator();
                ui.toggle_value(&mut app.lessons.open, "Lessons")
                    .on_hover_text("Step-by-step lessons that set up the simulator, ask, and check what you do.");
            }
            let theme_label = match app.theme {
                ThemeKind::Dark => "Projector theme",
                ThemeKind::Projector => "Dark theme",
            };
            if ui
                .button(theme_label)
                .on_hover_text("Switch between the dark theme and the high-contrast projector theme.")
                .clicked()
            {
                app.theme = match app.theme {
                    ThemeKind::Dark => ThemeKind::Projector,
                    ThemeKind::Projector => ThemeKind::Dark,
                };
            }
        });
    });
    actions.sound = sound_bar_ui(root, app, views.sound, theme);
    if let Some(lessons) = &views.lessons {
        actions.lessons = lesson_panel_ui(root, app, lessons, theme);
    }
    match app.screen {
        Screen::Converter => {
            actions.converter_changed |= converter_screen_ui(root, &mut app.converter, views.converter, theme);
        }
        Screen::Chain => actions.chain = chain_screen_ui(root, &mut app.chain, views.chain, theme),
    }
    actions
}
