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
    tone: rtrb::Producer<f32>,
    /// Samples of the tone written so far.
    n: u64,
    /// Its peak amplitude.
    amp: f32,
}

fn desk(preamp_db: f64) -> Harness<'static, Desk> {
    let theme = Theme::dark();
    let (tone, _health, stream) = feed("test input", 48_000.0);
    let controls = InputControls { preamp_db, bits: BitDepth::Fixed(16) };
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
