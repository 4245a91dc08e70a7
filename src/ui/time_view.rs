//! The time view: the continuous analog signal, the samples as lollipops, the quantization
//! levels, the reconstructed output, the 0 dBFS walls, clipped samples and the true peak.

use egui::Ui;
use egui_plot::{HLine, Line, LineStyle, MarkerShape, Plot, PlotPoint, Points, Text};

use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::AaFilterKind;
use crate::sim::ViewSettings;
use crate::sim::converter_view::ConverterSnapshot;
use crate::ui::layout::{PLOT_MIN_HEIGHT, axis_name};
use crate::ui::plot_data::stems;
use crate::ui::theme::Theme;
use crate::ui::widgets::{LegendMark, legend_row, name_plot};
use crate::units::amp_to_db;

/// Most samples drawn as lollipops; beyond this only the points are drawn.
const MAX_STEMS: usize = 400;

/// The y range that shows the signal well: its peak with a margin, at least a few LSB, and the
/// full scale once the signal comes near it.
#[must_use]
pub fn default_y_range(snap: &ConverterSnapshot, params: &ConverterParams) -> f64 {
    if params.source.kind.is_live() {
        // A live input changes from one moment to the next (and starts silent): show the
        // whole code range, with the walls at full scale.
        return 1.15;
    }
    let peak = snap
        .time
        .analog
        .iter()
        .chain(&snap.time.samples)
        .chain(&snap.time.reconstructed)
        .fold(0.0f64, |m, p| m.max(p[1].abs()));
    let lsb = params.quantizer.bit_depth.lsb().unwrap_or(0.0);
    let r = (peak * 1.25).max(3.0 * lsb).max(1e-6);
    if r > 0.5 { r.max(1.15) } else { r }
}

/// Draws the time view. Returns the time range (ms after the view's start) the user has
/// zoomed or panned to, when it differs from what is shown.
pub fn time_view_ui(
    ui: &mut Ui,
    snap: &ConverterSnapshot,
    params: &ConverterParams,
    view: &ViewSettings,
    theme: &Theme,
    reset: bool,
    height: f32,
) -> Option<(f64, f64)> {
    let t0 = snap.time.range_secs.0 - view.time_offset_secs;
    let ms = |t: f64| (t - t0) * 1000.0;
    let to_ms = |pts: &[[f64; 2]]| pts.iter().map(|p| [ms(p[0]), p[1]]).collect::<Vec<_>>();
    let y = default_y_range(snap, params);
    let span_ms = view.time_span_secs * 1000.0;
    let offset_ms = view.time_offset_secs * 1000.0;
    let filtered = params.aa_filter.kind != AaFilterKind::Off && !params.source.kind.is_noise();
    let recon_name = match params.reconstruction {
        crate::dsp::reconstruct::Reconstruction::Staircase => "output (staircase)",
        crate::dsp::reconstruct::Reconstruction::BandLimited => "output (band-limited)",
    };
    let legend_h = legend_row(ui, &legend_entries(snap, theme, filtered, recon_name));
    let height = (height - legend_h).max(PLOT_MIN_HEIGHT);
    let mut plot = Plot::new("time_view")
        .height(height)
        .x_axis_label("time (ms)")
        .y_axis_label(axis_name(ui, "amplitude (full scale = 1)", "amplitude", height))
        .default_x_bounds(offset_ms, offset_ms + span_ms)
        .default_y_bounds(-y, y)
        .allow_scroll(false)
        .show_background(true);
    if reset {
        plot = plot.reset();
    }
    let drawn = ui.scope(|ui| {
        plot.show(ui, |plot_ui| {
            // Quantization levels, when few enough to see.
            for &level in &snap.time.levels {
                if level.abs() <= y {
                    plot_ui.hline(HLine::new("", level).color(theme.levels).width(1.0));
                }
            }
            // The 0 dBFS walls.
            if y >= 0.9 {
                for wall in [1.0, -1.0] {
                    plot_ui.hline(
                        HLine::new("", wall).color(theme.clip).style(LineStyle::dashed_dense()).width(theme.line_width),
                    );
                }
                plot_ui.text(
                    Text::new("", PlotPoint::new(offset_ms + span_ms, 1.0), "0 dBFS ")
                        .color(theme.clip)
                        .anchor(egui::Align2::RIGHT_BOTTOM),
                );
            }
            // Samples first, so the continuous curves stay visible on top of them.
            let samples = to_ms(&snap.time.samples);
            let n = samples.len();
            if n <= MAX_STEMS {
                plot_ui.line(Line::new("", stems(&samples)).color(theme.samples.gamma_multiply(0.6)).width(1.0));
            }
            let radius = if n <= 40 {
                3.0 + theme.line_width
            } else if n <= MAX_STEMS {
                1.5 + theme.line_width
            } else {
                1.0 + theme.line_width / 2.0
            };
            plot_ui.points(Points::new("samples", samples).color(theme.samples).radius(radius).filled(true));
            if filtered {
                plot_ui.line(
                    Line::new("before the filter", to_ms(&snap.time.analog_raw)).color(theme.analog_raw).width(1.0),
                );
            }
            plot_ui
                .line(Line::new("analog input", to_ms(&snap.time.analog)).color(theme.analog).width(theme.line_width));
            plot_ui.line(
                Line::new(recon_name, to_ms(&snap.time.reconstructed))
                    .color(theme.reconstruction)
                    .width(theme.line_width),
            );
            if !snap.time.clipped.is_empty() {
                plot_ui.points(
                    Points::new("clipped", to_ms(&snap.time.clipped))
                        .color(theme.clip)
                        .radius(radius + 1.5)
                        .shape(MarkerShape::Square)
                        .filled(true),
                );
            }
            if let Some([t, v]) = snap.time.true_peak {
                draw_true_peak(plot_ui, ms(t), v, (offset_ms, span_ms), radius, theme);
            }
        })
    });
    name_plot(&drawn.response, "time view");
    let bounds = drawn.inner.transform.bounds();
    let (a, b) = (bounds.min()[0].max(0.0), bounds.max()[0]);
    let moved = (a - offset_ms).abs() > 0.01 * span_ms || ((b - a) - span_ms).abs() > 0.01 * span_ms;
    (moved && b > a && !reset).then_some((a, b))
}

/// The true peak between the samples: a diamond at (`t_ms`, `v`) and its value, the label kept
/// inside the plot's time `window` (offset and span, ms).
fn draw_true_peak(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    t_ms: f64,
    v: f64,
    window: (f64, f64),
    radius: f32,
    theme: &Theme,
) {
    let (offset_ms, span_ms) = window;
    plot_ui.points(
        Points::new("true peak", vec![[t_ms, v]])
            .color(theme.true_peak)
            .radius(radius + 3.0)
            .shape(MarkerShape::Diamond),
    );
    let label = format!("true peak {:.1} dBTP", amp_to_db(v.abs()));
    // Keep the label inside the plot: to the right of a peak near the left edge, to the left
    // near the right edge.
    let along = (t_ms - offset_ms) / span_ms;
    let anchor = match (along < 0.2, along > 0.8, v >= 0.0) {
        (true, _, true) => egui::Align2::LEFT_BOTTOM,
        (true, _, false) => egui::Align2::LEFT_TOP,
        (_, true, true) => egui::Align2::RIGHT_BOTTOM,
        (_, true, false) => egui::Align2::RIGHT_TOP,
        (_, _, true) => egui::Align2::CENTER_BOTTOM,
        (_, _, false) => egui::Align2::CENTER_TOP,
    };
    let x = t_ms.clamp(offset_ms + 0.02 * span_ms, offset_ms + 0.98 * span_ms);
    plot_ui.text(Text::new("", PlotPoint::new(x, v * 1.04), label).color(theme.true_peak).anchor(anchor));
}

/// The legend of the time view: only what is drawn.
fn legend_entries<'a>(
    snap: &ConverterSnapshot,
    theme: &Theme,
    filtered: bool,
    recon_name: &'a str,
) -> Vec<(LegendMark, egui::Color32, &'a str)> {
    let mut legend = vec![(LegendMark::Line, theme.analog, "analog input")];
    if filtered {
        legend.push((LegendMark::Line, theme.analog_raw, "before the filter"));
    }
    legend.push((LegendMark::Dot, theme.samples, "samples"));
    legend.push((LegendMark::Line, theme.reconstruction, recon_name));
    if !snap.time.clipped.is_empty() {
        legend.push((LegendMark::Square, theme.clip, "clipped"));
    }
    if snap.time.true_peak.is_some() {
        legend.push((LegendMark::Diamond, theme.true_peak, "true peak"));
    }
    if !snap.time.levels.is_empty() {
        legend.push((LegendMark::Line, theme.levels.gamma_multiply(3.0), "quantization levels"));
    }
    legend
}
