//! The sound bar (volume, what is heard, A/B) and the windows of the blind test and of WAV
//! export. Functions over plain data: what to play is derived from the UI state by
//! [`listen_specs`], so the same settings are heard, shown and exported.

use std::path::PathBuf;

use egui::{RichText, ScrollArea, Ui};

use crate::abx::{Abx, Side};
use crate::audio::export::{ExportSettings, FileFormat};
use crate::audio::program::ListenSpec;
use crate::audio::protect::{DEFAULT_VOLUME_DB, OUTPUT_LIMIT_DBFS, VOLUME_RANGE_DB};
use crate::audio::voice::ConverterTap;
use crate::chain::engine::StageId;
use crate::chain::scene::Scene;
use crate::dsp::quantizer::DitherKind;
use crate::sim::blind_tests::{self, BlindTest};
use crate::ui::app_ui::{AppUi, Screen};
use crate::ui::chain_screen::stage_name;
use crate::ui::layout::keep_together;
use crate::ui::theme::Theme;

/// What B is, when comparing.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Compare {
    /// No B.
    #[default]
    Off,
    /// Another listening point of the same settings.
    Point {
        /// On the converter screen.
        converter_tap: ConverterTap,
        /// On the desk.
        desk_stage: StageId,
    },
    /// Settings held earlier (the student changes A and compares with them).
    Held {
        /// What was held.
        spec: Box<ListenSpec>,
        /// Said in the bar.
        label: String,
    },
}

/// Which side of a blind test is playing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AbxChoice {
    /// A, known.
    #[default]
    A,
    /// B, known.
    B,
    /// X: A or B, hidden.
    X,
    /// The other one of A and B (the second sample of an identification test).
    Y,
}

/// A blind test in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct AbxRun {
    /// The test.
    pub test: BlindTest,
    /// The score and the hidden X.
    pub abx: Abx,
    /// What plays.
    pub playing: AbxChoice,
}

impl AbxRun {
    /// A new series of `test`, its hidden sides drawn from `seed`.
    #[must_use]
    pub fn new(test: BlindTest, seed: u64) -> Self {
        let playing = if test.identify { AbxChoice::X } else { AbxChoice::A };
        Self { test, abx: Abx::new(seed), playing }
    }
}

/// Opens the blind-test window on the test `key` with a fresh score; returns false when there
/// is no such test.
pub fn start_blind_test(app: &mut AppUi, key: &str) -> bool {
    let Some(test) = blind_tests::find(key, &app.chain.scene) else { return false };
    let s = &mut app.sound;
    s.abx_seed = s.abx_seed.wrapping_add(1);
    s.abx = Some(AbxRun::new(test, s.abx_seed));
    s.abx_open = true;
    true
}

/// Whether A and B are heard loudness-matched: asked for in the bar, or by the blind test.
#[must_use]
pub fn loudness_matched(app: &AppUi) -> bool {
    app.sound.loudness_match || app.sound.abx.as_ref().is_some_and(|r| r.test.match_loudness)
}

/// WAV export settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportUi {
    /// Word length and dither.
    pub settings: ExportSettings,
    /// Length, seconds.
    pub seconds: f64,
    /// Where to write.
    pub path: String,
    /// The last result (text, is an error).
    pub message: Option<(String, bool)>,
}

impl Default for ExportUi {
    fn default() -> Self {
        Self {
            settings: ExportSettings { format: FileFormat::Int16, dither: DitherKind::Tpdf },
            seconds: 10.0,
            path: "headroom-export.wav".into(),
            message: None,
        }
    }
}

/// Everything about sound the UI edits.
#[derive(Clone, Debug, PartialEq)]
pub struct SoundUi {
    /// Master volume, dB.
    pub volume_db: f64,
    /// What the converter screen plays.
    pub converter_tap: ConverterTap,
    /// Extra gain when playing the quantization error, dB.
    pub error_gain_db: f64,
    /// What the desk plays.
    pub desk_stage: StageId,
    /// What B is.
    pub compare: Compare,
    /// The side heard when comparing.
    pub active: Side,
    /// Turn the louder side down to the quieter one.
    pub loudness_match: bool,
    /// A blind test in progress.
    pub abx: Option<AbxRun>,
    /// The blind-test window is open.
    pub abx_open: bool,
    /// The export window is open.
    pub export_open: bool,
    /// Export settings.
    pub export: ExportUi,
    /// Seed of the next blind test's hidden sides.
    pub abx_seed: u64,
}

impl Default for SoundUi {
    fn default() -> Self {
        Self {
            volume_db: DEFAULT_VOLUME_DB,
            converter_tap: ConverterTap::Output,
            error_gain_db: 0.0,
            desk_stage: StageId::Master,
            compare: Compare::Off,
            active: Side::A,
            loudness_match: false,
            abx: None,
            abx_open: false,
            export_open: false,
            export: ExportUi::default(),
            abx_seed: 1,
        }
    }
}

/// What the sound engine says, for the bar.
#[derive(Clone, Debug, PartialEq)]
pub struct SoundStatus {
    /// "sound: device at 48000 Hz" or "no audio output: visual only".
    pub line: String,
    /// More about it (why there is no sound), for the tooltip.
    pub detail: String,
    /// No device: nothing is heard.
    pub visual_only: bool,
    /// Output peak of the last 20 ms, dBFS.
    pub output_peak_dbfs: f64,
    /// Safety limiter gain reduction, dB.
    pub protection_db: f64,
    /// Loudness of A and B, LUFS.
    pub loudness_lufs: [f64; 2],
    /// Gain of A and B from loudness matching, dB.
    pub match_gain_db: [f64; 2],
    /// An export is being written.
    pub exporting: bool,
    /// Why something cannot be played, if it cannot.
    pub problem: Option<String>,
    /// Output latency, milliseconds, when a device plays.
    pub latency_ms: Option<f64>,
    /// Underruns (gaps in the sound) since the start.
    pub underruns: u64,
}

impl Default for SoundStatus {
    fn default() -> Self {
        Self {
            line: String::new(),
            detail: String::new(),
            visual_only: true,
            output_peak_dbfs: f64::NEG_INFINITY,
            protection_db: 0.0,
            loudness_lufs: [f64::NEG_INFINITY; 2],
            match_gain_db: [0.0; 2],
            exporting: false,
            problem: None,
            latency_ms: None,
            underruns: 0,
        }
    }
}

/// An export the student asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRequest {
    /// What to render.
    pub spec: ListenSpec,
    /// The desk's scene (for a session stage).
    pub session: Scene,
    /// Length, seconds.
    pub seconds: f64,
    /// Format and dither.
    pub settings: ExportSettings,
    /// Where.
    pub path: PathBuf,
}

/// What the sound bar asks the app to do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SoundActions {
    /// Write a WAV file.
    pub export: Option<ExportRequest>,
    /// Try the audio device again.
    pub retry_sound: bool,
}

/// What plays in A on the current screen.
fn spec_for(app: &AppUi, tap: ConverterTap, stage: StageId) -> ListenSpec {
    match app.screen {
        Screen::Converter => ListenSpec::Converter {
            params: app.converter.params.clone(),
            tap,
            gain_db: if tap == ConverterTap::Error { app.sound.error_gain_db } else { 0.0 },
        },
        Screen::Chain => ListenSpec::Session { stage },
    }
}

/// What slots A and B play: a blind test's two sides, or the current point (A) and what it is
/// compared with (B).
#[must_use]
pub fn listen_specs(app: &AppUi) -> [ListenSpec; 2] {
    let s = &app.sound;
    if let Some(run) = &s.abx {
        return [run.test.a.clone(), run.test.b.clone()];
    }
    let a = spec_for(app, s.converter_tap, s.desk_stage);
    let b = match &s.compare {
        Compare::Off => ListenSpec::Silence,
        Compare::Point { converter_tap, desk_stage } => spec_for(app, *converter_tap, *desk_stage),
        Compare::Held { spec, .. } => (**spec).clone(),
    };
    [a, b]
}

/// The slot heard (a blind test's X resolves to its hidden side).
#[must_use]
pub fn heard_side(app: &AppUi) -> Side {
    let s = &app.sound;
    match &s.abx {
        Some(run) => match run.playing {
            AbxChoice::A => Side::A,
            AbxChoice::B => Side::B,
            AbxChoice::X => run.abx.x(),
            AbxChoice::Y => run.abx.x().other(),
        },
        None if s.compare == Compare::Off => Side::A,
        None => s.active,
    }
}

/// A as settings frozen now: the converter's parameters, or the desk's whole scene.
fn frozen_a(app: &AppUi) -> (ListenSpec, String) {
    let s = &app.sound;
    match app.screen {
        Screen::Converter => {
            let p = &app.converter.params;
            let label =
                format!("{} at {:.0} Hz, {} bits", s.converter_tap.label(), p.sample_rate_hz, p.quantizer.bit_depth);
            (spec_for(app, s.converter_tap, s.desk_stage), label)
        }
        Screen::Chain => {
            let spec = ListenSpec::Variant { scene: Box::new(app.chain.scene.clone()), stage: s.desk_stage };
            (spec, format!("{} as it was", stage_name(&app.chain.scene, s.desk_stage)))
        }
    }
}

/// The stages the desk can play, with their names.
fn desk_points(scene: &Scene) -> Vec<(StageId, String)> {
    let mut v: Vec<StageId> = vec![StageId::Master, StageId::Bus, StageId::Export];
    for i in 0..scene.tracks.len() {
        v.extend([StageId::Track(i), StageId::TrackAdc(i), StageId::TrackSource(i)]);
    }
    v.into_iter().map(|s| (s, stage_name(scene, s))).collect()
}

fn point_combo(
    ui: &mut Ui,
    id: &str,
    app_screen: Screen,
    tap: &mut ConverterTap,
    stage: &mut StageId,
    scene: &Scene,
) -> egui::Response {
    match app_screen {
        Screen::Converter => {
            egui::ComboBox::from_id_salt(id)
                .selected_text(tap.label())
                .show_ui(ui, |ui| {
                    for t in ConverterTap::ALL {
                        ui.selectable_value(tap, t, t.label());
                    }
                })
                .response
        }
        Screen::Chain => {
            egui::ComboBox::from_id_salt(id)
                .selected_text(stage_name(scene, *stage))
                .show_ui(ui, |ui| {
                    for (s, name) in desk_points(scene) {
                        ui.selectable_value(stage, s, name);
                    }
                })
                .response
        }
    }
}

/// Draws the sound bar at the bottom of the window, and the windows it opens.
pub fn sound_bar_ui(root: &mut Ui, app: &mut AppUi, status: &SoundStatus, theme: &Theme) -> SoundActions {
    let mut actions = SoundActions::default();
    egui::Panel::bottom("sound_bar").show(root, |ui| {
        ui.add_space(2.0);
        // One line; the controls wrap only when even they are wider than the window.
        ui.horizontal_wrapped(|ui| actions.retry_sound = bar_ui(ui, app, status, theme));
        ui.add_space(2.0);
    });
    let ctx = root.ctx().clone();
    // Windows stay inside the window, scrolling when taller.
    let fit = ctx.content_rect().shrink(16.0);
    if app.sound.abx_open {
        let mut open = true;
        let centre = ctx.content_rect().center();
        egui::Window::new("Blind test (ABX)")
            .open(&mut open)
            .resizable(false)
            .max_width(fit.width())
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(centre)
            .show(&ctx, |ui| {
                scroll_to_fit(ui, fit).show(ui, |ui| {
                    abx_ui(ui, app, theme);
                });
            });
        if !open {
            app.sound.abx_open = false;
            app.sound.abx = None;
        }
    }
    if app.sound.export_open {
        let mut open = true;
        let centre = ctx.content_rect().center();
        egui::Window::new("Export WAV")
            .open(&mut open)
            .resizable(false)
            .max_width(fit.width())
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(centre)
            .show(&ctx, |ui| {
                scroll_to_fit(ui, fit).show(ui, |ui| {
                    actions.export = export_ui(ui, app, status, theme);
                });
            });
        app.sound.export_open &= open;
    }
    actions
}

/// A window's scroll area: as tall as its content, up to what fits in `fit` under the title
/// bar (not egui's default window height of 420 points).
fn scroll_to_fit(ui: &Ui, fit: egui::Rect) -> ScrollArea {
    let h = fit.height() - 2.0 * ui.spacing().interact_size.y;
    ScrollArea::vertical().max_height(h).min_scrolled_height(h)
}

/// The bar's controls and status; returns whether "Retry sound" was pressed.
fn bar_ui(ui: &mut Ui, app: &mut AppUi, status: &SoundStatus, theme: &Theme) -> bool {
    let compact = ui.available_width() < BAR_FULL_EMS * theme.body_size;
    let screen = app.screen;
    let scene = app.chain.scene.clone();
    let (lo, hi) = VOLUME_RANGE_DB;
    keep_together(ui, "volume", |ui| {
        ui.spacing_mut().slider_width = if compact { 0.75 * VOLUME_SLIDER_W } else { VOLUME_SLIDER_W };
        ui.add(egui::Slider::new(&mut app.sound.volume_db, lo..=hi).text("Volume").suffix(" dB").max_decimals(0))
            .on_hover_text(format!(
                "Master volume. Whatever it is set to, a safety limiter keeps the output below \
                 {OUTPUT_LIMIT_DBFS:.0} dBFS: aliasing and clipping demos are harsh."
            ));
    });
    if app.sound.abx.is_some() {
        keep_together(ui, "listen", |ui| {
            ui.separator();
            ui.label(RichText::new("Blind test running: see its window").color(theme.accent));
        });
    } else {
        keep_together(ui, "listen", |ui| {
            ui.separator();
            let s = &mut app.sound;
            // Short of room, the combo box says what it is on hover only.
            if !compact {
                ui.label("Listen to");
            }
            point_combo(ui, "listen_a", screen, &mut s.converter_tap, &mut s.desk_stage, &scene)
                .on_hover_text("Listen to: what the speakers play.");
            if screen == Screen::Converter && s.converter_tap == ConverterTap::Error {
                ui.spacing_mut().slider_width = VOLUME_SLIDER_W;
                ui.add(egui::Slider::new(&mut s.error_gain_db, 0.0..=60.0).suffix(" dB").max_decimals(0).text("Boost"))
                    .on_hover_text(
                        "Make the error louder: at 16 bits it lies about 98 dB below full scale, too quiet to hear as it is.",
                    );
            }
        });
        keep_together(ui, "compare", |ui| {
            ui.separator();
            compare_ui(ui, app, screen, &scene);
        });
    }
    keep_together(ui, "windows", |ui| {
        ui.separator();
        let s = &mut app.sound;
        if compact {
            ui.menu_button("More", |ui| {
                if windows_ui(ui, s) {
                    ui.close();
                }
            })
            .response
            .on_hover_text("The blind test and WAV export.");
        } else {
            windows_ui(ui, s);
        }
        ui.separator();
    });
    let mut retry = false;
    if status.visual_only {
        // Short of room, the button says less (the status beside it says what is wrong).
        let text = if compact { "Retry" } else { "Retry sound" };
        retry = keep_together(ui, "retry", |ui| {
            ui.button(text).on_hover_text("Retry sound: try to open the audio device again.").clicked()
        });
    }
    status_ui(ui, status, theme);
    retry
}

/// The buttons that open the blind test and the export; true when one was clicked.
fn windows_ui(ui: &mut Ui, s: &mut SoundUi) -> bool {
    let abx = ui.button("Blind test...").on_hover_text("Can you hear the difference? Take an ABX test.").clicked();
    let export = ui.button("Export WAV...").on_hover_text("Write what you hear to a WAV file.").clicked();
    s.abx_open |= abx;
    s.export_open |= export;
    abx || export
}

/// Below this width, in units of the theme's body text size, the bar folds the blind test
/// and the export into a menu so that it keeps one line with room for the status (the whole
/// bar takes about 70 of them: 980 points in the dark theme, 1260 in the projector's).
const BAR_FULL_EMS: f32 = 88.0;

/// Width of the volume slider, points: short, so the bar keeps one line.
const VOLUME_SLIDER_W: f32 = 90.0;

/// The least room the status takes on the bar's line, in characters of small text; with less
/// it goes to a line of its own.
const STATUS_MIN_CHARS: f32 = 16.0;

/// The engine's status at the end of the bar, in small type on one line: elided to the room
/// left (the whole of it, and why, on hover), with the output level and the protection.
fn status_ui(ui: &mut Ui, status: &SoundStatus, theme: &Theme) {
    let small = ui.text_style_height(&egui::TextStyle::Small);
    // What is left of this line (a wrapping row's `available_width` is the whole row).
    if ui.available_size_before_wrap().x < STATUS_MIN_CHARS * 0.55 * small {
        ui.end_row();
    }
    let color = if status.visual_only { theme.warning } else { theme.text_weak };
    let mut parts = Vec::new();
    if let Some(problem) = &status.problem {
        parts.push((problem.clone(), theme.warning));
    }
    if status.underruns > 0 {
        parts.push((format!("{} underruns", status.underruns), theme.warning));
    }
    if !status.visual_only && status.protection_db > 0.1 {
        parts.push((format!("protect -{:.0} dB", status.protection_db), theme.warning));
    }
    parts.push((status.line.clone(), color));
    if !status.visual_only {
        let peak = if status.output_peak_dbfs.is_finite() {
            format!("out {:.0} dBFS", status.output_peak_dbfs)
        } else {
            "out silent".to_string()
        };
        parts.push((peak, theme.text_weak));
    }
    let mut job = egui::text::LayoutJob::default();
    for (i, (text, color)) in parts.iter().enumerate() {
        let sep = if i == 0 { "" } else { "  ·  " };
        job.append(sep, 0.0, egui::TextFormat::simple(egui::FontId::proportional(theme.small_size), theme.text_weak));
        job.append(text, 0.0, egui::TextFormat::simple(egui::FontId::proportional(theme.small_size), *color));
    }
    let mut tip = parts.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join("\n");
    if !status.detail.is_empty() {
        tip.push_str("\n\n");
        tip.push_str(&status.detail);
    }
    if !status.visual_only {
        tip.push_str("\n\nout: the loudest sample sent to the speakers lately, after the volume.");
        if status.protection_db > 0.1 {
            tip.push_str(" protect: the safety limiter is turning the output down.");
        }
    }
    if status.underruns > 0 {
        tip.push_str(
            "\n\nunderruns: times the device ran out of sound to play (a gap). The buffer grows when they repeat.",
        );
    }
    let room = egui::vec2(ui.available_size_before_wrap().x, ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(room, egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.add(egui::Label::new(job).truncate()).on_hover_text(tip);
    });
}

fn compare_ui(ui: &mut Ui, app: &mut AppUi, screen: Screen, scene: &Scene) {
    #[derive(PartialEq, Clone, Copy)]
    enum Mode {
        Off,
        Point,
        Held,
    }
    let mode = match &app.sound.compare {
        Compare::Off => Mode::Off,
        Compare::Point { .. } => Mode::Point,
        Compare::Held { .. } => Mode::Held,
    };
    let mut choice = mode;
    let names = [
        (Mode::Off, "nothing", "Hear A only."),
        (
            Mode::Point,
            "another point",
            "B is another point of the same settings: the analog source against the output, the bus against the master...",
        ),
        (
            Mode::Held,
            "held settings",
            "B keeps the settings as they are now; change them and compare A (new) with B (held).",
        ),
    ];
    let label = ui.label("Compare with");
    let selected = names.iter().find(|n| n.0 == mode).map_or("nothing", |n| n.1);
    egui::ComboBox::from_id_salt("compare_with")
        .selected_text(selected)
        .show_ui(ui, |ui| {
            for (m, name, tip) in names {
                ui.selectable_value(&mut choice, m, name).on_hover_text(tip);
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(
            "A/B: compare what you hear (A) with another point of the chain, or with settings held earlier.",
        );
    if choice != mode {
        app.sound.compare = match choice {
            Mode::Point => Compare::Point {
                converter_tap: if app.sound.converter_tap == ConverterTap::Analog {
                    ConverterTap::Output
                } else {
                    ConverterTap::Analog
                },
                desk_stage: if app.sound.desk_stage == StageId::Master { StageId::Export } else { StageId::Master },
            },
            Mode::Held => {
                let (spec, label) = frozen_a(app);
                Compare::Held { spec: Box::new(spec), label }
            }
            Mode::Off => Compare::Off,
        };
    }
    match &mut app.sound.compare {
        Compare::Off => return,
        Compare::Point { converter_tap, desk_stage } => {
            ui.label("B:");
            point_combo(ui, "listen_b", screen, converter_tap, desk_stage, scene).on_hover_text("B: the other point.");
        }
        Compare::Held { label, .. } => {
            ui.label(format!("B: {label}"));
            if ui.button("hold again").on_hover_text("Make B the settings as they are now.").clicked() {
                let (spec, label) = frozen_a(app);
                app.sound.compare = Compare::Held { spec: Box::new(spec), label };
            }
        }
    }
    ui.separator();
    let s = &mut app.sound;
    ui.selectable_value(&mut s.active, Side::A, RichText::new(" A ").strong()).on_hover_text("Hear A.");
    ui.selectable_value(&mut s.active, Side::B, RichText::new(" B ").strong()).on_hover_text("Hear B.");
    ui.checkbox(&mut s.loudness_match, "match loudness")
        .on_hover_text("Turn the louder of A and B down to the quieter one, so louder does not win by being louder.");
}

fn abx_ui(ui: &mut Ui, app: &mut AppUi, theme: &Theme) {
    let tests = blind_tests::all(&app.chain.scene);
    let s = &mut app.sound;
    ui.set_max_width(460.0);
    let Some(run) = &mut s.abx else {
        ui.label("You will hear A, B and X, where X is secretly A or B, and say which it is. Choose a test:");
        for t in &tests {
            if ui.button(t.title).on_hover_text(t.question).clicked() {
                s.abx_seed = s.abx_seed.wrapping_add(1);
                s.abx = Some(AbxRun::new(t.clone(), s.abx_seed));
            }
        }
        return;
    };
    ui.label(RichText::new(run.test.question).strong());
    if run.test.match_loudness {
        ui.label(RichText::new("Both are played at the same loudness.").color(theme.text_weak));
    }
    if run.test.identify {
        identify_ui(ui, run, theme);
    } else {
        ui.label(format!("A: {}    B: {}", run.test.a_label, run.test.b_label));
        ui.horizontal(|ui| {
            ui.label("Play");
            ui.selectable_value(&mut run.playing, AbxChoice::A, RichText::new(" A ").strong()).on_hover_text("Hear A.");
            ui.selectable_value(&mut run.playing, AbxChoice::B, RichText::new(" B ").strong()).on_hover_text("Hear B.");
            ui.selectable_value(&mut run.playing, AbxChoice::X, RichText::new(" X ").strong())
                .on_hover_text("Hear X: A or B, hidden.");
        });
        ui.horizontal(|ui| {
            ui.label("X is");
            for (side, text) in [(Side::A, "A"), (Side::B, "B")] {
                if ui
                    .button(RichText::new(format!(" {text} ")).strong())
                    .on_hover_text(format!("Answer: X is {text}."))
                    .clicked()
                {
                    run.abx.answer(side);
                }
            }
        });
        if let Some((said, right)) = run.abx.last {
            let said = if said == Side::A { "A" } else { "B" };
            let verdict = if right { format!("Right: X was {said}.") } else { format!("Wrong: X was not {said}.") };
            verdict_ui(ui, right, &verdict, "A new X is hidden.", theme);
        }
    }
    let (k, n) = (run.abx.correct, run.abx.trials);
    if n > 0 {
        let p = run.abx.p_value();
        ui.label(RichText::new(format!("{k} of {n} right")).heading());
        let verdict = if n < 8 {
            "Keep going: a handful of trials cannot tell hearing from luck."
        } else if p < 0.05 {
            "Unlikely to be luck: you probably hear the difference."
        } else {
            "That could easily be luck."
        };
        ui.label(format!("Chance of doing at least this well by guessing: {:.1} %. {verdict}", 100.0 * p))
            .on_hover_text(
                "The binomial probability of scoring this many or more out of this many trials by coin tossing.",
            );
    }
    ui.collapsing("What to listen for", |ui| {
        ui.label(run.test.hint);
    });
    let (again, other) = ui
        .horizontal(|ui| {
            (
                ui.button("Start again").on_hover_text("Clear the score and hide a new X.").clicked(),
                ui.button("Other tests").on_hover_text("Leave this test and choose another.").clicked(),
            )
        })
        .inner;
    if again {
        s.abx_seed = s.abx_seed.wrapping_add(1);
        run.abx = Abx::new(s.abx_seed);
    }
    if other {
        s.abx = None;
    }
}

/// An identification trial: samples 1 (X) and 2 (the other), in a hidden order; the student
/// says which one is B.
fn identify_ui(ui: &mut Ui, run: &mut AbxRun, theme: &Theme) {
    let b = run.test.b_label;
    ui.label(format!("One of 1 and 2 is \"{}\", the other \"{b}\". Which one is \"{b}\"?", run.test.a_label));
    ui.horizontal(|ui| {
        ui.label("Play");
        ui.selectable_value(&mut run.playing, AbxChoice::X, RichText::new(" 1 ").strong()).on_hover_text("Hear 1.");
        ui.selectable_value(&mut run.playing, AbxChoice::Y, RichText::new(" 2 ").strong()).on_hover_text("Hear 2.");
    });
    ui.horizontal(|ui| {
        ui.label(format!("\"{b}\" is"));
        // 1 is X: saying 1 is B says X is B; saying 2 is B says X is A.
        for (side, text) in [(Side::B, "1"), (Side::A, "2")] {
            if ui
                .button(RichText::new(format!(" {text} ")).strong())
                .on_hover_text(format!("Answer: {text} is \"{b}\"."))
                .clicked()
            {
                run.abx.answer(side);
                run.playing = AbxChoice::X;
            }
        }
    });
    if let Some((said, right)) = run.abx.last {
        let said = if said == Side::B { "1" } else { "2" };
        let verdict =
            if right { format!("Right: {said} was \"{b}\".") } else { format!("Wrong: {said} was not \"{b}\".") };
        verdict_ui(ui, right, &verdict, "A new order is hidden.", theme);
    }
}

/// The verdict on the last answer of a blind test, and what happens next.
fn verdict_ui(ui: &mut Ui, right: bool, verdict: &str, next: &str, theme: &Theme) {
    let color = if right { theme.good } else { theme.warning };
    ui.label(RichText::new(format!("{verdict} {next}")).color(color));
}

fn export_ui(ui: &mut Ui, app: &mut AppUi, status: &SoundStatus, theme: &Theme) -> Option<ExportRequest> {
    let [spec, _] = listen_specs(app);
    let what = match (&spec, app.screen) {
        (ListenSpec::Silence, _) => "nothing".to_string(),
        (ListenSpec::Converter { tap, .. }, _) => tap.label().to_string(),
        (ListenSpec::Session { stage } | ListenSpec::Variant { stage, .. }, _) => stage_name(&app.chain.scene, *stage),
    };
    let e = &mut app.sound.export;
    ui.label(format!("Writes what you hear in A: {what}."));
    egui::Grid::new("export_grid").num_columns(2).show(ui, |ui| {
        ui.label("Format");
        ui.horizontal(|ui| {
            for f in FileFormat::ALL {
                ui.selectable_value(&mut e.settings.format, f, f.label());
            }
        });
        ui.end_row();
        ui.label("Dither");
        ui.add_enabled_ui(e.settings.format != FileFormat::Float32, |ui| {
            ui.horizontal(|ui| {
                for d in DitherKind::ALL {
                    ui.selectable_value(&mut e.settings.dither, d, d.name().to_uppercase());
                }
            });
        })
        .response
        .on_hover_text("Dither added before the samples are cut to 16 or 24 bits (a float file needs none).");
        ui.end_row();
        ui.label("Length");
        ui.add(egui::Slider::new(&mut e.seconds, 1.0..=60.0).suffix(" s").max_decimals(0));
        ui.end_row();
        ui.label("File");
        ui.add(egui::TextEdit::singleline(&mut e.path).desired_width(260.0));
        ui.end_row();
    });
    let mut request = None;
    let ready = !e.path.trim().is_empty() && spec != ListenSpec::Silence && !status.exporting;
    if ui
        .add_enabled(ready, egui::Button::new(if status.exporting { "Writing..." } else { "Export" }))
        .on_hover_text("Render and write the file (atomically: a half-written file never appears).")
        .clicked()
    {
        request = Some(ExportRequest {
            spec,
            session: app.chain.scene.clone(),
            seconds: e.seconds,
            settings: e.settings,
            path: PathBuf::from(e.path.trim()),
        });
    }
    if let Some((text, error)) = &e.message {
        ui.label(RichText::new(text).color(if *error { theme.warning } else { theme.good }));
    }
    request
}
