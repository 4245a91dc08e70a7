//! The error view: the quantization error against time (in LSB), and its histogram or its
//! spectrum, so distortion visibly turns into noise when dither goes on.

use egui::Ui;
use egui_plot::{Bar, BarChart, Line, LineStyle, Plot};

use crate::dsp::converter::ConverterParams;
use crate::sim::converter_view::{ConverterSnapshot, ERROR_HISTOGRAM_BINS};
use crate::ui::layout::{PLOT_MIN_HEIGHT, PLOT_MIN_WIDTH, axis_name, side_by_side};
use crate::ui::plot_data::log_decimate;
use crate::ui::spectrum_view::{LOW_HZ, log_frequency_marks};
use crate::ui::theme::Theme;
use crate::ui::widgets::{hz_short, name_plot};

/// Which of the error's plots is chosen: beside the error against time when both fit, alone
/// when only one does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ErrorDisplay {
    /// The error against time (alone; beside it, the histogram).
    Time,
    /// How often each error value occurs.
    #[default]
    Histogram,
    /// The error's spectrum.
    Spectrum,
}

/// Draws the error view in `height`: the error against time and its histogram or spectrum side
/// by side when the width holds two readable plots, otherwise the one chosen.
pub fn error_view_ui(
    ui: &mut Ui,
    snap: &ConverterSnapshot,
    params: &ConverterParams,
    display: &mut ErrorDisplay,
    theme: &Theme,
    height: f32,
) {
    let gap = ui.spacing().item_spacing.x;
    let both = side_by_side(ui.available_width(), PLOT_MIN_WIDTH, gap) >= 2;
    let top = ui.cursor().top();
    ui.horizontal_wrapped(|ui| {
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
        if !both {
            ui.selectable_value(display, ErrorDisplay::Time, "Time").on_hover_text("The error against time.");
        } else if *display == ErrorDisplay::Time {
            *display = ErrorDisplay::Histogram;
        }
        ui.selectable_value(display, ErrorDisplay::Histogram, "Histogram")
            .on_hover_text("How often each error value occurs.");
        ui.selectable_value(display, ErrorDisplay::Spectrum, "Spectrum")
            .on_hover_text("Which frequencies the error holds: lines are distortion, a flat floor is noise.");
    });
    let h = (height - (ui.cursor().top() - top)).max(PLOT_MIN_HEIGHT);
    if both {
        let half = (ui.available_width() - gap) / 2.0;
        ui.horizontal(|ui| {
            ui.allocate_ui(egui::vec2(half, h), |ui| {
                error_plot_ui(ui, snap, params, ErrorDisplay::Time, theme, half, h);
            });
            ui.allocate_ui(egui::vec2(half, h), |ui| error_plot_ui(ui, snap, params, *display, theme, half, h));
        });
    } else {
        let w = ui.available_width();
        error_plot_ui(ui, snap, params, *display, theme, w, h);
    }
}

/// One of the error's plots, `width` by `height`.
fn error_plot_ui(
    ui: &mut Ui,
    snap: &ConverterSnapshot,
    params: &ConverterParams,
    display: ErrorDisplay,
    theme: &Theme,
    width: f32,
    h: f32,
) {
    let lsb = params.quantizer.bit_depth.lsb();
    let scale = lsb.map_or(1.0, |q| 1.0 / q);
    let unit = if lsb.is_some() { "LSB" } else { "full scale" };
    match display {
        ErrorDisplay::Time => {
            let t0 = snap.time.range_secs.0;
            let err: Vec<[f64; 2]> = snap.time.error.iter().map(|p| [(p[0] - t0) * 1000.0, p[1] * scale]).collect();
            let drawn = ui.scope(|ui| {
                Plot::new("error_time")
                    .height(h)
                    .width(width)
                    .x_axis_label("time (ms)")
                    .y_axis_label(axis_name(ui, &format!("error ({unit})"), "error", h))
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        plot_ui.line(Line::new("error", err).color(theme.error).width(theme.line_width));
                    });
            });
            name_plot(&drawn.response, "quantization error against time");
        }
        ErrorDisplay::Histogram if lsb.is_none() => {
            ui.label("32-bit float has no fixed step: its rounding error scales with the value (a 24-bit mantissa), so there is no LSB histogram. See the spectrum.");
        }
        ErrorDisplay::Histogram => {
            let bins = &snap.error.histogram;
            let total: u32 = bins.iter().sum::<u32>().max(1);
            let bin_width = 4.0 / (ERROR_HISTOGRAM_BINS - 1) as f64;
            let bars: Vec<Bar> = bins
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    Bar::new(-2.0 + i as f64 * bin_width, f64::from(c) / f64::from(total)).width(bin_width * 0.9)
                })
                .collect();
            let drawn = ui.scope(|ui| {
                Plot::new("error_histogram")
                    .height(h)
                    .width(width)
                    .x_axis_label("error (LSB)")
                    .y_axis_label(axis_name(ui, "share of samples", "share", h))
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        if !bars.is_empty() {
                            plot_ui.bar_chart(BarChart::new("error histogram", bars).color(theme.error));
                        }
                    });
            });
            name_plot(&drawn.response, "quantization error histogram");
        }
        ErrorDisplay::Spectrum => {
            let nyq = params.nyquist_hz();
            let pts = log_decimate(&snap.error.spectrum, LOW_HZ, nyq, width as usize);
            let drawn = ui.scope(|ui| {
                Plot::new("error_spectrum")
                    .height(h)
                    .width(width)
                    .x_axis_label("frequency (Hz, log)")
                    .y_axis_label("dBFS")
                    .x_grid_spacer(log_frequency_marks)
                    .x_axis_formatter(|m, _| hz_short(10f64.powf(m.value)))
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        plot_ui
                            .line(Line::new("error spectrum", pts).color(theme.error).width(theme.line_width.min(2.0)));
                        plot_ui.hline(
                            egui_plot::HLine::new("theory per bin", snap.theory_noise_per_bin_dbfs)
                                .color(theme.theory)
                                .style(LineStyle::dashed_loose()),
                        );
                    });
            });
            name_plot(&drawn.response, "quantization error spectrum");
        }
    }
}
