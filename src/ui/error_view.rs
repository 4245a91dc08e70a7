//! The error view: the quantization error against time (in LSB), and its histogram or its
//! spectrum, so distortion visibly turns into noise when dither goes on.

use egui::Ui;
use egui_plot::{Bar, BarChart, Line, LineStyle, Plot};

use crate::dsp::converter::ConverterParams;
use crate::sim::converter_view::{ConverterSnapshot, ERROR_HISTOGRAM_BINS};
use crate::ui::plot_data::log_decimate;
use crate::ui::spectrum_view::{LOW_HZ, log_frequency_marks};
use crate::ui::theme::Theme;
use crate::ui::widgets::hz_short;

/// What the right half of the error view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ErrorDisplay {
    /// How often each error value occurs.
    #[default]
    Histogram,
    /// The error's spectrum.
    Spectrum,
}

/// Draws the error view.
pub fn error_view_ui(
    ui: &mut Ui,
    snap: &ConverterSnapshot,
    params: &ConverterParams,
    display: &mut ErrorDisplay,
    theme: &Theme,
    height: f32,
) {
    let lsb = params.quantizer.bit_depth.lsb();
    let scale = lsb.map_or(1.0, |q| 1.0 / q);
    let unit = if lsb.is_some() { "LSB" } else { "full scale" };
    ui.horizontal(|ui| {
        ui.strong("Quantization error");
        let rms = match snap.error.rms_lsb {
            Some(r) => format!("RMS {r:.3} LSB"),
            None => format!("RMS {:.1} dBFS", snap.error.rms_dbfs),
        };
        ui.label(rms).on_hover_text(format!(
            "Root-mean-square of output minus input: {:.1} dBFS. Plain rounding gives 1/√12 = 0.289 LSB.",
            snap.error.rms_dbfs
        ));
        ui.separator();
        ui.selectable_value(display, ErrorDisplay::Histogram, "Histogram")
            .on_hover_text("How often each error value occurs.");
        ui.selectable_value(display, ErrorDisplay::Spectrum, "Spectrum")
            .on_hover_text("Which frequencies the error holds: lines are distortion, a flat floor is noise.");
    });
    let h = (height - 26.0).max(60.0);
    let t0 = snap.time.range_secs.0;
    let err: Vec<[f64; 2]> = snap.time.error.iter().map(|p| [(p[0] - t0) * 1000.0, p[1] * scale]).collect();
    let half = ((ui.available_width() - 8.0) / 2.0).max(40.0);
    ui.horizontal(|ui| {
        ui.allocate_ui(egui::vec2(half, h), |ui| {
            Plot::new("error_time")
                .height(h)
                .width(half)
                .x_axis_label("time (ms)")
                .y_axis_label(format!("error ({unit})"))
                .allow_scroll(false)
                .show(ui, |plot_ui| {
                    plot_ui.line(Line::new("error", err).color(theme.error).width(theme.line_width));
                });
        });
        ui.allocate_ui(egui::vec2(half, h), |ui| match display {
            ErrorDisplay::Histogram if lsb.is_none() => {
                ui.label("32-bit float has no fixed step: its rounding error scales with the value (a 24-bit mantissa), so there is no LSB histogram. See the spectrum.");
            }
            ErrorDisplay::Histogram => {
                let bins = &snap.error.histogram;
                let total: u32 = bins.iter().sum::<u32>().max(1);
                let width = 4.0 / (ERROR_HISTOGRAM_BINS - 1) as f64;
                let bars: Vec<Bar> = bins
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| Bar::new(-2.0 + i as f64 * width, f64::from(c) / f64::from(total)).width(width * 0.9))
                    .collect();
                Plot::new("error_histogram")
                    .height(h)
                    .width(half)
                    .x_axis_label("error (LSB)")
                    .y_axis_label("share of samples")
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        if !bars.is_empty() {
                            plot_ui.bar_chart(BarChart::new("error histogram", bars).color(theme.error));
                        }
                    });
            }
            ErrorDisplay::Spectrum => {
                let nyq = params.nyquist_hz();
                let pts = log_decimate(&snap.error.spectrum, LOW_HZ, nyq, half as usize);
                Plot::new("error_spectrum")
                    .height(h)
                    .width(half)
                    .x_axis_label("frequency (Hz, log)")
                    .y_axis_label("dBFS")
                    .x_grid_spacer(log_frequency_marks)
                    .x_axis_formatter(|m, _| hz_short(10f64.powf(m.value)))
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        plot_ui.line(Line::new("error spectrum", pts).color(theme.error).width(theme.line_width.min(2.0)));
                        plot_ui.hline(
                            egui_plot::HLine::new("theory per bin", snap.theory_noise_per_bin_dbfs)
                                .color(theme.theory)
                                .style(LineStyle::dashed_loose()),
                        );
                    });
            }
        });
    });
}
