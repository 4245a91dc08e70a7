//! Teacher and classroom mode: the keyboard shortcuts (one table, which also writes the `?`
//! overlay), the View, Demos and Export menus, the frozen display and its pinned notes.
//! Plain data in, requests out; the app carries out what needs Bevy (full screen, PNG).

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use crate::dsp::filter::AaFilterKind;
use crate::dsp::quantizer::{BitDepth, DitherKind};
use crate::settings::{SCALE_RANGE, SCALE_STEP, clamp_scale};
use crate::sim::demos::DemoLibrary;
use crate::ui::app_ui::{AppUi, Screen};
use crate::ui::converter_controls::RATE_PRESETS;
use crate::ui::theme::{Theme, ThemeKind};

/// What a teacher changes for the class, beside the screens' own settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TeacherUi {
    /// UI scale, 1 to 3.
    pub scale: f32,
    /// The window fills the screen.
    pub fullscreen: bool,
    /// The views hold still (the sound and the meters' models keep running).
    pub frozen: bool,
    /// The shortcut overlay is open.
    pub help: bool,
    /// The demo last opened (index in the library).
    pub demo: Option<usize>,
    /// The title of the demo or scene last opened, for naming figures.
    pub title: Option<String>,
    /// The name typed for "save as scene".
    pub save_name: String,
    /// The note typed for the next pin.
    pub note: String,
    /// The last message (text, is an error).
    pub message: Option<(String, bool)>,
    /// A menu of the top bar to open on the next frame (`--open view`, for pictures of it).
    pub open_menu: Option<TopMenu>,
}

/// The top bar's menus that can be opened from the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopMenu {
    /// The Demos menu.
    Demos,
    /// The View menu.
    View,
}

impl Default for TeacherUi {
    fn default() -> Self {
        Self {
            scale: 1.0,
            fullscreen: false,
            frozen: false,
            help: false,
            demo: None,
            title: None,
            save_name: String::new(),
            note: String::new(),
            message: None,
            open_menu: None,
        }
    }
}

/// What the teacher's menus and keys ask of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum TeacherRequest {
    /// Open demo number `i` of the library.
    OpenDemo(usize),
    /// Save the current state as a scene with this name.
    SaveScene(String),
    /// Save the window as PNG.
    Screenshot,
    /// Save the current measurements as CSV.
    Csv,
}

/// A keyboard command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Play or pause the transport.
    PlayPause,
    /// One bit more.
    BitsUp,
    /// One bit less.
    BitsDown,
    /// The next higher preset sample rate.
    RateUp,
    /// The next lower preset sample rate.
    RateDown,
    /// No dither, RPDF, TPDF.
    DitherCycle,
    /// Anti-alias filter off, gentle, steep.
    FilterCycle,
    /// The next demo.
    NextDemo,
    /// The previous demo.
    PrevDemo,
    /// Demo `n` (0-based).
    Demo(usize),
    /// Hear the other side of an A/B comparison.
    AbSwitch,
    /// Dark or projector theme.
    Theme,
    /// Full screen on or off.
    Fullscreen,
    /// Hide or reveal the readouts.
    HideReveal,
    /// Freeze or release the display.
    Freeze,
    /// Pin the typed note with the next click on a plot.
    Pin,
    /// Remove every pin of the screen.
    ClearPins,
    /// One view at full size, the next one, all again.
    Focus,
    /// Save the window as PNG.
    Screenshot,
    /// Save the measurements as CSV.
    Csv,
    /// The shortcut overlay.
    Help,
    /// Bigger UI.
    ScaleUp,
    /// Smaller UI.
    ScaleDown,
    /// UI scale 1.
    ScaleReset,
    /// The converter screen.
    Converter,
    /// The mixing desk.
    Desk,
    /// The lesson panel.
    Lessons,
    /// Close the overlay, drop a note waiting to be pinned.
    Escape,
}

/// A shortcut: its keys, what it does, and how the overlay writes it.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// The command.
    pub command: Command,
    /// Keys that run it (the first is the one shown).
    pub keys: &'static [KeyboardShortcut],
    /// The keys as the overlay shows them.
    pub label: &'static str,
    /// What it does.
    pub what: &'static str,
}

const fn k(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}
const fn shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::SHIFT, key)
}
const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

/// Every shortcut, in the order the overlay lists them. Space, Enter and the arrows belong
/// to a focused control (Tab moves the focus, Esc leaves it); they act as shortcuts when no
/// control has the focus. No shortcut acts while a text field is being typed in.
pub const BINDINGS: &[Binding] = &[
    Binding { command: Command::PlayPause, keys: &[k(Key::Space)], label: "Space", what: "play / pause" },
    Binding { command: Command::BitsUp, keys: &[k(Key::ArrowUp)], label: "Up", what: "one bit more (converter)" },
    Binding { command: Command::BitsDown, keys: &[k(Key::ArrowDown)], label: "Down", what: "one bit less (converter)" },
    Binding {
        command: Command::RateUp,
        keys: &[k(Key::ArrowRight)],
        label: "Right",
        what: "next higher sample rate (converter)",
    },
    Binding {
        command: Command::RateDown,
        keys: &[k(Key::ArrowLeft)],
        label: "Left",
        what: "next lower sample rate (converter)",
    },
    Binding { command: Command::DitherCycle, keys: &[k(Key::D)], label: "D", what: "dither: none, RPDF, TPDF" },
    Binding {
        command: Command::FilterCycle,
        keys: &[k(Key::F)],
        label: "F",
        what: "anti-alias filter: off, gentle, steep",
    },
    Binding { command: Command::NextDemo, keys: &[k(Key::PageDown), k(Key::N)], label: "PgDn / N", what: "next demo" },
    Binding {
        command: Command::PrevDemo,
        keys: &[k(Key::PageUp), k(Key::P)],
        label: "PgUp / P",
        what: "previous demo",
    },
    Binding { command: Command::Demo(0), keys: &[], label: "1 ... 9, 0", what: "demo 1 to 10" },
    Binding { command: Command::AbSwitch, keys: &[k(Key::A)], label: "A", what: "A/B: hear the other side" },
    Binding { command: Command::Converter, keys: &[k(Key::C)], label: "C", what: "the converter screen" },
    Binding { command: Command::Desk, keys: &[k(Key::K)], label: "K", what: "the mixing desk" },
    Binding { command: Command::Lessons, keys: &[k(Key::L)], label: "L", what: "the lesson panel" },
    Binding { command: Command::Focus, keys: &[k(Key::V)], label: "V", what: "one view full size, the next, all" },
    Binding { command: Command::HideReveal, keys: &[k(Key::H)], label: "H", what: "hide / reveal the readouts" },
    Binding { command: Command::Freeze, keys: &[k(Key::Z)], label: "Z", what: "freeze the display (sound plays on)" },
    Binding { command: Command::Pin, keys: &[k(Key::M)], label: "M", what: "pin the note on the next plot clicked" },
    Binding { command: Command::ClearPins, keys: &[shift(Key::M)], label: "Shift+M", what: "remove the pins" },
    Binding { command: Command::Theme, keys: &[k(Key::T)], label: "T", what: "projector / dark theme" },
    Binding { command: Command::ScaleUp, keys: &[ctrl(Key::Equals), ctrl(Key::Plus)], label: "Ctrl +", what: "bigger" },
    Binding { command: Command::ScaleDown, keys: &[ctrl(Key::Minus)], label: "Ctrl -", what: "smaller" },
    Binding { command: Command::ScaleReset, keys: &[ctrl(Key::Num0)], label: "Ctrl 0", what: "scale 1x" },
    Binding { command: Command::Fullscreen, keys: &[k(Key::F11)], label: "F11", what: "full screen" },
    Binding { command: Command::Screenshot, keys: &[k(Key::S)], label: "S", what: "save the window as PNG" },
    Binding { command: Command::Csv, keys: &[k(Key::E)], label: "E", what: "save the measurements as CSV" },
    Binding { command: Command::Help, keys: &[k(Key::Questionmark), k(Key::F1)], label: "? / F1", what: "this list" },
    Binding { command: Command::Escape, keys: &[k(Key::Escape)], label: "Esc", what: "close this list, drop a note" },
];

const DIGITS: [Key; 10] =
    [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9, Key::Num0];

/// Keys a focused control uses itself.
fn belongs_to_focus(key: Key) -> bool {
    matches!(key, Key::Space | Key::Enter | Key::ArrowUp | Key::ArrowDown | Key::ArrowLeft | Key::ArrowRight)
}

/// Takes this frame's shortcuts out of egui's input (so no control also acts on them).
#[must_use]
pub fn read_commands(ctx: &egui::Context) -> Vec<Command> {
    if ctx.egui_wants_keyboard_input() {
        return Vec::new();
    }
    let focused = ctx.memory(|m| m.focused().is_some());
    let mut out = Vec::new();
    ctx.input_mut(|i| {
        // Shortcuts with modifiers first: egui lets Shift through on a plain key (it may be
        // needed to type the key), so M would otherwise also take Shift+M.
        for with_modifiers in [true, false] {
            for b in BINDINGS {
                for s in b.keys.iter().filter(|s| (s.modifiers != Modifiers::NONE) == with_modifiers) {
                    if focused && belongs_to_focus(s.logical_key) {
                        continue;
                    }
                    if i.consume_shortcut(s) {
                        out.push(b.command);
                    }
                }
            }
        }
        for (n, key) in DIGITS.into_iter().enumerate() {
            if i.consume_key(Modifiers::NONE, key) {
                out.push(Command::Demo(n));
            }
        }
    });
    out
}

fn step_bits(d: BitDepth, up: bool) -> BitDepth {
    match (d, up) {
        (BitDepth::Fixed(24) | BitDepth::Float32, true) => BitDepth::Float32,
        (BitDepth::Float32, false) => BitDepth::Fixed(24),
        (BitDepth::Fixed(n), true) => BitDepth::Fixed(n + 1),
        (BitDepth::Fixed(n), false) => BitDepth::Fixed(n.saturating_sub(1).max(1)),
    }
}

fn step_rate(rate: f64, up: bool) -> f64 {
    if up {
        RATE_PRESETS.iter().copied().find(|&r| r > rate + 0.5).unwrap_or(rate)
    } else {
        RATE_PRESETS.iter().rev().copied().find(|&r| r < rate - 0.5).unwrap_or(rate)
    }
}

fn cycle<T: Copy + PartialEq>(all: &[T], now: T) -> T {
    let i = all.iter().position(|x| *x == now).unwrap_or(0);
    all[(i + 1) % all.len()]
}

/// What running a command did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// The converter's settings changed.
    pub converter_changed: bool,
    /// Something the app must do.
    pub request: Option<TeacherRequest>,
}

/// Runs a command that changes the converter's settings; false if it is not one.
fn converter_command(app: &mut AppUi, command: Command, out: &mut Outcome) -> bool {
    let name = match command {
        Command::BitsUp | Command::BitsDown => "bits",
        Command::RateUp | Command::RateDown => "sample_rate",
        Command::DitherCycle => "dither",
        Command::FilterCycle => "aa_filter",
        _ => return false,
    };
    if app.screen != Screen::Converter {
        app.teacher.message = Some((format!("{name}: on the converter screen (C)"), true));
        return true;
    }
    let r = &app.converter.restrictions;
    if r.locks(name, None) || r.hides(name, None) {
        app.teacher.message = Some((format!("{name} is locked by the lesson"), true));
        return true;
    }
    let p = &mut app.converter.params;
    match command {
        Command::BitsUp | Command::BitsDown => {
            p.quantizer.bit_depth = step_bits(p.quantizer.bit_depth, command == Command::BitsUp);
        }
        Command::RateUp | Command::RateDown => {
            p.sample_rate_hz = step_rate(p.sample_rate_hz, command == Command::RateUp);
        }
        Command::DitherCycle => p.quantizer.dither.kind = cycle(&DitherKind::ALL, p.quantizer.dither.kind),
        _ => p.aa_filter.kind = cycle(&AaFilterKind::ALL, p.aa_filter.kind),
    }
    out.converter_changed = true;
    true
}

/// Runs a demo command: asks for demo `i` of `demos`.
fn demo_command(app: &mut AppUi, command: Command, demos: usize, out: &mut Outcome) {
    if demos == 0 {
        app.teacher.message = Some(("no demos found (assets/demos)".into(), true));
        return;
    }
    let i = match (command, app.teacher.demo) {
        (Command::Demo(n), _) => n,
        (Command::NextDemo, None) => 0,
        (Command::NextDemo, Some(i)) => (i + 1) % demos,
        (_, i) => (i.unwrap_or(0) + demos - 1) % demos,
    };
    if i < demos {
        out.request = Some(TeacherRequest::OpenDemo(i));
    } else {
        app.teacher.message = Some((format!("there is no demo {}", i + 1), true));
    }
}

/// Runs `command` on the UI state. `demos` is the number of demos in the library. Controls a
/// lesson locked stay as they are (the message says why).
pub fn run_command(app: &mut AppUi, command: Command, demos: usize) -> Outcome {
    let mut out = Outcome::default();
    if converter_command(app, command, &mut out) {
        return out;
    }
    match command {
        Command::PlayPause => app.playing = !app.playing,
        Command::NextDemo | Command::PrevDemo | Command::Demo(_) => demo_command(app, command, demos, &mut out),
        Command::AbSwitch => {
            if app.sound.compare == crate::ui::sound::Compare::Off {
                app.teacher.message = Some(("A/B: choose what to compare with first (sound bar)".into(), true));
            } else {
                app.sound.active = app.sound.active.other();
            }
        }
        Command::Theme => {
            app.theme = match app.theme {
                ThemeKind::Dark => ThemeKind::Projector,
                ThemeKind::Projector => ThemeKind::Dark,
            };
        }
        Command::Fullscreen => app.teacher.fullscreen = !app.teacher.fullscreen,
        Command::HideReveal => app.converter.hide_readouts = !app.converter.hide_readouts,
        Command::Freeze => app.teacher.frozen = !app.teacher.frozen,
        Command::Pin => {
            let note = app.teacher.note.trim().to_string();
            pins_of(app).placing = Some(note);
        }
        Command::ClearPins => {
            let pins = pins_of(app);
            pins.list.clear();
            pins.placing = None;
        }
        Command::Focus => next_focus(app),
        Command::Screenshot => out.request = Some(TeacherRequest::Screenshot),
        Command::Csv => out.request = Some(TeacherRequest::Csv),
        Command::Help => app.teacher.help = !app.teacher.help,
        Command::ScaleUp => app.teacher.scale = clamp_scale(app.teacher.scale + SCALE_STEP),
        Command::ScaleDown => app.teacher.scale = clamp_scale(app.teacher.scale - SCALE_STEP),
        Command::ScaleReset => app.teacher.scale = 1.0,
        Command::Converter => app.screen = Screen::Converter,
        Command::Desk => app.screen = Screen::Chain,
        Command::Lessons => app.lessons.open = !app.lessons.open,
        Command::Escape => {
            app.teacher.help = false;
            pins_of(app).placing = None;
        }
        // Handled by converter_command.
        Command::BitsUp
        | Command::BitsDown
        | Command::RateUp
        | Command::RateDown
        | Command::DitherCycle
        | Command::FilterCycle => {}
    }
    out
}

/// The pins of the screen on show.
pub fn pins_of(app: &mut AppUi) -> &mut crate::ui::pins::Pins {
    match app.screen {
        Screen::Converter => &mut app.converter.pins,
        Screen::Chain => &mut app.chain.pins,
    }
}

/// The focus layout: one view of the screen full size, the next one, then all of them again
/// (views a lesson hides are skipped).
fn next_focus(app: &mut AppUi) {
    match app.screen {
        Screen::Converter => {
            let shown = app.converter.shown_views();
            app.converter.focus = cycle_focus(&shown, app.converter.focus);
            app.converter.reset_views = true;
        }
        Screen::Chain => {
            let shown = app.chain.shown_views();
            app.chain.focus = cycle_focus(&shown, app.chain.focus);
        }
    }
}

/// After `now`: the next of `views`, or none after the last.
fn cycle_focus<T: Copy + PartialEq>(views: &[T], now: Option<T>) -> Option<T> {
    match now.and_then(|v| views.iter().position(|x| *x == v)) {
        None => views.first().copied(),
        Some(i) => views.get(i + 1).copied(),
    }
}

/// The focus submenu: every view of the screen on show, and "all views".
fn focus_menu_ui(ui: &mut Ui, app: &mut AppUi) {
    match app.screen {
        Screen::Converter => {
            let mut choices = vec![(None, "All views")];
            choices.extend(app.converter.shown_views().into_iter().map(|v| (Some(v), v.menu_name())));
            for (v, name) in choices {
                if ui.radio(app.converter.focus == v, name).clicked() {
                    app.converter.focus = v;
                    app.converter.reset_views = true;
                }
            }
        }
        Screen::Chain => {
            let mut choices = vec![(None, "All views")];
            choices.extend(app.chain.shown_views().into_iter().map(|v| (Some(v), v.menu_name())));
            for (v, name) in choices {
                if ui.radio(app.chain.focus == v, name).clicked() {
                    app.chain.focus = v;
                }
            }
        }
    }
}

/// The View menu: theme, scale, full screen, focus, hide readouts, freeze, pins, shortcuts.
pub fn view_menu_ui(ui: &mut Ui, app: &mut AppUi) -> Vec<Command> {
    let mut commands = Vec::new();
    let item = |ui: &mut Ui, text: String, command: Command, commands: &mut Vec<Command>| {
        let key = BINDINGS.iter().find(|b| b.command == command).map_or("", |b| b.label);
        if ui.add(egui::Button::new(text).shortcut_text(key)).clicked() {
            commands.push(command);
        }
    };
    let theme = if app.theme == ThemeKind::Dark { "Projector theme" } else { "Dark theme" };
    item(ui, theme.into(), Command::Theme, &mut commands);
    ui.horizontal(|ui| {
        ui.label("UI scale");
        ui.add(
            egui::Slider::new(&mut app.teacher.scale, SCALE_RANGE.0..=SCALE_RANGE.1)
                .step_by(f64::from(SCALE_STEP))
                .suffix("x"),
        )
        .on_hover_text("Make everything bigger for the back of the room (Ctrl + and Ctrl -).");
    });
    let fs = if app.teacher.fullscreen { "Leave full screen" } else { "Full screen" };
    item(ui, fs.into(), Command::Fullscreen, &mut commands);
    ui.separator();
    ui.menu_button("Focus on one view", |ui| focus_menu_ui(ui, app));
    ui.add_enabled_ui(app.screen == Screen::Converter, |ui| {
        let hide = if app.converter.hide_readouts { "Reveal the readouts" } else { "Hide the readouts" };
        item(ui, hide.into(), Command::HideReveal, &mut commands);
    });
    ui.separator();
    let freeze = if app.teacher.frozen { "Release the display" } else { "Freeze the display" };
    item(ui, freeze.into(), Command::Freeze, &mut commands);
    ui.horizontal(|ui| {
        ui.label("Note");
        ui.add(egui::TextEdit::singleline(&mut app.teacher.note).desired_width(160.0).hint_text("what to point at"))
            .on_hover_text("A few words to pin on a plot.");
    });
    item(ui, "Pin the note on a plot".into(), Command::Pin, &mut commands);
    item(ui, "Remove the pins".into(), Command::ClearPins, &mut commands);
    ui.separator();
    ui.checkbox(&mut app.lessons.teacher_notes, "Teacher notes in lessons")
        .on_hover_text("The lesson panel shows minutes, misconceptions, discussion prompts and the step's answer.");
    item(ui, "Keyboard shortcuts".into(), Command::Help, &mut commands);
    commands
}

/// The Demos menu: every demo with its key, then "save the current state as a scene".
pub fn demos_menu_ui(ui: &mut Ui, app: &mut AppUi, demos: &DemoLibrary) -> Option<TeacherRequest> {
    let mut request = None;
    egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() * 0.7).show(ui, |ui| {
        for (i, d) in demos.demos.iter().enumerate() {
            let key = match i {
                0..=8 => format!("{}", i + 1),
                9 => "0".into(),
                _ => String::new(),
            };
            let mut title = d.scene.name.clone();
            if d.saved {
                title.push_str("  (saved)");
            }
            let button = egui::Button::selectable(app.teacher.demo == Some(i), title).shortcut_text(key);
            let mut r = ui.add(button);
            if !d.scene.description.is_empty() {
                r = r.on_hover_text(&d.scene.description);
            }
            if r.clicked() {
                request = Some(TeacherRequest::OpenDemo(i));
                ui.close();
            }
        }
    });
    for b in &demos.broken {
        ui.colored_label(ui.visuals().warn_fg_color, b);
    }
    ui.separator();
    ui.label("Save the current state as a demo:");
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut app.teacher.save_name).desired_width(180.0).hint_text("name"));
        let ok = !app.teacher.save_name.trim().is_empty();
        if ui
            .add_enabled(ok, egui::Button::new("Save"))
            .on_hover_text("Both screens' settings, reopened from this menu next lesson.")
            .clicked()
        {
            request = Some(TeacherRequest::SaveScene(app.teacher.save_name.trim().to_string()));
            ui.close();
        }
    });
    request
}

/// The `?` overlay: every shortcut, written from [`BINDINGS`], in as many columns as the
/// window's height needs; scrolling only when the window is too small even for those (a large
/// UI scale on a small screen).
pub fn shortcuts_overlay_ui(ctx: &egui::Context, open: &mut bool, theme: &Theme) {
    let mut still_open = *open;
    let screen = ctx.content_rect();
    let style = ctx.global_style();
    let font = |t: egui::TextStyle| t.resolve(&style);
    let measure = |text: &str, font: egui::FontId| {
        ctx.fonts_mut(|f| f.layout_no_wrap(text.to_string(), font, egui::Color32::PLACEHOLDER).size())
    };
    let key_w = BINDINGS.iter().map(|b| measure(b.label, font(egui::TextStyle::Monospace)).x).fold(0.0, f32::max);
    let what_w = BINDINGS.iter().map(|b| measure(b.what, font(egui::TextStyle::Body)).x).fold(0.0, f32::max);
    let row_h = measure("Ag", font(egui::TextStyle::Body)).y.max(style.spacing.interact_size.y) + OVERLAY_ROW_GAP;
    let column_w = key_w + what_w + 2.5 * OVERLAY_COLUMN_GAP;
    // The window's title bar, margins and the note under the list: about five rows.
    let room = screen.height() - 2.0 * OVERLAY_MARGIN - 5.0 * row_h;
    let wanted = BINDINGS.len().div_ceil(((room / row_h).floor() as usize).max(1));
    let fit = (((screen.width() - 2.0 * OVERLAY_MARGIN) / column_w).floor() as usize).max(1);
    let columns = wanted.min(fit);
    let per_column = BINDINGS.len().div_ceil(columns);
    egui::Window::new("Keyboard shortcuts")
        .open(&mut still_open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .max_width(screen.width() - 2.0 * OVERLAY_MARGIN)
        .show(ctx, |ui| {
            // Never taller than the window: the list scrolls when even its columns do not fit.
            // (`min_scrolled_height` too: else a scrolling list keeps to egui's default window
            // height, 420 points, on any screen.)
            let list_h = room + 2.0 * row_h;
            egui::ScrollArea::vertical().max_height(list_h).min_scrolled_height(list_h).show(ui, |ui| {
                let drawn = egui::Grid::new("shortcuts")
                    .num_columns(3 * columns - 1)
                    .spacing([OVERLAY_COLUMN_GAP / 2.0, OVERLAY_ROW_GAP])
                    .striped(true)
                    .show(ui, |ui| {
                        for row in 0..per_column {
                            for c in 0..columns {
                                if c > 0 {
                                    // A gap between the columns of keys.
                                    ui.allocate_space(egui::vec2(OVERLAY_COLUMN_GAP, 0.0));
                                }
                                if let Some(b) = BINDINGS.get(c * per_column + row) {
                                    ui.label(RichText::new(b.label).monospace().strong().color(theme.text));
                                    ui.label(b.what);
                                } else {
                                    ui.label("");
                                    ui.label("");
                                }
                            }
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                // The note wraps to the columns' width rather than widening the window.
                ui.allocate_ui(egui::vec2(drawn.response.rect.width(), 0.0), |ui| {
                    ui.label(
                        RichText::new("Tab moves between controls; Space or Enter presses; arrows change a slider.")
                            .color(theme.text_weak),
                    );
                });
            });
        });
    *open = still_open;
}

/// Space between the overlay and the window's edges, points.
const OVERLAY_MARGIN: f32 = 16.0;
/// Space between the overlay's rows, points.
const OVERLAY_ROW_GAP: f32 = 6.0;
/// Space between a key and what it does, points.
const OVERLAY_COLUMN_GAP: f32 = 24.0;
