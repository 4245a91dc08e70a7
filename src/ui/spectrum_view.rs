//! The spectrum: dB against logarithmic frequency, the Nyquist line and the region above it,
//! the anti-alias filter's response, the theory noise floor for N bits, and every alias marked
//! and linked to the component it came from.

use egui::Ui;
use egui_plot::{Arrows, GridInput, GridMark, Line, LineStyle, Plot, PlotPoint, Points, Polygon, Text, VLine};

use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::AaFilterKind;
use crate::sim::converter_view::ConverterSnapshot;
use crate::ui::layout::PLOT_MIN_HEIGHT;
use crate::ui::plot_data::log_decimate;
use crate::ui::theme::Theme;
use crate::ui::widgets::{LegendMark, hz_short, legend_row, name_plot};

/// Lowest frequency shown.
pub const LOW_HZ: f64 = 10.0;

/// Grid marks at 1, 2 and 5 times each decade, on a log10 axis.
#[must_use]
pub fn log_frequency_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let mut marks = Vec::new();
    for decade in (lo.floor() as i32)..=(hi.ceil() as i32) {
        for m in [1.0, 2.0, 5.0] {
            let v = (m * 10f64.powi(decade)).log10();
            if (lo..=hi).contains(&v) {
                marks.push(GridMark { value: v, step_size: if m == 1.0 { 1.0 } else { 0.3 } });
            }
        }
    }
    marks
}

/// Grid marks at round dB steps (10, 20, 50...), as dense as the plot's height allows.
#[must_use]
pub fn db_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let step =
        [5.0, 10.0, 20.0, 40.0, 50.0, 100.0].into_iter().find(|&s| s >= 2.5 * input.base_step_size).unwrap_or(200.0);
    let mut marks = Vec::new();
    let mut v = (lo / step).ceil() * step;
    while v <= hi {
        marks.push(GridMark { value: v, step_size: step });
        v += step;
    }
    marks
}

/// The frequency range to show: from 10 Hz to Nyquist, or beyond when aliases come from
/// higher up (so the arrow from each original to its alias fits).
#[must_use]
pub fn frequency_range(snap: &ConverterSnapshot, params: &ConverterParams) -> (f64, f64) {
    let nyq = params.nyquist_hz();
    let top = snap.aliases.iter().filter(|a| a.visible).map(|a| a.original_hz).fold(nyq * 1.15, f64::max);
    (LOW_HZ, top.min(params.sample_rate_hz * 8.0) * 1.3)
}

/// Draws the spectrum.
/// With `hide_aliases` (a lesson asks first) the alias marks are left out.
pub fn spectrum_ui(
    ui: &mut Ui,
    snap: &ConverterSnapshot,
    params: &ConverterParams,
    theme: &Theme,
    reset: bool,
    height: f32,
    hide_aliases: bool,
) {
    let (lo, hi) = frequency_range(snap, params);
    let nyq = params.nyquist_hz();
    let floor = (snap.theory_noise_per_bin_dbfs - 25.0).clamp(-240.0, -60.0);
    let width = ui.available_width().max(100.0);
    let points = log_decimate(&snap.spectrum, lo, nyq, width as usize);
    let mut legend = vec![(LegendMark::Line, theme.spectrum, "output spectrum")];
    if params.aa_filter.kind != AaFilterKind::Off {
        legend.push((LegendMark::Dashed, theme.filter, "anti-alias filter"));
    }
    legend.push((LegendMark::Dashed, theme.theory, "theory noise floor per bin"));
    legend.push((LegendMark::Dashed, theme.nyquist, "Nyquist"));
    if !hide_aliases && snap.aliases.iter().any(|a| a.visible) {
        legend.push((LegendMark::Dot, theme.alias, "above Nyquist, and where it folds to"));
    }
    let legend_h = legend_row(ui, &legend);
    let height = (height - legend_h).max(PLOT_MIN_HEIGHT);
    let mut plot = Plot::new("spectrum")
        .height(height)
        .x_axis_label("frequency (Hz, log)")
        .y_axis_label("level (dBFS)")
        .x_grid_spacer(log_frequency_marks)
        .x_axis_formatter(|mark, _| hz_short(10f64.powf(mark.value)))
        .label_formatter(|hover| match hover {
            egui_plot::HoverPosition::NearDataPoint { plot_name, position, .. } => {
                Some(format!("{plot_name}\n{} Hz\n{:.1} dBFS", hz_short(10f64.powf(position.x)), position.y))
            }
            egui_plot::HoverPosition::Elsewhere { position } => {
                Some(format!("{} Hz, {:.1} dB", hz_short(10f64.powf(position.x)), position.y))
            }
        })
        .default_x_bounds(lo.log10(), hi.log10())
        .default_y_bounds(floor, 14.0)
        .y_grid_spacer(db_marks)
        .allow_scroll(false);
    if reset {
        plot = plot.reset();
    }
    let drawn = ui.scope(|ui| {
        plot.show(ui, |plot_ui| {
            let nx = nyq.log10();
            // The region above Nyquist: what the samples cannot hold.
            plot_ui.polygon(
                Polygon::new(
                    "",
                    vec![
                        [nx, floor - 100.0],
                        [hi.log10() + 1.0, floor - 100.0],
                        [hi.log10() + 1.0, 100.0],
                        [nx, 100.0],
                    ],
                )
                .fill_color(theme.nyquist.gamma_multiply(0.08))
                .stroke(egui::Stroke::NONE),
            );
            plot_ui.vline(
                VLine::new("Nyquist (fs/2)", nx)
                    .color(theme.nyquist)
                    .style(LineStyle::dashed_loose())
                    .width(theme.line_width),
            );
            plot_ui.text(
                Text::new("", PlotPoint::new(nx, 4.0), format!("Nyquist {} ", hz_short(nyq)))
                    .color(theme.nyquist)
                    .anchor(egui::Align2::RIGHT_TOP),
            );
            plot_ui.line(Line::new("output spectrum", points).color(theme.spectrum).width(theme.line_width.min(2.0)));
            if params.aa_filter.kind != AaFilterKind::Off {
                let curve: Vec<[f64; 2]> = snap
                    .filter_curve
                    .iter()
                    .filter(|p| p[0] >= lo && p[0] <= hi)
                    .map(|p| [p[0].log10(), p[1].max(floor - 10.0)])
                    .collect();
                plot_ui.line(
                    Line::new("anti-alias filter", curve)
                        .color(theme.filter)
                        .style(LineStyle::dashed_dense())
                        .width(theme.line_width),
                );
            }
            plot_ui.hline(
                egui_plot::HLine::new(
                    format!("theory noise floor, {} (per bin)", bits_label(params)),
                    snap.theory_noise_per_bin_dbfs,
                )
                .color(theme.theory)
                .style(LineStyle::dashed_loose())
                .width(theme.line_width),
            );
            if !hide_aliases {
                draw_aliases(plot_ui, snap, lo, theme);
            }
        })
    });
    name_plot(&drawn.response, "spectrum");
}

/// Aliases: each analog component above Nyquist, and for the two strongest a bracket below the
/// peaks (down from the original, across, up to the alias with an arrow head) so it never hides
/// behind the spectrum's own peak.
fn draw_aliases(plot_ui: &mut egui_plot::PlotUi<'_>, snap: &ConverterSnapshot, lo: f64, theme: &Theme) {
    // alias with an arrow head) so it never hides behind the spectrum's own peak.
    let visible: Vec<_> = snap.aliases.iter().filter(|a| a.visible).collect();
    for a in visible.iter().skip(2) {
        plot_ui.points(
            Points::new("", vec![[a.original_hz.log10(), a.level_dbfs]])
                .color(theme.alias)
                .radius(3.0 + theme.line_width),
        );
    }
    for (i, a) in visible.iter().take(2).enumerate() {
        let ox = a.original_hz.log10();
        let tx = a.alias_hz.max(lo).log10();
        let top = a.measured_dbfs.unwrap_or(a.level_dbfs);
        let depth = a.level_dbfs.min(top) - 16.0 - 30.0 * i as f64;
        plot_ui.points(Points::new("", vec![[ox, a.level_dbfs]]).color(theme.alias).radius(4.0 + theme.line_width));
        plot_ui.line(
            Line::new("", vec![[ox, a.level_dbfs], [ox, depth], [tx, depth], [tx, top - 4.0]])
                .color(theme.alias)
                .width(theme.line_width),
        );
        plot_ui.arrows(
            Arrows::new("", vec![[tx, depth]], vec![[tx, top - 1.0]])
                .color(theme.alias)
                .tip_length(10.0 + 2.0 * theme.line_width),
        );
        let label = egui::RichText::new(format!("{} -> {}", hz_short(a.original_hz), hz_short(a.alias_hz)))
            .monospace()
            .strong();
        // Under the bracket, ending at the original: inside the plot however narrow it is.
        plot_ui.text(
            Text::new("", PlotPoint::new(ox, depth - 1.0), label).color(theme.alias).anchor(egui::Align2::RIGHT_TOP),
        );
    }
}

fn bits_label(params: &ConverterParams) -> String {
    match params.quantizer.bit_depth {
        crate::dsp::quantizer::BitDepth::Fixed(n) => format!("{n} bits"),
        crate::dsp::quantizer::BitDepth::Float32 => "32-bit float".into(),
    }
}
