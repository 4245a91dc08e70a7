//! Every screen fits a 720p projector and a small laptop (egui_kittest, no window): at
//! 1024x768, 1280x720, 1366x768, 1920x1080 and 2x at 2560x1440, in the dark and the projector
//! theme, on the converter, the desk, either with the lesson panel, the blind test, the export,
//! the `?` list, the Demos and View menus and the focus layouts:
//!
//! - every labelled widget lies inside the window and is not cut by the panel, window or scroll
//!   area it sits in; one that is cut must come fully into view when asked to scroll there (the
//!   way a screen reader asks);
//! - no text wraps in the middle of a word;
//! - every plot is at least 300 points wide and 120 high (the "about 300 px": narrower
//!   plots must give way to tabs or folded readouts);
//! - the sound bar stays one line, and its status keeps room for 60 more characters.

use std::sync::LazyLock;

use egui::accesskit::{Action, ActionRequest, Role};
use egui::epaint::{Shape, TextShape};
use egui::{Rect, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use headroom_lab::chain::scene::Scene;
use headroom_lab::lesson::Library;
use headroom_lab::lesson::progress::ProgressStore;
use headroom_lab::sim::ConverterLab;
use headroom_lab::sim::chain_view::{ChainLab, ChainSnapshot};
use headroom_lab::sim::converter_view::ConverterSnapshot;
use headroom_lab::sim::demos::{DemoLibrary, builtin_dir};
use headroom_lab::sim::presets;
use headroom_lab::ui::app_ui::{AppUi, Screen, Views, app_ui};
use headroom_lab::ui::converter_screen::{ConverterUi, ConverterView};
use headroom_lab::ui::lessons::{LessonAction, LessonView, apply_actions};
use headroom_lab::ui::sound::{Compare, SoundStatus};
use headroom_lab::ui::theme::{Theme, ThemeKind};

/// The smallest plot a class can read (the figure), points.
const MIN_PLOT_W: f32 = 300.0;
const MIN_PLOT_H: f32 = 120.0;

/// Window sizes (physical pixels) and the UI scale.
const SIZES: [(f32, f32, f32); 5] =
    [(1024.0, 768.0, 1.0), (1280.0, 720.0, 1.0), (1366.0, 768.0, 1.0), (1920.0, 1080.0, 1.0), (2560.0, 1440.0, 2.0)];

/// What every picture shares: the analysis of a preset, a desk that has played for a while,
/// the lessons and the demos.
struct Fixtures {
    converter: ConverterSnapshot,
    converter_params: headroom_lab::dsp::converter::ConverterParams,
    chain: ChainSnapshot,
    scene: Scene,
    library: Library,
    demos: DemoLibrary,
}

static FIXTURES: LazyLock<Fixtures> = LazyLock::new(|| {
    let preset = presets::find("aliasing").expect("the aliasing preset");
    let ui = ConverterUi::new(preset.params.clone());
    let mut lab = ConverterLab::new(&ui.params).expect("valid");
    let converter = lab.compute(0, &ui.view);
    let demos = DemoLibrary::load(builtin_dir().as_deref(), None);
    let scene = demos.demos.iter().find(|d| d.scene.name == "Clean mix").map_or_else(Scene::band, |d| d.scene.clone());
    let mut chain = ChainLab::new(&scene).expect("valid scene");
    for _ in 0..20 {
        chain.advance(4800);
    }
    let library = Library::load(&[std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lessons")]);
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    Fixtures { converter, converter_params: preset.params, chain: chain.snapshot().clone(), scene, library, demos }
});

struct World {
    ui: AppUi,
    status: SoundStatus,
    store: ProgressStore,
    /// Seconds on the lesson step (long enough, every hint and "Show me" are on show).
    step_secs: f64,
}

/// The app's whole window, as the app draws it each frame.
fn harness(size: (f32, f32, f32), kind: ThemeKind, mut ui: AppUi, status: SoundStatus) -> Harness<'static, World> {
    let f = &*FIXTURES;
    let (w, h, scale) = size;
    ui.theme = kind;
    let theme = Theme::of(kind);
    let world = World { ui, status, store: ProgressStore::open(None), step_secs: 0.0 };
    let mut harness = Harness::builder()
        .with_size(Vec2::new(w / scale, h / scale))
        .with_pixels_per_point(scale)
        .with_max_steps(12)
        .build_ui_state(
            move |root, s: &mut World| {
                let view = LessonView {
                    library: &f.library,
                    progress: &s.store.progress,
                    warning: None,
                    step_secs: s.step_secs,
                    checking: false,
                };
                let views = Views {
                    converter: &f.converter,
                    chain: &f.chain,
                    sound: &s.status,
                    lessons: Some(view),
                    demos: Some(&f.demos),
                    input: None,
                };
                let actions = app_ui(root, &mut s.ui, views, &theme);
                let _ = apply_actions(&mut s.ui, &f.library, &mut s.store, &actions.lessons);
            },
            world,
        );
    Theme::of(kind).apply(&harness.ctx);
    harness.run_steps(4);
    harness
}

fn visual_only() -> SoundStatus {
    SoundStatus {
        line: "no audio output: visual only".into(),
        detail: "no output device".into(),
        ..SoundStatus::default()
    }
}

/// A scenario: a name, the UI state to start from, and what the user does before looking.
struct Scenario {
    name: &'static str,
    ui: AppUi,
    status: SoundStatus,
    /// Labels to click (in order) once the window is up: opening a menu.
    clicks: &'static [&'static str],
    /// Lesson to open (through the panel's own action).
    lesson: Option<&'static str>,
}

fn base(screen: Screen) -> AppUi {
    let f = &*FIXTURES;
    let mut ui = AppUi { screen, ..AppUi::default() };
    ui.converter = ConverterUi::new(f.converter_params.clone());
    ui.chain = headroom_lab::ui::chain_screen::ChainUi::new(f.scene.clone());
    ui
}

fn scenario(name: &'static str, screen: Screen, change: impl FnOnce(&mut AppUi)) -> Scenario {
    let mut ui = base(screen);
    change(&mut ui);
    Scenario { name, ui, status: visual_only(), clicks: &[], lesson: None }
}

/// The distance inside which two rectangles count as the same, points.
const EPS: f32 = 0.75;

fn inside(inner: Rect, outer: Rect) -> bool {
    inner.min.x >= outer.min.x - EPS
        && inner.min.y >= outer.min.y - EPS
        && inner.max.x <= outer.max.x + EPS
        && inner.max.y <= outer.max.y + EPS
}

fn same(a: Rect, b: Rect) -> bool {
    (a.min - b.min).length() <= EPS && (a.max - b.max).length() <= EPS
}

/// A labelled node seen on screen.
#[derive(Clone, Debug)]
struct Seen {
    id: egui::accesskit::NodeId,
    text: String,
    role: Role,
    rect: Rect,
    /// Takes input (egui lists it for hit testing, clipped to what shows), or is a plot.
    checked_for_cuts: bool,
}

fn labelled_nodes(h: &Harness<'_, World>) -> Vec<Seen> {
    h.root()
        .children_recursive()
        .filter_map(|n| {
            let a = n.accesskit_node();
            let text = a.label().or_else(|| a.value()).unwrap_or_default().trim().to_string();
            if text.is_empty() || a.bounding_box().is_none() {
                return None;
            }
            // A label's rows are read with the label.
            if a.role() == Role::TextRun {
                return None;
            }
            let rect = n.rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return None;
            }
            let data = a.data();
            let takes_input =
                (data.supports_action(Action::Click) || data.supports_action(Action::Focus)) && !a.is_disabled();
            let checked_for_cuts = takes_input || a.role() == Role::Image;
            Some(Seen { id: a.locate().0, text, role: a.role(), rect, checked_for_cuts })
        })
        .collect()
}

/// Why this node is not fully in view, if it is not: outside the window, or cut by its
/// panel, window or scroll area (egui's interaction rectangle is the widget's rectangle
/// clipped to what shows).
fn out_of_view(seen: &Seen, screen: Rect, shown: &[Rect]) -> Option<String> {
    if !inside(seen.rect, screen) {
        return Some(format!("outside the window {screen:?}"));
    }
    // Widgets that take no input (disabled ones, drawings) have no interaction rectangle to
    // compare with. A label that wraps registers one rectangle per row, and a plot one for its
    // data and one per axis: together they must make up the whole widget.
    if !seen.checked_for_cuts {
        return None;
    }
    let visible = shown.iter().filter(|r| inside(**r, seen.rect)).fold(Rect::NOTHING, |a, r| a.union(*r));
    (!same(visible, seen.rect)).then(|| format!("cut: only {visible:?} shows"))
}

fn ask_to_scroll_into_view(h: &mut Harness<'_, World>, id: egui::accesskit::NodeId) {
    let node = h.root().children_recursive().find(|n| n.accesskit_node().locate().0 == id);
    if let Some(node) = node {
        let (target_node, target_tree) = node.accesskit_node().locate();
        h.event(egui::Event::AccessKitActionRequest(ActionRequest {
            action: Action::ScrollIntoView,
            target_node,
            target_tree,
            data: None,
        }));
        h.run_steps(3);
    }
}

fn node_now(h: &Harness<'_, World>, id: egui::accesskit::NodeId) -> Option<Seen> {
    labelled_nodes(h).into_iter().find(|s| s.id == id)
}

/// Every text drawn, with the rectangle it is clipped to.
fn texts(h: &Harness<'_, World>) -> Vec<(Rect, TextShape)> {
    fn walk(clip: Rect, shape: &Shape, out: &mut Vec<(Rect, TextShape)>) {
        match shape {
            Shape::Text(t) => out.push((clip, t.clone())),
            Shape::Vec(v) => {
                for s in v {
                    walk(clip, s, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for s in &h.output().shapes {
        walk(s.clip_rect, &s.shape, &mut out);
    }
    out
}

/// Rows of `t` that end in the middle of a word: the text goes on in the next row with no
/// space, newline or hyphen between them.
fn mid_word_breaks(t: &TextShape) -> Vec<String> {
    let rows = &t.galley.rows;
    let mut out = Vec::new();
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.ends_with_newline {
            continue;
        }
        let (Some(last), Some(first)) = (a.row.glyphs.last(), b.row.glyphs.first()) else { continue };
        if last.chr.is_whitespace() || first.chr.is_whitespace() || last.chr == '-' {
            continue;
        }
        let left: String = a.row.glyphs.iter().map(|g| g.chr).collect();
        let right: String = b.row.glyphs.iter().map(|g| g.chr).collect();
        out.push(format!("\"{}|{}\"", left.trim(), right.trim()));
    }
    out
}

/// Everything wrong with what is on screen now.
fn problems(h: &mut Harness<'_, World>) -> Vec<String> {
    let ctx = h.ctx.clone();
    let screen = ctx.content_rect();
    let mut out = Vec::new();
    // Widgets: in view, or scrolled fully into view when asked.
    let shown = ctx.interactive_rects_last_pass();
    let nodes = labelled_nodes(h);
    let mut plots = 0;
    for n in &nodes {
        if n.role == Role::Image {
            plots += 1;
            if n.rect.width() < MIN_PLOT_W - EPS || n.rect.height() < MIN_PLOT_H - EPS {
                out.push(format!("plot '{}' is {:.0} x {:.0}", n.text, n.rect.width(), n.rect.height()));
            }
        }
    }
    let mut bad: Vec<(Seen, String)> =
        nodes.iter().filter_map(|n| out_of_view(n, screen, &shown).map(|why| (n.clone(), why))).collect();
    bad.truncate(60);
    for (n, why) in bad {
        ask_to_scroll_into_view(h, n.id);
        let shown = h.ctx.interactive_rects_last_pass();
        match node_now(h, n.id) {
            Some(now) => {
                if let Some(still) = out_of_view(&now, screen, &shown) {
                    out.push(format!("{:?} '{}' at {:?}: {still} (before scrolling: {why})", n.role, n.text, now.rect));
                }
            }
            None => out.push(format!("{:?} '{}' at {:?}: {why}, and gone after scrolling", n.role, n.text, n.rect)),
        }
    }
    // Text: no word broken across rows.
    for (_, t) in texts(h) {
        for b in mid_word_breaks(&t) {
            out.push(format!("text wraps mid-word: {b}"));
        }
    }
    let _ = plots;
    out
}

fn check(scenarios: Vec<Scenario>, min_plots: usize) {
    let mut report = Vec::new();
    for s in &scenarios {
        for size in SIZES {
            for kind in [ThemeKind::Dark, ThemeKind::Projector] {
                let mut h = harness(size, kind, s.ui.clone(), s.status.clone());
                if let Some(id) = s.lesson {
                    let w = h.state_mut();
                    let f = &*FIXTURES;
                    let _ = apply_actions(&mut w.ui, &f.library, &mut w.store, &[LessonAction::Open(id.into())]);
                    h.run_steps(3);
                }
                for label in s.clicks {
                    h.get_by_label(label).click();
                    h.run_steps(3);
                }
                let plots = labelled_nodes(&h).iter().filter(|n| n.role == Role::Image).count();
                let mut found = problems(&mut h);
                if plots < min_plots {
                    found.push(format!("only {plots} plots on screen (expected at least {min_plots})"));
                }
                let (w, hh, scale) = size;
                for p in found {
                    report.push(format!("{} {w}x{hh} {scale}x {kind:?}: {p}", s.name));
                }
            }
        }
    }
    assert!(report.is_empty(), "{} problems:\n{}", report.len(), report.join("\n"));
}

#[test]
fn the_converter_fits() {
    let mut scenarios = vec![
        scenario("converter", Screen::Converter, |_| {}),
        scenario("converter, comparing", Screen::Converter, |ui| {
            ui.sound.compare = Compare::Point {
                converter_tap: headroom_lab::audio::voice::ConverterTap::Analog,
                desk_stage: headroom_lab::chain::engine::StageId::Export,
            };
        }),
    ];
    for (name, view) in [
        ("converter, focus on time", ConverterView::Time),
        ("converter, focus on spectrum", ConverterView::Spectrum),
        ("converter, focus on error", ConverterView::Error),
        ("converter, focus on bits", ConverterView::Bits),
    ] {
        scenarios.push(scenario(name, Screen::Converter, |ui| ui.converter.focus = Some(view)));
    }
    check(scenarios, 1);
}

#[test]
fn the_converter_fits_with_a_lesson_open() {
    let mut s = scenario("converter + lesson", Screen::Converter, |ui| ui.lessons.open = true);
    s.lesson = Some("aliasing");
    let mut list = scenario("converter + lesson list", Screen::Converter, |ui| ui.lessons.open = true);
    list.lesson = None;
    check(vec![s, list], 1);
}

#[test]
fn the_desk_fits() {
    check(vec![scenario("desk", Screen::Chain, |_| {})], 1);
}

#[test]
fn the_desk_fits_with_a_lesson_open() {
    let mut s = scenario("desk + lesson", Screen::Chain, |ui| ui.lessons.open = true);
    s.lesson = Some("mix-bus");
    check(vec![s], 1);
}

#[test]
fn the_windows_fit() {
    check(
        vec![
            scenario("keyboard shortcuts", Screen::Converter, |ui| ui.teacher.help = true),
            scenario("blind test", Screen::Converter, |ui| ui.sound.abx_open = true),
            scenario("export", Screen::Chain, |ui| ui.sound.export_open = true),
        ],
        0,
    );
}

#[test]
fn the_menus_fit() {
    let mut demos = scenario("demos menu", Screen::Converter, |_| {});
    demos.clicks = &["Demos"];
    let mut view = scenario("view menu", Screen::Converter, |_| {});
    view.clicks = &["View"];
    check(vec![demos, view], 0);
}

/// The engine's status as the device layer writes it (issue 14), with a long device name and
/// underruns.
fn device_status() -> SoundStatus {
    SoundStatus {
        line: "sound: HDA Intel PCH: ALC3246 Analog (hw:0,0) at 48000 Hz, 14 ms".into(),
        detail: "Sound plays through HDA Intel PCH, 256-frame periods. 3 underrun(s) so far.".into(),
        visual_only: false,
        latency_ms: Some(14.0),
        underruns: 3,
        output_peak_dbfs: -12.0,
        ..SoundStatus::default()
    }
}

/// The sound bar keeps one line at every size, in both themes, with a device (status,
/// latency, underruns) or without one (the Retry button): every control and the status on the
/// same row, the status showing its first words at least, and all of it on hover.
#[test]
fn the_sound_bar_keeps_one_line() {
    let mut report = Vec::new();
    for (status, key) in [(device_status(), "sound: HDA"), (visual_only(), "no audio output")] {
        for screen in [Screen::Converter, Screen::Chain] {
            for size in SIZES {
                for kind in [ThemeKind::Dark, ThemeKind::Projector] {
                    let mut h = harness(size, kind, base(screen), status.clone());
                    let (w, hh, scale) = size;
                    let name = format!("{screen:?} {w}x{hh} {scale}x {kind:?} ({key})");
                    let row = h.ctx.global_style().spacing.interact_size.y;
                    let bar = egui::containers::panel::PanelState::load(&h.ctx, egui::Id::new("sound_bar"))
                        .expect("a sound bar")
                        .outer_rect;
                    // One line: every labelled widget of the bar on the same row.
                    let on_bar: Vec<Seen> = labelled_nodes(&h).into_iter().filter(|n| inside(n.rect, bar)).collect();
                    let top = on_bar.iter().map(|n| n.rect.center().y).fold(f32::INFINITY, f32::min);
                    let bottom = on_bar.iter().map(|n| n.rect.center().y).fold(f32::NEG_INFINITY, f32::max);
                    if bottom - top > 0.5 * row {
                        let rows: Vec<String> =
                            on_bar.iter().map(|n| format!("'{}' at {:.0?}", n.text, n.rect)).collect();
                        report.push(format!("{name}: more than one line: {}", rows.join(", ")));
                    }
                    if status.visual_only && !on_bar.iter().any(|n| n.text.starts_with("Retry")) {
                        report.push(format!("{name}: no Retry button on the bar"));
                    }
                    let shown = texts(&h).into_iter().find(|(_, t)| t.galley.text().contains(key)).map(|(_, t)| {
                        t.galley.rows.iter().flat_map(|r| r.row.glyphs.iter()).filter(|g| g.chr != '…').count()
                    });
                    match shown {
                        None => report.push(format!("{name}: no status on the bar")),
                        Some(n) if n < 28 => report.push(format!("{name}: only {n} characters of the status show")),
                        Some(_) => {}
                    }
                    // All of it on hover.
                    h.get_by_label_contains(key).hover();
                    h.run_steps(3);
                    let tip =
                        labelled_nodes(&h).into_iter().any(|n| n.text.contains(&status.line) && !inside(n.rect, bar));
                    if !tip {
                        report.push(format!("{name}: hovering the status does not show all of it"));
                    }
                }
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The teacher's focus layout (V) works on the desk as on the converter: the strips alone,
/// then the selected stage's waveform, then its spectrum, each filling the window, then all
/// again; and every one of them fits.
#[test]
fn the_focus_layout_works_on_the_desk() {
    use headroom_lab::ui::chain_screen::DeskView;
    let mut report = Vec::new();
    for size in SIZES {
        for kind in [ThemeKind::Dark, ThemeKind::Projector] {
            let mut h = harness(size, kind, base(Screen::Chain), visual_only());
            let (w, hh, scale) = size;
            let mut seen = Vec::new();
            for _ in 0..4 {
                h.key_press(egui::Key::V);
                h.run_steps(3);
                let focus = h.state().ui.chain.focus;
                seen.push(focus);
                for p in problems(&mut h) {
                    report.push(format!("{w}x{hh} {scale}x {kind:?} focus {focus:?}: {p}"));
                }
                let plots: Vec<Seen> = labelled_nodes(&h).into_iter().filter(|n| n.role == Role::Image).collect();
                let window_w = w / scale;
                match focus {
                    Some(DeskView::Waveform | DeskView::Spectrum) => {
                        let name = if focus == Some(DeskView::Waveform) { "stage waveform" } else { "stage spectrum" };
                        let big = plots.iter().any(|p| p.text == name && p.rect.width() > 0.8 * window_w);
                        if !big || plots.len() != 1 {
                            report.push(format!("{w}x{hh} {kind:?}: {focus:?} shows {plots:?}, not '{name}' alone"));
                        }
                    }
                    Some(DeskView::Strips) if !plots.is_empty() => {
                        report.push(format!("{w}x{hh} {kind:?}: the strips alone still show {plots:?}"));
                    }
                    _ => {}
                }
            }
            assert_eq!(seen, vec![Some(DeskView::Strips), Some(DeskView::Waveform), Some(DeskView::Spectrum), None]);
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The rectangle of the plot named `name`, if one is on screen.
fn plot_rect(h: &Harness<'_, World>, name: &str) -> Option<Rect> {
    labelled_nodes(h).into_iter().find(|n| n.role == Role::Image && n.text == name).map(|n| n.rect)
}

/// The rectangle of the label that starts with `text`, if one is on screen.
fn label_rect(h: &Harness<'_, World>, text: &str) -> Option<Rect> {
    labelled_nodes(h).into_iter().find(|n| n.text.starts_with(text)).map(|n| n.rect)
}

/// A view a lesson hides keeps its place as an empty box that says so: nothing else on the
/// screen moves (so the reveal shows the view where it will stay), on the converter and on the
/// desk; and the focus layout (V) skips a hidden view.
#[test]
fn a_hidden_view_keeps_its_place() {
    use headroom_lab::lesson::views::{View, ViewSet};
    use headroom_lab::ui::chain_screen::DeskView;
    let mut report = Vec::new();
    for size in SIZES {
        for kind in [ThemeKind::Dark, ThemeKind::Projector] {
            let (w, hh, scale) = size;
            let name = format!("{w}x{hh} {scale}x {kind:?}");
            // The converter with the time view and the spectrum hidden.
            let shown = harness(size, kind, base(Screen::Converter), visual_only());
            let mut ui = base(Screen::Converter);
            ui.converter.hidden = ViewSet::of(&[View::Time, View::Spectrum]);
            let mut hidden = harness(size, kind, ui, visual_only());
            for (view, boxed) in [("time view", "time view: hidden"), ("spectrum", "spectrum: hidden")] {
                let was = plot_rect(&shown, view).expect("the view, shown");
                if plot_rect(&hidden, view).is_some() {
                    report.push(format!("{name}: the {view} shows while hidden"));
                }
                match label_rect(&hidden, boxed) {
                    Some(r) if was.contains(r.center()) => {}
                    other => report.push(format!("{name}: '{boxed}' at {other:?}, not where the {view} was ({was:?})")),
                }
            }
            // Every other plot (which ones depends on the room: the error view's, SNR against
            // bits, or the tab shown) stays where it was.
            let others = |h: &Harness<'_, World>| -> Vec<(String, Rect)> {
                labelled_nodes(h)
                    .into_iter()
                    .filter(|n| n.role == Role::Image && n.text != "time view" && n.text != "spectrum")
                    .map(|n| (n.text, n.rect))
                    .collect()
            };
            let (a, b) = (others(&shown), others(&hidden));
            if a.is_empty() || a.len() != b.len() || a.iter().zip(&b).any(|(x, y)| x.0 != y.0 || !same(x.1, y.1)) {
                report.push(format!("{name}: the other plots moved from {a:?} to {b:?} when two were hidden"));
            }
            // V skips the hidden views: the error comes first.
            hidden.key_press(egui::Key::V);
            hidden.run_steps(3);
            if hidden.state().ui.converter.focus != Some(ConverterView::Error) {
                report.push(format!("{name}: V went to {:?}, not the error", hidden.state().ui.converter.focus));
            }
            // The desk with the stage's waveform hidden.
            let shown = harness(size, kind, base(Screen::Chain), visual_only());
            let mut ui = base(Screen::Chain);
            ui.chain.hidden = ViewSet::of(&[View::Time]);
            let mut hidden = harness(size, kind, ui, visual_only());
            let was = plot_rect(&shown, "stage waveform").expect("the waveform, shown");
            match label_rect(&hidden, "waveform: hidden") {
                Some(r) if was.contains(r.center()) && plot_rect(&hidden, "stage waveform").is_none() => {}
                other => report.push(format!("{name}: the waveform's box at {other:?}, not where it was ({was:?})")),
            }
            let (a, b) = (plot_rect(&shown, "stage spectrum"), plot_rect(&hidden, "stage spectrum"));
            if a.is_none() || a != b {
                report.push(format!("{name}: the stage spectrum moved from {a:?} to {b:?}"));
            }
            hidden.key_press(egui::Key::V);
            hidden.key_press(egui::Key::V);
            hidden.run_steps(3);
            if hidden.state().ui.chain.focus != Some(DeskView::Spectrum) {
                report.push(format!("{name}: V, V went to {:?}, not the spectrum", hidden.state().ui.chain.focus));
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// Every step of every lesson, with its setup applied (screens, hidden views), all its hints
/// and the teacher's notes on show, fits beside the screen it sets up: at 1024x768 in both
/// themes, 1280x720 in the projector theme, and 2x at 2560x1440.
#[test]
fn every_lesson_step_fits() {
    let f = &*FIXTURES;
    let sizes = [(1024.0, 768.0, 1.0), (1280.0, 720.0, 1.0), (2560.0, 1440.0, 2.0)];
    let mut report = Vec::new();
    let mut steps = 0;
    for lesson in &f.library.lessons {
        for size in sizes {
            for kind in [ThemeKind::Dark, ThemeKind::Projector] {
                if size.0 > 1024.0 && kind == ThemeKind::Dark {
                    continue;
                }
                let mut ui = base(Screen::Converter);
                ui.lessons.open = true;
                ui.lessons.teacher_notes = true;
                let mut h = harness(size, kind, ui, visual_only());
                h.state_mut().step_secs = 1e6;
                for i in 0..lesson.steps.len() {
                    let w = h.state_mut();
                    let action = if i == 0 { LessonAction::Open(lesson.id.clone()) } else { LessonAction::Goto(i) };
                    let _ = apply_actions(&mut w.ui, &f.library, &mut w.store, &[action]);
                    h.run_steps(4);
                    steps += 1;
                    let (w, hh, scale) = size;
                    for p in problems(&mut h) {
                        report.push(format!("{} step {} {w}x{hh} {scale}x {kind:?}: {p}", lesson.id, i + 1));
                    }
                }
            }
        }
    }
    assert!(steps > 100, "only {steps} steps looked at");
    assert!(report.is_empty(), "{} problems:\n{}", report.len(), report.join("\n"));
}

/// The `?` list shows every shortcut and the note under it without scrolling at every size
/// here, in both themes: it has the room (columns, and the screen's height) and must use it,
/// rather than scroll in a window of egui's default height.
#[test]
fn the_shortcuts_list_shows_whole() {
    use headroom_lab::ui::teacher::BINDINGS;
    let note = "Tab moves between controls";
    let mut report = Vec::new();
    for size in SIZES {
        for kind in [ThemeKind::Dark, ThemeKind::Projector] {
            let mut ui = base(Screen::Converter);
            ui.teacher.help = true;
            let h = harness(size, kind, ui, visual_only());
            let shown = texts(&h);
            let (w, hh, scale) = size;
            for text in BINDINGS.iter().map(|b| b.what).chain([note]) {
                let visible = shown
                    .iter()
                    .any(|(clip, t)| t.galley.text().starts_with(text) && inside(t.visual_bounding_rect(), *clip));
                if !visible {
                    report.push(format!("{w}x{hh} {scale}x {kind:?}: '{text}' is not in view without scrolling"));
                }
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The desk fits after the window changes: from 1920x1080 to each smaller size, and from 1x to
/// 2x at 2560x1440 (the stage views laid out for the taller window must not keep a height
/// that cuts the strips).
#[test]
fn the_desk_fits_after_the_window_changes() {
    let mut report = Vec::new();
    for kind in [ThemeKind::Dark, ThemeKind::Projector] {
        for (w, hh, scale) in SIZES {
            let start = if scale > 1.0 { (w, hh, 1.0) } else { (1920.0, 1080.0, 1.0) };
            let mut h = harness(start, kind, base(Screen::Chain), visual_only());
            h.set_pixels_per_point(scale);
            h.set_size(Vec2::new(w / scale, hh / scale));
            h.run_steps(4);
            for p in problems(&mut h) {
                report.push(format!("{w}x{hh} {scale}x {kind:?} (from {start:?}): {p}"));
            }
        }
    }
    assert!(report.is_empty(), "{} problems:\n{}", report.len(), report.join("\n"));
}
