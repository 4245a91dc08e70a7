//! The converter screen's panels driven like a user would, through egui_kittest (no window):
//! find a control by its label, change it, and check that the readouts follow.

mod common;

use common::set_value;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use headroom_lab::dsp::converter::ConverterParams;
use headroom_lab::dsp::filter::AaFilterKind;
use headroom_lab::dsp::quantizer::{BitDepth, DitherKind};
use headroom_lab::sim::converter_view::ConverterSnapshot;
use headroom_lab::sim::{ConverterLab, ViewSettings};
use headroom_lab::ui::converter_controls::controls_ui;
use headroom_lab::ui::converter_screen::{ConverterUi, converter_screen_ui};
use headroom_lab::ui::theme::Theme;

/// Sets a slider's value the way assistive technology does.
fn set_slider<S>(h: &mut Harness<'_, S>, label: &str, value: f64) {
    set_value(h, Role::Slider, label, value);
    h.run();
}

struct Controls {
    params: ConverterParams,
    view: ViewSettings,
    changed: bool,
}

fn controls_harness() -> Harness<'static, Controls> {
    Harness::builder().with_size(egui::vec2(420.0, 1200.0)).with_max_steps(16).build_ui_state(
        |ui, s: &mut Controls| {
            s.changed |= controls_ui(ui, &mut s.params, &mut s.view);
        },
        Controls { params: ConverterParams::default(), view: ViewSettings::default(), changed: false },
    )
}

#[test]
fn every_control_is_found_by_its_label() {
    let h = controls_harness();
    for label in ["Frequency", "Level", "Phase", "Analog gain", "Bit depth", "Time span"] {
        let _ = h.get_by_role_and_label(Role::Slider, label);
    }
    for label in [
        "Off",
        "Gentle",
        "Steep",
        "Round",
        "Truncate",
        "None",
        "RPDF",
        "TPDF",
        "Staircase",
        "Band-limited",
        "32-bit float",
    ] {
        let _ = h.get_by_label(label);
    }
}

#[test]
fn sliders_and_buttons_change_the_settings() {
    let mut h = controls_harness();
    set_slider(&mut h, "Bit depth", 8.0);
    assert_eq!(h.state().params.quantizer.bit_depth, BitDepth::Fixed(8));
    assert!(h.state().changed);

    h.get_by_label("TPDF").click();
    h.run();
    assert_eq!(h.state().params.quantizer.dither.kind, DitherKind::Tpdf);

    h.get_by_label("Off").click();
    h.run();
    assert_eq!(h.state().params.aa_filter.kind, AaFilterKind::Off);

    set_slider(&mut h, "Frequency", 30_000.0);
    assert!((h.state().params.source.freq_hz - 30_000.0).abs() < 1.0);
    // A new frequency resets the time view to its default for the source: a few cycles, and
    // at least 8 samples.
    let want = ViewSettings::default_span_secs(&h.state().params);
    assert!((h.state().view.time_span_secs / want - 1.0).abs() < 1e-3, "{} vs {want}", h.state().view.time_span_secs);
    assert!((want - 8.0 / 48_000.0).abs() < 1e-12);

    h.get_by_label("32-bit float").click();
    h.run();
    assert_eq!(h.state().params.quantizer.bit_depth, BitDepth::Float32);
}

struct Screen {
    ui: ConverterUi,
    lab: ConverterLab,
    snap: ConverterSnapshot,
}

impl Screen {
    fn new(params: ConverterParams) -> Self {
        let ui = ConverterUi::new(params.clone());
        let mut lab = ConverterLab::new(&params).expect("valid");
        let snap = lab.compute(0, &ui.view);
        Self { ui, lab, snap }
    }
}

fn screen_harness(params: ConverterParams) -> Harness<'static, Screen> {
    let theme = Theme::dark();
    Harness::builder().with_size(egui::vec2(1280.0, 720.0)).with_max_steps(24).build_ui_state(
        move |ui, s: &mut Screen| {
            // What the app does each frame: draw, and recompute when settings changed.
            if converter_screen_ui(ui, &mut s.ui, &s.snap, &theme) {
                s.lab.set_params(&s.ui.params).expect("valid");
                s.snap = s.lab.compute(0, &s.ui.view);
            }
        },
        Screen::new(params),
    )
}

#[test]
fn fewer_bits_lower_the_snr_readouts_by_six_db_per_bit() {
    let mut h = screen_harness(ConverterParams::default());
    let theory16 = h.state().snap.theory_snr_db;
    let _ = h.get_by_label(&format!("{theory16:.2} dB"));
    set_slider(&mut h, "Bit depth", 8.0);
    let s = h.state();
    let theory8 = s.snap.theory_snr_db;
    assert!((theory16 - theory8 - 8.0 * 6.0206).abs() < 0.01, "{theory16} -> {theory8}");
    let measured = s.snap.sine.expect("sine").snr_db;
    assert!((measured - theory8).abs() < 0.5);
    // The screen shows the new figures.
    let _ = h.get_by_label(&format!("{theory8:.2} dB"));
    let _ = h.get_by_label(&format!("{measured:.2} dB"));
    assert!(h.query_by_label(&format!("{theory16:.2} dB")).is_none());
}

#[test]
fn turning_off_the_filter_lists_the_alias() {
    let mut params = ConverterParams::default();
    params.source.freq_hz = 30_000.0;
    params.sample_rate_hz = 44_100.0;
    let mut h = screen_harness(params);
    assert!(h.query_by_label_contains("30k -> 14.1k").is_none(), "the steep filter removes it");
    h.get_by_label("Off").click();
    h.run();
    assert!(h.state().snap.aliases.iter().any(|a| a.visible && (a.alias_hz - 14_100.0).abs() < 1.0));
    let _ = h.get_by_label_contains("30k -> 14.1k");
}

#[test]
fn clipping_shows_in_the_readouts() {
    let mut h = screen_harness(ConverterParams::default());
    let _ = h.get_by_label("0");
    set_slider(&mut h, "Analog gain", 6.0);
    let clipped = h.state().snap.clipped_samples;
    assert!(clipped > 1000, "{clipped}");
    let _ = h.get_by_label(&format!("{clipped}"));
}

#[test]
fn hidden_readouts_show_question_marks() {
    let mut h = screen_harness(ConverterParams::default());
    h.state_mut().ui.hide_readouts = true;
    h.run();
    let theory = h.state().snap.theory_snr_db;
    assert!(h.query_by_label(&format!("{theory:.2} dB")).is_none());
    assert!(h.get_all_by_label("?").count() >= 5);
}
