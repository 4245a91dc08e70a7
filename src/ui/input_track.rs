//! The desk's input track: the input device and its own rate, the preamp, the ADC's word
//! length, a meter before the preamp and one after the ADC (with its clip light and the
//! tracking zone), and the record button.

use egui::{RichText, Ui, vec2};

use crate::sim::input_track::{InputControls, InputView};
use crate::ui::chain_screen::{adc_bits_ui, number};
use crate::ui::meter::{MeterSpec, meter_ui};
use crate::ui::theme::Theme;

/// What the student did on the input track.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools, reason = "each is one request from the panel")]
pub struct InputActions {
    /// Preamp or word length changed.
    pub changed: bool,
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
        if view.rate_hz > 0.0 {
            ui.label(RichText::new(&view.device).small())
                .on_hover_text("The default input device (its first channel).");
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
                let spec = MeterSpec { vu_scale: false, ..MeterSpec::default() };
                if meter_ui(ui, "Input", &view.input, &spec, theme, vec2(40.0, meter_h)).reset_clips {
                    actions.reset_meters = true;
                }
            });
            ui.vertical(|ui| {
                ui.label(RichText::new("ADC").small()).on_hover_text("After the preamp and the converter: the take.");
                let spec = MeterSpec { zone: Some(zone), vu_scale: false, ..MeterSpec::default() };
                if meter_ui(ui, "Input ADC", &view.adc, &spec, theme, vec2(40.0, meter_h)).reset_clips {
                    actions.reset_meters = true;
                }
            });
        });
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
