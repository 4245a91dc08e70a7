//! The mixing desk driven like a user would, through egui_kittest (no window): a fader moves
//! the readouts the right way, a clip light latches and resets, and the stage chosen shows
//! below.

mod common;

use common::set_value;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use headroom_lab::chain::engine::StageId;
use headroom_lab::chain::scene::Scene;
use headroom_lab::sim::chain_view::ChainLab;
use headroom_lab::ui::chain_screen::{ChainUi, chain_screen_ui};
use headroom_lab::ui::theme::Theme;

struct Desk {
    ui: ChainUi,
    lab: ChainLab,
    /// Samples the transport runs per frame (0: paused).
    run: usize,
}

fn desk(scene: Scene) -> Harness<'static, Desk> {
    let theme = Theme::dark();
    let lab = ChainLab::new(&scene).expect("valid scene");
    Harness::builder().with_size(egui::vec2(1280.0, 720.0)).with_max_steps(8).build_ui_state(
        move |ui, d: &mut Desk| {
            // What the app does each frame: draw, apply the actions, follow the scene, run.
            let actions = chain_screen_ui(ui, &mut d.ui, d.lab.snapshot(), &theme);
            if let Some(s) = actions.select {
                d.lab.select(s);
            }
            for s in actions.reset_clips {
                d.lab.reset_clips(s);
            }
            if actions.scene_changed {
                d.lab.update_scene(&d.ui.scene).expect("valid");
            }
            if d.run > 0 {
                d.lab.advance(d.run);
            }
        },
        Desk { ui: ChainUi::new(scene), lab, run: 0 },
    )
}

/// Runs the transport for `frames` harness frames of `samples` each.
fn play(h: &mut Harness<'_, Desk>, frames: usize, samples: usize) {
    h.state_mut().run = samples;
    h.run_steps(frames);
    h.state_mut().run = 0;
    h.run_steps(1);
}

#[test]
fn pulling_a_fader_down_lowers_that_strip_and_the_bus() {
    let mut h = desk(Scene::band());
    play(&mut h, 10, 4800);
    let before = h.state().lab.snapshot().readout.clone();
    set_value(&mut h, Role::Slider, "Drums", -20.0);
    assert_eq!(h.state().ui.scene.tracks[0].fader_db, -20.0);
    play(&mut h, 10, 4800);
    let after = &h.state().lab.snapshot().readout;
    // The drums play on: compare the strip's post-fader level with its own ADC over the same
    // 300 ms, before and after. The fader went from -6 to -20 dB (the insert sits before it).
    let gain = |r: &headroom_lab::chain::engine::TrackReadout| r.out.rms_300ms_dbfs - r.adc.rms_300ms_dbfs;
    let drop = gain(&before.tracks[0]) - gain(&after.tracks[0]);
    assert!((drop - 14.0).abs() < 0.3, "the drums' post-fader level fell by {drop:.2} dB relative to the ADC");
    // The other strips did not move relative to their own ADC.
    let bass = gain(&before.tracks[1]) - gain(&after.tracks[1]);
    assert!(bass.abs() < 0.3, "bass moved {bass:.2} dB");
}

#[test]
fn a_clip_light_latches_until_it_is_reset() {
    let mut scene = Scene::band();
    scene.tracks[0].preamp_db = 36.0; // 6 dB over full scale
    let mut h = desk(scene);
    let _ = h.get_by_label("Drums ADC clip");
    play(&mut h, 20, 4800);
    let clips = h.state().lab.snapshot().readout.tracks[0].adc.clipped_samples;
    assert!(clips > 0, "the ADC clips");
    let _ = h.get_by_label(&format!("Drums ADC clip: {clips} clipped samples"));
    // Lower the preamp: the light stays on (latched), the count does not grow.
    h.state_mut().ui.scene.tracks[0].preamp_db = 10.0;
    let scene = h.state().ui.scene.clone();
    h.state_mut().lab.update_scene(&scene).expect("valid");
    play(&mut h, 10, 4800);
    assert_eq!(h.state().lab.snapshot().readout.tracks[0].adc.clipped_samples, clips);
    let lit = format!("Drums ADC clip: {clips} clipped samples");
    // Click the light: it goes out.
    h.get_by_label(&lit).click();
    h.run_steps(3);
    assert_eq!(h.state().lab.snapshot().readout.tracks[0].adc.clipped_samples, 0);
    assert!(h.query_by_label(&lit).is_none());
    let _ = h.get_by_label("Drums ADC clip");
}

#[test]
fn choosing_a_stage_shows_it_below() {
    let mut h = desk(Scene::band());
    assert!(h.get_all_by_label("Master").count() >= 1);
    // The bus's "show below" button is the one labelled so in the bus strip.
    let buttons: Vec<_> = h.get_all_by_label("show below").collect();
    assert_eq!(buttons.len(), 3, "bus, master, export");
    buttons[0].click_accesskit();
    drop(buttons);
    h.run_steps(6);
    assert_eq!(h.state().ui.selected, StageId::Bus);
    assert_eq!(h.state().lab.selected(), StageId::Bus);
    assert!(h.get_all_by_label("Mix bus").count() >= 1);
    h.get_all_by_label("adc").next().expect("a track's adc button").click_accesskit();
    h.run_steps(6);
    assert_eq!(h.state().lab.selected(), StageId::TrackAdc(0));
    let _ = h.get_by_label("Drums: after the ADC");
}
