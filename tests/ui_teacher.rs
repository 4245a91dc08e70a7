//! Classroom mode through egui_kittest (no window): every shortcut does its action, the `?`
//! overlay lists them, a note is pinned where the plot is clicked, the Demos menu opens a demo,
//! and the projector palette passes the WCAG contrast check.

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use headroom_lab::abx::Side;
use headroom_lab::dsp::filter::AaFilterKind;
use headroom_lab::dsp::quantizer::{BitDepth, DitherKind};
use headroom_lab::sim::ConverterLab;
use headroom_lab::sim::chain_view::ChainSnapshot;
use headroom_lab::sim::converter_view::ConverterSnapshot;
use headroom_lab::sim::demos::{DemoLibrary, builtin_dir};
use headroom_lab::ui::app_ui::{AppUi, Screen, UiActions, Views, app_ui};
use headroom_lab::ui::converter_screen::ConverterView;
use headroom_lab::ui::sound::{Compare, SoundStatus};
use headroom_lab::ui::teacher::{BINDINGS, Command, TeacherRequest};
use headroom_lab::ui::theme::{Theme, ThemeKind, contrast_ratio};

struct App {
    ui: AppUi,
    converter: ConverterSnapshot,
    chain: ChainSnapshot,
    status: SoundStatus,
    demos: DemoLibrary,
    /// Every request and change seen since the last check.
    requests: Vec<TeacherRequest>,
    converter_changed: bool,
}

fn harness() -> Harness<'static, App> {
    let ui = AppUi::default();
    let mut lab = ConverterLab::new(&ui.converter.params).expect("valid");
    let converter = lab.compute(0, &ui.converter.view);
    let demos = DemoLibrary::load(builtin_dir().as_deref(), None);
    Harness::builder().with_size(egui::vec2(1400.0, 900.0)).with_max_steps(8).build_ui_state(
        move |ui, a: &mut App| {
            let theme = Theme::of(a.ui.theme);
            let views = Views {
                converter: &a.converter,
                chain: &a.chain,
                sound: &a.status,
                lessons: None,
                demos: Some(&a.demos),
                input: None,
            };
            let actions: UiActions = app_ui(ui, &mut a.ui, views, &theme);
            a.requests.extend(actions.teacher);
            a.converter_changed |= actions.converter_changed;
        },
        App {
            ui,
            converter,
            chain: ChainSnapshot::default(),
            status: SoundStatus::default(),
            demos,
            requests: Vec::new(),
            converter_changed: false,
        },
    )
}

fn press(h: &mut Harness<'static, App>, key: Key) {
    h.key_press(key);
    h.run();
}

fn press_with(h: &mut Harness<'static, App>, modifiers: egui::Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

#[test]
fn converter_shortcuts_change_the_settings_and_ask_for_a_new_analysis() {
    let mut h = harness();
    let p = |h: &Harness<'static, App>| h.state().ui.converter.params.clone();
    assert_eq!(p(&h).quantizer.bit_depth, BitDepth::Fixed(16));
    press(&mut h, Key::ArrowUp);
    assert_eq!(p(&h).quantizer.bit_depth, BitDepth::Fixed(17));
    assert!(h.state().converter_changed, "a change asks for a new analysis");
    press(&mut h, Key::ArrowDown);
    press(&mut h, Key::ArrowDown);
    assert_eq!(p(&h).quantizer.bit_depth, BitDepth::Fixed(15));

    assert!((p(&h).sample_rate_hz - 48_000.0).abs() < 1e-9);
    press(&mut h, Key::ArrowLeft);
    assert!((p(&h).sample_rate_hz - 44_100.0).abs() < 1e-9);
    press(&mut h, Key::ArrowRight);
    press(&mut h, Key::ArrowRight);
    assert!((p(&h).sample_rate_hz - 96_000.0).abs() < 1e-9);

    let dither = p(&h).quantizer.dither.kind;
    press(&mut h, Key::D);
    assert_ne!(p(&h).quantizer.dither.kind, dither);
    press(&mut h, Key::D);
    press(&mut h, Key::D);
    assert_eq!(p(&h).quantizer.dither.kind, dither, "D cycles through the three kinds");
    assert!(DitherKind::ALL.contains(&dither));

    let filter = p(&h).aa_filter.kind;
    press(&mut h, Key::F);
    assert_ne!(p(&h).aa_filter.kind, filter);
    press(&mut h, Key::F);
    press(&mut h, Key::F);
    assert_eq!(p(&h).aa_filter.kind, filter);
    assert!(AaFilterKind::ALL.contains(&filter));
}

#[test]
fn presentation_shortcuts_toggle_what_they_say() {
    let mut h = harness();
    let ui = |h: &Harness<'static, App>| h.state().ui.clone();
    press(&mut h, Key::Space);
    assert!(ui(&h).playing);
    press(&mut h, Key::Space);
    assert!(!ui(&h).playing);
    press(&mut h, Key::T);
    assert_eq!(ui(&h).theme, ThemeKind::Projector);
    press(&mut h, Key::T);
    assert_eq!(ui(&h).theme, ThemeKind::Dark);
    press(&mut h, Key::F11);
    assert!(ui(&h).teacher.fullscreen);
    press(&mut h, Key::H);
    assert!(ui(&h).converter.hide_readouts);
    assert!(h.get_all_by_label("?").count() > 5, "the readouts read ? until revealed");
    press(&mut h, Key::H);
    assert!(!ui(&h).converter.hide_readouts);
    press(&mut h, Key::Z);
    assert!(ui(&h).teacher.frozen);
    let _ = h.get_by_label_contains("FROZEN");
    press(&mut h, Key::V);
    assert_eq!(ui(&h).converter.focus, Some(ConverterView::Time));
    press(&mut h, Key::V);
    assert_eq!(ui(&h).converter.focus, Some(ConverterView::Spectrum));
    press_with(&mut h, egui::Modifiers::COMMAND, Key::Equals);
    assert!((ui(&h).teacher.scale - 1.25).abs() < 1e-6);
    press_with(&mut h, egui::Modifiers::COMMAND, Key::Minus);
    press_with(&mut h, egui::Modifiers::COMMAND, Key::Minus);
    assert!((ui(&h).teacher.scale - 1.0).abs() < 1e-6, "never below 1x");
    press(&mut h, Key::K);
    assert_eq!(ui(&h).screen, Screen::Chain);
    press(&mut h, Key::C);
    assert_eq!(ui(&h).screen, Screen::Converter);
    press(&mut h, Key::L);
    assert!(ui(&h).lessons.open);
}

#[test]
fn a_b_switches_sides_only_when_comparing() {
    let mut h = harness();
    press(&mut h, Key::A);
    assert_eq!(h.state().ui.sound.active, Side::A);
    assert!(h.state().ui.teacher.message.as_ref().is_some_and(|(m, _)| m.contains("compare")));
    h.get_by_label("Compare with").click_accesskit();
    h.run();
    h.get_by_label("another point").click_accesskit();
    h.run();
    assert_ne!(h.state().ui.sound.compare, Compare::Off);
    press(&mut h, Key::A);
    assert_eq!(h.state().ui.sound.active, Side::B);
    press(&mut h, Key::A);
    assert_eq!(h.state().ui.sound.active, Side::A);
}

#[test]
fn demo_keys_and_figure_keys_ask_the_app() {
    let mut h = harness();
    let n = h.state().demos.demos.len();
    assert!(n >= 12, "a demo per topic ({n})");
    press(&mut h, Key::Num3);
    press(&mut h, Key::Num0);
    press(&mut h, Key::PageDown);
    press(&mut h, Key::S);
    press(&mut h, Key::E);
    assert_eq!(
        h.state().requests,
        vec![
            TeacherRequest::OpenDemo(2),
            TeacherRequest::OpenDemo(9),
            TeacherRequest::OpenDemo(0),
            TeacherRequest::Screenshot,
            TeacherRequest::Csv
        ]
    );
    h.state_mut().requests.clear();
    h.state_mut().ui.teacher.demo = Some(n - 1);
    press(&mut h, Key::PageDown);
    press(&mut h, Key::PageUp);
    assert_eq!(h.state().requests, vec![TeacherRequest::OpenDemo(0), TeacherRequest::OpenDemo(n - 2)], "wraps round");
}

#[test]
fn the_overlay_lists_every_shortcut_and_escape_closes_it() {
    let mut h = harness();
    press(&mut h, Key::Questionmark);
    assert!(h.state().ui.teacher.help);
    for b in BINDINGS {
        let _ = h.get_by_label(b.what);
    }
    press(&mut h, Key::Escape);
    assert!(!h.state().ui.teacher.help);
    press(&mut h, Key::F1);
    assert!(h.state().ui.teacher.help);
}

#[test]
fn shortcuts_leave_a_text_field_alone() {
    let mut h = harness();
    h.state_mut().ui.teacher.note = String::new();
    h.get_by_label("View").click_accesskit();
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput).focus();
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput).type_text("t");
    h.run();
    assert_eq!(h.state().ui.teacher.note, "t");
    assert_eq!(h.state().ui.theme, ThemeKind::Dark, "typing T in a field does not switch the theme");
}

#[test]
fn a_note_is_pinned_where_the_plot_is_clicked() {
    let mut h = harness();
    h.state_mut().ui.teacher.note = "alias here".into();
    press(&mut h, Key::M);
    assert_eq!(h.state().ui.converter.pins.placing.as_deref(), Some("alias here"));
    let _ = h.get_by_label_contains("Click on a plot to pin");
    // Click in the middle of the spectrum: about 45 % down the window, in the middle column.
    let at = egui::pos2(700.0, 420.0);
    h.hover_at(at);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    let pins = &h.state().ui.converter.pins;
    assert!(pins.placing.is_none());
    assert_eq!(pins.list.len(), 1, "{pins:?}");
    assert_eq!(pins.list[0].text, "alias here");
    assert!((0.0..=1.0).contains(&pins.list[0].u) && (0.0..=1.0).contains(&pins.list[0].v));
    press_with(&mut h, egui::Modifiers::SHIFT, Key::M);
    assert!(h.state().ui.converter.pins.list.is_empty());
}

#[test]
fn every_binding_is_a_distinct_key() {
    let mut seen = std::collections::HashSet::new();
    for b in BINDINGS {
        for k in b.keys {
            assert!(seen.insert((k.modifiers.shift, k.modifiers.command, k.logical_key)), "{k:?} bound twice");
        }
        assert!(!b.keys.is_empty() || matches!(b.command, Command::Demo(_)), "{:?} has no key", b.command);
    }
}

/// WCAG 2 asks 4.5:1 for text. Every colour that draws text, a line or a mark in the
/// projector theme must reach it against each background it is drawn on. (The shaded target
/// zone and the grid of quantization levels are translucent fills under the data, not marks.)
#[test]
fn the_projector_palette_meets_wcag_contrast() {
    let t = Theme::projector();
    let marks = [
        ("text", t.text),
        ("text_weak", t.text_weak),
        ("accent", t.accent),
        ("analog", t.analog),
        ("analog_raw", t.analog_raw),
        ("samples", t.samples),
        ("reconstruction", t.reconstruction),
        ("error", t.error),
        ("clip", t.clip),
        ("true_peak", t.true_peak),
        ("spectrum", t.spectrum),
        ("theory", t.theory),
        ("nyquist", t.nyquist),
        ("filter", t.filter),
        ("alias", t.alias),
        ("meter_ok", t.meter_ok),
        ("meter_hot", t.meter_hot),
        ("meter_over", t.meter_over),
        ("warning", t.warning),
        ("good", t.good),
    ];
    let backgrounds = [("background", t.background), ("panel", t.panel), ("plot", t.plot_background)];
    let mut failures = Vec::new();
    for (name, c) in marks {
        for (bg_name, bg) in backgrounds {
            let r = contrast_ratio(c, bg);
            if r < 4.5 {
                failures.push(format!("{name} on {bg_name}: {r:.2}:1"));
            }
        }
    }
    assert!(failures.is_empty(), "below 4.5:1: {failures:?}");
    // The meters' bars are drawn on their own background too.
    for (name, c) in [("meter_ok", t.meter_ok), ("meter_hot", t.meter_hot), ("meter_over", t.meter_over)] {
        assert!(contrast_ratio(c, t.meter_back) >= 3.0, "{name} on the meter's background");
    }
}
