//! The sound bar and its windows driven like a user would, through egui_kittest (no window):
//! what the student picks is what the engine is told to play, a blind test keeps an honest
//! score, the export writes the point heard, and "visual only" is said when there is no sound.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use headroom_lab::abx::Side;
use headroom_lab::audio::program::ListenSpec;
use headroom_lab::audio::voice::ConverterTap;
use headroom_lab::chain::engine::StageId;
use headroom_lab::sim::ConverterLab;
use headroom_lab::sim::chain_view::ChainSnapshot;
use headroom_lab::sim::converter_view::ConverterSnapshot;
use headroom_lab::ui::app_ui::{AppUi, Screen, UiActions, Views, app_ui};
use headroom_lab::ui::sound::{AbxChoice, Compare, SoundStatus, heard_side, listen_specs};
use headroom_lab::ui::theme::Theme;

struct App {
    ui: AppUi,
    converter: ConverterSnapshot,
    chain: ChainSnapshot,
    status: SoundStatus,
    last: UiActions,
}

fn harness(screen: Screen) -> Harness<'static, App> {
    let theme = Theme::dark();
    let ui = AppUi { screen, ..AppUi::default() };
    let mut lab = ConverterLab::new(&ui.converter.params).expect("valid");
    let converter = lab.compute(0, &ui.converter.view);
    let status = SoundStatus { line: "no audio output: visual only".into(), ..SoundStatus::default() };
    Harness::builder().with_size(egui::vec2(1400.0, 900.0)).with_max_steps(8).build_ui_state(
        move |ui, a: &mut App| {
            let views = Views {
                converter: &a.converter,
                chain: &a.chain,
                sound: &a.status,
                lessons: None,
                demos: None,
                input: None,
            };
            let actions = app_ui(ui, &mut a.ui, views, &theme);
            if actions != UiActions::default() {
                a.last = actions;
            }
        },
        App { ui, converter, chain: ChainSnapshot::default(), status, last: UiActions::default() },
    )
}

#[test]
fn the_bar_says_visual_only_and_plays_the_converter_output_by_default() {
    let h = harness(Screen::Converter);
    let _ = h.get_by_label("no audio output: visual only");
    let _ = h.get_by_role_and_label(egui::accesskit::Role::Slider, "Volume");
    let [a, b] = listen_specs(&h.state().ui);
    assert!(matches!(a, ListenSpec::Converter { tap: ConverterTap::Output, .. }), "{a:?}");
    assert_eq!(b, ListenSpec::Silence);
    assert_eq!(heard_side(&h.state().ui), Side::A);
}

#[test]
fn comparing_two_points_and_switching_to_b() {
    let mut h = harness(Screen::Converter);
    h.get_by_label("Compare with").click_accesskit();
    h.run();
    h.get_by_label("another point").click_accesskit();
    h.run();
    h.get_by_label(" B ").click_accesskit();
    h.run();
    let app = &h.state().ui;
    let [a, b] = listen_specs(app);
    assert!(matches!(a, ListenSpec::Converter { tap: ConverterTap::Output, .. }));
    assert!(matches!(b, ListenSpec::Converter { tap: ConverterTap::Analog, .. }), "B is the analog source: {b:?}");
    assert_eq!(heard_side(app), Side::B);

    // On the desk, B is another stage of the same session.
    let mut h = harness(Screen::Chain);
    h.get_by_label("Compare with").click_accesskit();
    h.run();
    h.get_by_label("another point").click_accesskit();
    h.run();
    let [a, b] = listen_specs(&h.state().ui);
    assert_eq!(a, ListenSpec::Session { stage: StageId::Master });
    assert_eq!(b, ListenSpec::Session { stage: StageId::Export });
}

/// Holding the settings as B, then changing A: B keeps the old bit depth.
#[test]
fn held_settings_stay_while_a_changes() {
    let mut h = harness(Screen::Converter);
    h.get_by_label("Compare with").click_accesskit();
    h.run();
    h.get_by_label("held settings").click_accesskit();
    h.run();
    h.state_mut().ui.converter.params.quantizer.bit_depth = headroom_lab::dsp::quantizer::BitDepth::Fixed(8);
    h.run();
    let [a, b] = listen_specs(&h.state().ui);
    let bits = |s: &ListenSpec| match s {
        ListenSpec::Converter { params, .. } => params.quantizer.bit_depth.to_string(),
        other => panic!("a converter: {other:?}"),
    };
    assert_eq!((bits(&a), bits(&b)), ("8".to_string(), "16".to_string()));
    assert!(matches!(h.state().ui.sound.compare, Compare::Held { .. }));
}

/// A perfect listener in a blind test: X plays its hidden side, the score counts, and the
/// chance of guessing that well is shown (10 of 10: 0.1 %).
#[test]
fn a_blind_test_keeps_score_and_gives_the_odds() {
    let mut h = harness(Screen::Converter);
    h.get_by_label("Blind test...").click_accesskit();
    h.run();
    h.get_by_label("Dither at 8 bits: on or off?").click_accesskit();
    h.run();
    let [a, b] = listen_specs(&h.state().ui);
    assert_ne!(a, b, "A and B are the test's two sides");
    h.get_by_label(" X ").click_accesskit();
    h.run();
    for _ in 0..10 {
        let run = h.state().ui.sound.abx.as_ref().expect("a test runs");
        assert_eq!(run.playing, AbxChoice::X);
        let hidden = run.abx.x();
        assert_eq!(heard_side(&h.state().ui), hidden, "X plays its hidden side");
        let answer = if hidden == Side::A { " A " } else { " B " };
        // The answer buttons come after the Play buttons: take the last with that label.
        h.get_all_by_label(answer).last().expect("an answer button").click_accesskit();
        h.run();
    }
    let _ = h.get_by_label("10 of 10 right");
    let _ = h.get_by_label_contains("Chance of doing at least this well by guessing: 0.1 %");
    let run = h.state().ui.sound.abx.as_ref().expect("a test runs");
    assert_eq!((run.abx.trials, run.abx.correct), (10, 10));
}

/// Identification ("which one is dithered?"): only the two unnamed samples play, 1 is X and 2
/// the other side; naming the dithered one scores through the same ABX series; and a
/// loudness-matched test has the engine match loudness whatever the bar says.
#[test]
fn an_identification_test_plays_two_unnamed_samples_and_keeps_score() {
    let mut h = harness(Screen::Converter);
    h.get_by_label("Blind test...").click_accesskit();
    h.run();
    h.get_by_label("Which one is dithered?").click_accesskit();
    h.run();
    assert!(h.query_by_label(" X ").is_none() && h.query_by_label(" A ").is_none(), "no named sample to hear");
    for _ in 0..10 {
        let hidden = h.state().ui.sound.abx.as_ref().expect("a test runs").abx.x();
        // The Play buttons come first, the answer buttons after them.
        h.get_all_by_label(" 2 ").next().expect("play 2").click_accesskit();
        h.run();
        assert_eq!(heard_side(&h.state().ui), hidden.other(), "2 plays the side X is not");
        h.get_all_by_label(" 1 ").next().expect("play 1").click_accesskit();
        h.run();
        assert_eq!(heard_side(&h.state().ui), hidden, "1 plays X");
        // B is the dithered one: say which number it is.
        let answer = if hidden == Side::B { " 1 " } else { " 2 " };
        h.get_all_by_label(answer).last().expect("an answer button").click_accesskit();
        h.run();
    }
    let _ = h.get_by_label("10 of 10 right");
    assert!(!headroom_lab::ui::sound::loudness_matched(&h.state().ui));
    h.get_by_label("Other tests").click_accesskit();
    h.run();
    h.get_by_label("Squashed or not, at the same loudness?").click_accesskit();
    h.run();
    let _ = h.get_by_label("Both are played at the same loudness.");
    assert!(headroom_lab::ui::sound::loudness_matched(&h.state().ui), "matched by the test itself");
}

/// Export: the request names the point heard, and writing it gives a 24-bit file.
#[test]
fn export_writes_the_point_heard() {
    let mut h = harness(Screen::Converter);
    let dir = std::env::temp_dir().join(format!("hl-ui-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("heard.wav");
    h.state_mut().ui.sound.export.path = path.display().to_string();
    h.get_by_label("Export WAV...").click_accesskit();
    h.run();
    h.get_by_label("24-bit").click_accesskit();
    h.run();
    h.get_by_label("Export").click_accesskit();
    h.run();
    let request = h.state().last.sound.export.clone().expect("an export request");
    assert!(matches!(request.spec, ListenSpec::Converter { tap: ConverterTap::Output, .. }));
    let summary = headroom_lab::audio::export::export_point(
        &request.spec,
        Some(&request.session),
        1.0,
        request.settings,
        &request.path,
    )
    .expect("written");
    let audio = headroom_lab::wav::read_file(&path).expect("a WAV");
    assert_eq!(audio.format, headroom_lab::wav::SampleFormat::Int(24));
    assert_eq!((audio.sample_rate, audio.frames()), (48_000, summary.frames));
    std::fs::remove_dir_all(&dir).ok();
}
