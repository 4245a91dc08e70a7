//! The desk's input track driven like a user would, through egui_kittest, fed by a test input
//! (no device): its meter before the preamp shows the tone fed to it, the ADC's meter shows it
//! after the preamp, and the ADC's clip light comes on when the preamp drives it over full scale.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use headroom_lab::audio::input::{InputBackend, InputStream, feed};
use headroom_lab::dsp::quantizer::BitDepth;
use headroom_lab::sim::input_track::{InputControls, InputTrack};
use headroom_lab::ui::input_track::input_track_ui;
use headroom_lab::ui::theme::Theme;

struct Once(Option<InputStream>);

impl InputBackend for Once {
    fn open_input(&mut self) -> Result<InputStream, String> {
        self.0.take().ok_or_else(|| "no audio input device found".to_string())
    }
}

struct Desk {
    track: InputTrack,
    controls: InputControls,
    tone: headroom_lab::audio::input::InputSink,
    /// Samples of the tone written so far.
    n: u64,
    /// Its peak amplitude.
    amp: f32,
}

fn desk(preamp_db: f64) -> Harness<'static, Desk> {
    let theme = Theme::dark();
    let (tone, _health, stream) = feed("test input", 48_000.0);
    let controls = InputControls { preamp_db, bits: BitDepth::Fixed(16), ..InputControls::default() };
    let track = InputTrack::open(&mut Once(Some(stream)), controls);
    Harness::builder().with_size(egui::vec2(400.0, 500.0)).with_max_steps(8).build_ui_state(
        move |ui, d: &mut Desk| {
            // 20 ms of a 1 kHz tone each frame, as a device would deliver it.
            for _ in 0..960 {
                let x = d.amp * (std::f32::consts::TAU * (d.n % 48) as f32 / 48.0).sin();
                let _ = d.tone.push(x);
                d.n += 1;
            }
            d.track.pump();
            let actions = input_track_ui(ui, &mut d.controls, &d.track.view(), [-12.0, -6.0], &theme);
            if actions.changed {
                d.track.set_controls(d.controls);
            }
        },
        Desk { track, controls, tone, n: 0, amp: 0.0 },
    )
}

#[test]
fn the_input_meter_shows_the_tone_fed_to_it_and_the_adc_meter_adds_the_preamp() {
    let mut h = desk(6.0);
    h.run_steps(2);
    let _ = h.get_by_label("Input level: silent");
    let _ = h.get_by_label("48000 Hz");
    // A tone peaking at -18 dBFS (0.126) into the input; +6 dB of preamp brings it to -12.
    h.state_mut().amp = headroom_lab::units::db_to_amp(-18.0) as f32;
    h.run_steps(4);
    let _ = h.get_by_label("Input level: -18.0 dBFS");
    let _ = h.get_by_label("Input ADC level: -12.0 dBFS");
    let _ = h.get_by_label("Input ADC clip");
}

#[test]
fn too_much_preamp_lights_the_adc_clip_light() {
    let mut h = desk(24.0);
    h.state_mut().amp = headroom_lab::units::db_to_amp(-18.0) as f32;
    h.run_steps(4);
    // -18 dBFS + 24 dB = +6 dBFS: the ADC clips; the input itself does not.
    let _ = h.get_by_label_contains("Input ADC clip: ");
    let _ = h.get_by_label("Input clip");
}

#[test]
fn live_input_on_the_desk_asks_for_the_input_track() {
    use headroom_lab::sim::chain_view::ChainSnapshot;
    use headroom_lab::ui::chain_screen::{ChainUi, chain_screen_ui};
    let theme = Theme::dark();
    let snap = ChainSnapshot::default();
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 720.0)).build_ui_state(
        move |ui, (desk, asked): &mut (ChainUi, bool)| {
            *asked |= chain_screen_ui(ui, desk, &snap, &theme).open_input;
        },
        (ChainUi::default(), false),
    );
    h.run();
    assert!(!h.state().1, "nothing opens the input by itself");
    h.get_by_label("Live input").click();
    h.run();
    assert!(h.state().1, "the button asks for the input track");
}

/// The input track's panel drawing `view`, keeping its controls and the last actions asked for.
fn panel(
    view: headroom_lab::sim::input_track::InputView,
) -> Harness<'static, (InputControls, headroom_lab::ui::input_track::InputActions)> {
    use headroom_lab::ui::input_track::InputActions;
    let theme = Theme::dark();
    Harness::builder().with_size(egui::vec2(400.0, 600.0)).build_ui_state(
        move |ui, (controls, got): &mut (InputControls, InputActions)| {
            let a = input_track_ui(ui, controls, &view, [-12.0, -6.0], &theme);
            if a != InputActions::default() {
                *got = a;
            }
        },
        (InputControls::default(), InputActions::default()),
    )
}

#[test]
fn monitoring_is_off_until_asked_and_then_warns_about_speakers_and_shows_the_latency() {
    use headroom_lab::sim::input_track::{InputView, MonitorView};
    let view = InputView {
        device: "USB headset".into(),
        rate_hz: 48_000.0,
        devices: vec!["Default input".into(), "USB headset".into(), "Built-in microphone".into()],
        chosen: 1,
        monitor: MonitorView {
            running: true,
            latency_ms: Some(41.6),
            detail: "input 10.0 ms + queue 12.3 ms + desk 5.0 ms + output 14.3 ms".into(),
            problem: None,
        },
        ..InputView::default()
    };
    let mut h = panel(view);
    h.run();
    assert!(!h.state().0.monitor, "monitoring starts off");
    assert!(h.query_by_label_contains("Headphones").is_none(), "no warning while nothing is heard");
    h.get_by_label("Hear it").click();
    h.run();
    assert!(h.state().0.monitor && h.state().1.changed, "the checkbox turns monitoring on");
    let _ = h.get_by_label_contains("Headphones on");
    let _ = h.get_by_label("42 ms to your ears");
    // The devices are listed only when asked for (listing probes every device).
    assert!(!h.state().1.list_devices);
    // The device chooser lists the devices; picking one asks to open it.
    h.get_all_by_role(egui::accesskit::Role::ComboBox).next().expect("the device chooser").click();
    h.run();
    h.get_by_label("Built-in microphone").click();
    h.run();
    assert_eq!(h.state().1.choose_device, Some(2));
}

#[test]
fn the_devices_are_listed_only_when_asked_for() {
    use headroom_lab::sim::input_track::InputView;
    let view = InputView { device: "Default Audio Device".into(), rate_hz: 48_000.0, ..InputView::default() };
    let mut h = panel(view);
    h.run();
    assert!(!h.state().1.list_devices, "nothing is probed by itself");
    h.get_by_label("Other inputs...").click();
    h.run();
    assert!(h.state().1.list_devices);
}

#[test]
fn a_lesson_that_hides_the_meters_hides_the_input_tracks_too() {
    let mut h = desk(6.0);
    h.state_mut().amp = headroom_lab::units::db_to_amp(-18.0) as f32;
    h.run_steps(4);
    let _ = h.get_by_label("Input ADC level: -12.0 dBFS");
    // The same panel while a lesson step hides the meters: the prediction is not given away.
    let theme = Theme::dark();
    let mut view = h.state().track.view();
    view.meters_hidden = true;
    let mut hidden = Harness::builder().with_size(egui::vec2(400.0, 500.0)).build_ui(move |ui| {
        let mut controls = InputControls::default();
        let _ = input_track_ui(ui, &mut controls, &view, [-12.0, -6.0], &theme);
    });
    hidden.run();
    assert!(hidden.query_by_label_contains("Input ADC level").is_none(), "the ADC meter shows through");
    assert!(hidden.query_by_label_contains("Input level").is_none(), "the input meter shows through");
}
