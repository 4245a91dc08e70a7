//! The converter screen with "Live input" as its source, driven through egui_kittest at
//! 1280x720 and fed by a test input (`audio::input::feed`, no device): it names the input and
//! its rate and what that rate limits, shows the SNR a voice can honestly be given (measured,
//! and uniform error's prediction for its power) instead of the sine test, moves with the
//! bits; with no input device it says why and nothing breaks.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use headroom_lab::audio::input::{InputBackend, InputStream, NoInput, feed};
use headroom_lab::sim::converter_view::{ConverterSnapshot, LiveWindow};
use headroom_lab::sim::input_track::{InputControls, InputTrack};
use headroom_lab::sim::{ConverterLab, presets};
use headroom_lab::ui::converter_screen::{ConverterUi, converter_screen_ui};
use headroom_lab::ui::theme::Theme;

mod common;

struct Once(Option<InputStream>);

impl InputBackend for Once {
    fn open_input(&mut self) -> Result<InputStream, String> {
        self.0.take().ok_or_else(|| "no audio input device found".to_string())
    }
}

struct Screen {
    ui: ConverterUi,
    lab: ConverterLab,
    snap: ConverterSnapshot,
    track: InputTrack,
    tone: Option<headroom_lab::audio::input::InputSink>,
    n: u64,
}

/// What the app does each frame: the device delivers 20 ms (a 997 Hz tone at -6 dBFS, a frequency unrelated to the rates, so the error is uniform), the
/// track takes it in, the screen is analysed on the latest input and drawn.
fn harness(
    backend: &mut dyn InputBackend,
    tone: Option<headroom_lab::audio::input::InputSink>,
) -> Harness<'static, Screen> {
    let theme = Theme::dark();
    let params = presets::find("live-input").expect("the live-input preset").params;
    let track = InputTrack::open(backend, InputControls::default());
    let screen = Screen {
        ui: ConverterUi::new(params.clone()),
        lab: ConverterLab::new(&params).expect("valid"),
        snap: ConverterSnapshot::default(),
        track,
        tone,
        n: 0,
    };
    Harness::builder().with_size(egui::vec2(1280.0, 720.0)).with_max_steps(64).build_ui_state(
        move |ui, s: &mut Screen| {
            if let Some(tone) = &mut s.tone {
                for _ in 0..960 {
                    let x = 0.5 * (std::f64::consts::TAU * 997.0 * s.n as f64 / 48_000.0).sin();
                    let _ = tone.push(x as f32);
                    s.n += 1;
                }
            }
            s.track.pump();
            let (samples, start) = s.track.recent();
            let info = s.track.input_info().cloned();
            let window = info.as_ref().map(|i| LiveWindow { samples, start, rate_hz: i.rate, device: &i.name });
            let input = match (&window, s.track.problem()) {
                (Some(w), None) => Ok(w),
                (_, Some(why)) => Err(why),
                (None, None) => Err("closed"),
            };
            if s.lab.params() != &s.ui.params {
                s.lab.set_params(&s.ui.params).expect("valid");
            }
            s.lab.compute_live_into(input, &s.ui.view, &mut s.snap);
            let _ = converter_screen_ui(ui, &mut s.ui, &s.snap, &theme);
        },
        screen,
    )
}

#[test]
fn the_converter_screen_shows_a_fed_live_input_and_honest_figures() {
    let (tone, _health, stream) = feed("test input", 48_000.0);
    let mut h = harness(&mut Once(Some(stream)), Some(tone));
    // 0.9 s of input: enough for the spectrum (cut to 8192 samples at 16 kHz).
    h.run_steps(45);
    let _ = h.get_by_label("Live input: test input at 48000 Hz");
    let _ = h.get_by_label("Nothing above 24000 Hz (half the input's rate) exists in it.");
    let live = h.state().snap.live.clone().expect("live figures");
    assert_eq!(live.problem, None, "{:?}", live.problem);
    // A -6 dBFS sine: as a sine of -6 dBFS, measured SNR within 0.5 dB of uniform error's
    // 6.02 x 8 + 1.76 - 6 dB (the gentle filter takes 0.001 dB at 997 Hz).
    assert!((live.sine_level_dbfs + 6.0).abs() < 0.05, "{}", live.sine_level_dbfs);
    let theory = live.theory_snr_db.expect("fixed point");
    assert!((theory - (6.02 * 8.0 + 1.76 - 6.0)).abs() < 0.05, "{theory}");
    let snr = live.snr_db.expect("a signal");
    assert!((snr - theory).abs() < 0.5, "{snr} vs {theory}");
    let _ = h.get_by_label(&format!("{snr:.2} dB"));
    let _ = h.get_by_label(&format!("{theory:.2} dB"));
    // No sine test on a live input: no ENOB or THD rows claim what a voice cannot give.
    assert!(h.query_by_label("ENOB").is_none() && h.query_by_label("THD").is_none());
    // Four more bits: 24 dB more SNR, measured and predicted.
    common::set_value(&mut h, Role::Slider, "Bit depth", 12.0);
    h.run_steps(3);
    let live = h.state().snap.live.clone().expect("live figures");
    let theory12 = live.theory_snr_db.expect("fixed point");
    assert!((theory12 - theory - 4.0 * 6.0206).abs() < 0.01, "{theory} -> {theory12}");
    assert!((live.snr_db.expect("a signal") - theory12).abs() < 0.5);
}

#[test]
fn with_no_input_device_the_screen_says_why() {
    let mut h = harness(&mut NoInput("no audio input device found".into()), None);
    h.run_steps(3);
    let _ = h.get_by_label("no audio input device found");
    // The other sources still work: back to a sine, the sine test returns.
    h.state_mut().ui.params.source.kind = headroom_lab::dsp::source::SourceKind::Sine;
    let params = h.state().ui.params.clone();
    let s = h.state_mut();
    s.lab.set_params(&params).expect("valid");
    s.snap = s.lab.compute(0, &s.ui.view);
    assert!(s.snap.sine.is_some());
}
