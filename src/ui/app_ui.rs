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
use crate::ui::teacher::{
    Command, TeacherRequest, TeacherUi, TopMenu, demos_menu_ui, read_commands, run_command, shortcuts_overlay_ui,
    view_menu_ui,
};
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
    /// Classroom settings: scale, full screen, freeze, notes, demos.
    pub teacher: TeacherUi,
}

/// What the UI asks the app to do this frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UiActions {
    /// The converter's settings or view changed.
    pub converter_changed: bool,
    /// What the desk asks for.
    pub chain: ChainActions,
    /// What the desk's input track asks for.
    pub input: crate::ui::input_track::InputActions,
    /// What the sound bar asks for.
    pub sound: SoundActions,
    /// What the lesson panel asks for.
    pub lessons: Vec<LessonAction>,
    /// What the teacher's menus and keys ask for.
    pub teacher: Vec<TeacherRequest>,
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
    /// The demo library (none: no Demos menu).
    pub demos: Option<&'a crate::sim::demos::DemoLibrary>,
    /// The desk's input track (none: closed).
    pub input: Option<&'a crate::sim::input_track::InputView>,
}

/// Runs keyboard and menu commands.
fn run_commands(app: &mut AppUi, commands: &[Command], demos: usize, actions: &mut UiActions) {
    for &c in commands {
        let out = run_command(app, c, demos);
        actions.converter_changed |= out.converter_changed;
        actions.teacher.extend(out.request);
    }
}

/// Draws the whole window.
pub fn app_ui(root: &mut Ui, app: &mut AppUi, views: Views<'_>, theme: &Theme) -> UiActions {
    let mut actions = UiActions::default();
    let demos = views.demos.map_or(0, |d| d.demos.len());
    // Shortcuts first, so that a control never also acts on a key that was a shortcut.
    let commands = read_commands(root.ctx());
    run_commands(app, &commands, demos, &mut actions);
    let menu_commands = top_bar_ui(root, app, &views, theme, &mut actions);
    run_commands(app, &menu_commands, demos, &mut actions);
    if app.teacher.help {
        shortcuts_overlay_ui(root.ctx(), &mut app.teacher.help, theme);
    }
    actions.sound = sound_bar_ui(root, app, views.sound, theme);
    if let Some(lessons) = &views.lessons {
        actions.lessons = lesson_panel_ui(root, app, lessons, theme);
    }
    match app.screen {
        Screen::Converter => {
            actions.converter_changed |= converter_screen_ui(root, &mut app.converter, views.converter, theme);
        }
        Screen::Chain => {
            if let Some(view) = views.input {
                let zone = app.chain.scene.targets.tracking_peak_dbfs;
                egui::Panel::left("input_track").resizable(false).show(root, |ui| {
                    // Taller than a 720-point screen in the projector theme: it scrolls.
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        actions.input =
                            crate::ui::input_track::input_track_ui(ui, &mut app.chain.input, view, zone, theme);
                    });
                });
            }
            actions.chain = chain_screen_ui(root, &mut app.chain, views.chain, theme);
        }
    }
    actions
}

/// Opens the menu of `button` when `--open` asked for it (once).
fn open_menu_if_asked(app: &mut AppUi, menu: TopMenu, button: &egui::Response) {
    if app.teacher.open_menu == Some(menu) {
        app.teacher.open_menu = None;
        egui::Popup::open_id(&button.ctx, egui::Popup::default_response_id(button));
    }
}

/// The top bar: screens, transport, presets, demos, view, export, lessons, help, status;
/// returns the commands chosen from the View menu.
fn top_bar_ui(
    root: &mut Ui,
    app: &mut AppUi,
    views: &Views<'_>,
    theme: &Theme,
    actions: &mut UiActions,
) -> Vec<Command> {
    let mut menu_commands = Vec::new();
    egui::Panel::top("top_bar").show(root, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.heading(RichText::new("Headroom Lab").strong());
            ui.separator();
            ui.selectable_value(&mut app.screen, Screen::Converter, "Converter")
                .on_hover_text("Sampling, quantization, aliasing, clipping (C).");
            ui.selectable_value(&mut app.screen, Screen::Chain, "Mixing desk")
                .on_hover_text("Gain staging from tracking to mix, master and export (K).");
            ui.separator();
            let play = if app.playing { "⏸ Pause" } else { "▶ Play" };
            if ui
                .button(play)
                .on_hover_text("Run the signal through time, like an oscilloscope; pause to hold it still (Space).")
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
            ui.separator();
            if let Some(lib) = views.demos {
                let demos = ui.menu_button("Demos", |ui| {
                    actions.teacher.extend(demos_menu_ui(ui, app, lib));
                });
                open_menu_if_asked(app, TopMenu::Demos, &demos.response);
                demos
                    .response
                    .on_hover_text("One-key demonstrations in class order (1-9, 0; PgDn/PgUp), and your saved scenes.");
            }
            let view = ui.menu_button("View", |ui| menu_commands.extend(view_menu_ui(ui, app)));
            open_menu_if_asked(app, TopMenu::View, &view.response);
            view.response.on_hover_text("Projector theme, UI scale, full screen, focus, freeze, notes, shortcuts (?).");
            ui.menu_button("Figures", |ui| {
                if ui.add(egui::Button::new("Window as PNG").shortcut_text("S")).clicked() {
                    actions.teacher.push(TeacherRequest::Screenshot);
                    ui.close();
                }
                if ui.add(egui::Button::new("Measurements as CSV").shortcut_text("E")).clicked() {
                    actions.teacher.push(TeacherRequest::Csv);
                    ui.close();
                }
            })
            .response
            .on_hover_text("Figures for slides and handouts, named with the scene and the time.");
            if views.lessons.is_some() {
                ui.toggle_value(&mut app.lessons.open, "Lessons")
                    .on_hover_text("Step-by-step lessons that set up the simulator, ask, and check what you do (L).");
            }
            if ui.button("?").on_hover_text("Keyboard shortcuts (? or F1).").clicked() {
                app.teacher.help = !app.teacher.help;
            }
            if app.teacher.frozen {
                ui.label(RichText::new(" FROZEN (Z) ").strong().color(theme.background).background_color(theme.accent))
                    .on_hover_text("The display holds still while the sound plays on. Z releases it.");
            }
            if let Some((text, is_error)) = &app.teacher.message {
                ui.label(RichText::new(text).color(if *is_error { theme.warning } else { theme.good }));
            }
        });
        let placing = crate::ui::teacher::pins_of(app).placing.clone();
        if let Some(note) = placing {
            ui.horizontal(|ui| {
                let what = if note.is_empty() { "a marker".to_string() } else { format!("\"{note}\"") };
                ui.label(RichText::new(format!("Click on a plot to pin {what}.")).strong().color(theme.accent));
                if ui.button("Cancel").on_hover_text("Esc").clicked() {
                    crate::ui::teacher::pins_of(app).placing = None;
                }
            });
        }
    });
    menu_commands
}
