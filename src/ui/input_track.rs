//! The desk's input track: the input device and its own rate, the preamp, the ADC's word
//! length, a meter before the preamp and one after the ADC (with its clip light and the
//! tracking zone), and the record button.

use egui::{RichText, Ui, vec2};

use crate::sim::input_track::{InputControls, InputView, MonitorView};
use crate::ui::chain_screen::{adc_bits_ui, number};
use crate::ui::meter::{MeterSpec, meter_ui};
use crate::ui::theme::Theme;

/// What the student did on the input track.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools, reason = "each is one request from the panel")]
pub struct InputActions {
    /// Preamp, word length or monitoring changed.
    pub changed: bool,
    /// Open this device (an index into the view's `devices`).
    pub choose_device: Option<usize>,
    /// List the input devices (asked for: listing probes every device, which can upset a
    /// sound server for a moment).
    pub list_devices: bool,
    /// Start a take.
    pub record: bool,
    /// End the take and put it on the desk.
    pub stop: bool,
    /// Reset the meters' peaks and clip light.
    pub reset_meters: bool,
    /// Try to open the input again.
    pub reopen: bool,
    /// Close the input track.
    pub close: bool,
}

/// Draws the input track for `view`, editing `controls`; `zone` is the tracking target for
/// the ADC's peaks (dBFS).
pub fn input_track_ui(
    ui: &mut Ui,
    controls: &mut InputControls,
    view: &InputView,
    zone: [f64; 2],
    theme: &Theme,
) -> InputActions {
    let mut actions = InputActions::default();
    let before = *controls;
    ui.vertical(|ui| {
        ui.set_width(150.0);
        ui.horizontal(|ui| {
            ui.strong("Input");
            if ui.small_button("Close").on_hover_text("Close the input device.").clicked() {
                actions.close = true;
            }
        });
        if let Some(problem) = &view.problem {
            ui.label(RichText::new(problem).color(theme.clip));
            if ui.button("Open input").on_hover_text("Try the default input device again.").clicked() {
                actions.reopen = true;
            }
        }
        device_ui(ui, view, theme, &mut actions);
        if view.rate_hz > 0.0 {
            if view.devices.len() <= 1 {
                ui.label(RichText::new(&view.device).small())
                    .on_hover_text("The input device open now (its first channel).");
            }
            let latency =
                if view.latency_secs > 0.0 { format!(", {:.0} ms in", view.latency_secs * 1e3) } else { String::new() };
            ui.label(RichText::new(format!("{:.0} Hz{latency}", view.rate_hz)).small().color(theme.text_weak))
                .on_hover_text("The input's own sample rate (the ADC runs at it) and its capture latency.");
        }
        number(
            ui,
            "Pre",
            &mut controls.preamp_db,
            crate::dsp::capture::PREAMP_RANGE_DB.0..=crate::dsp::capture::PREAMP_RANGE_DB.1,
            " dB",
            "Preamp: gain before the converter. Set it so your loudest peaks land at -12 to -6 dBFS.",
        );
        adc_bits_ui(ui, "input_bits", &mut controls.bits, theme.scaled(64.0));
        let meter_h = 180.0;
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.label(RichText::new("in").small()).on_hover_text("The input before the preamp.");
                let spec = MeterSpec { vu_scale: false, hidden: view.meters_hidden, ..MeterSpec::default() };
                if meter_ui(ui, "Input", &view.input, &spec, theme, vec2(40.0, meter_h)).reset_clips {
                    actions.reset_meters = true;
                }
            });
            ui.vertical(|ui| {
                ui.label(RichText::new("ADC").small()).on_hover_text("After the preamp and the converter: the take.");
                let spec =
                    MeterSpec { zone: Some(zone), vu_scale: false, hidden: view.meters_hidden, ..MeterSpec::default() };
                if meter_ui(ui, "Input ADC", &view.adc, &spec, theme, vec2(40.0, meter_h)).reset_clips {
                    actions.reset_meters = true;
                }
            });
        });
        monitor_ui(ui, &mut controls.monitor, &view.monitor, theme);
        let can_record = view.rate_hz > 0.0;
        match view.recording_secs {
            Some(secs) => {
                if ui
                    .button(format!("Stop ({secs:.1} s)"))
                    .on_hover_text("End the take and add it to the desk.")
                    .clicked()
                {
                    actions.stop = true;
                }
            }
            None => {
                if ui
                    .add_enabled(can_record, egui::Button::new("Record"))
                    .on_hover_text("Record a take after the ADC, at its word length, into the data folder's takes/.")
                    .clicked()
                {
                    actions.record = true;
                }
            }
        }
    });
    actions.changed = *controls != before;
    actions
}

/// The device: a button that lists the inputs, or the list to choose from once listed.
fn device_ui(ui: &mut Ui, view: &InputView, theme: &Theme, actions: &mut InputActions) {
    if view.devices.len() <= 1 {
        if ui
            .small_button("Other inputs...")
            .on_hover_text("List the input devices to choose from (the sound may stop for a moment).")
            .clicked()
        {
            actions.list_devices = true;
        }
    } else {
        let mut chosen = view.chosen;
        let name = |i: usize| view.devices.get(i).map_or("", String::as_str);
        egui::ComboBox::from_id_salt("input_device")
            .width(theme.scaled(140.0))
            .selected_text(name(chosen))
            .show_ui(ui, |ui| {
                for (i, d) in view.devices.iter().enumerate() {
                    ui.selectable_value(&mut chosen, i, d);
                }
            })
            .response
            .on_hover_text("The input device (its first channel is taken).");
        if chosen != view.chosen {
            actions.choose_device = Some(chosen);
        }
    }
}

/// Monitoring: the switch (off until asked for), the warning about speakers, the latency.
fn monitor_ui(ui: &mut Ui, on: &mut bool, m: &MonitorView, theme: &Theme) {
    ui.checkbox(on, "Hear it").on_hover_text(
        "Monitoring: a live track on the desk plays the input through the chain to the output. \
         Use headphones: speakers feed the microphone back.",
    );
    if *on {
        ui.label(RichText::new("Headphones on: speakers howl").small().color(theme.clip));
        if let Some(ms) = m.latency_ms {
            ui.label(RichText::new(format!("{ms:.0} ms to your ears")).small())
                .on_hover_text(format!("From the microphone to the output: {}.", m.detail));
        }
        if let Some(p) = &m.problem {
            ui.label(RichText::new(p).small().color(theme.text_weak));
        }
    }
}
