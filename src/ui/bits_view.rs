//! "6 dB per bit" made visible: SNR against bit depth (theory, dithered theory and the
//! measured point), and a level meter whose dBFS scale is also marked in bits.

use egui::{Align2, FontId, Sense, Stroke, Ui, pos2, vec2};
use egui_plot::{Line, LineStyle, Plot, Points};

use crate::analysis::theory::{theory_snr_db, unused_bits};
use crate::dsp::converter::ConverterParams;
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind};
use crate::sim::converter_view::ConverterSnapshot;
use crate::ui::layout::PLOT_MIN_HEIGHT;
use crate::ui::theme::Theme;
use crate::ui::widgets::{LegendMark, legend_row, name_plot};
use crate::units::DB_PER_BIT;

/// SNR against bit depth: the theory line, the TPDF-dithered line and where this setting is.
pub fn snr_vs_bits_ui(ui: &mut Ui, snap: &ConverterSnapshot, params: &ConverterParams, theme: &Theme, height: f32) {
    // A live input: the lines for a sine of its power, the point its measured SNR.
    let level = match &snap.live {
        Some(l) => l.sine_level_dbfs,
        None => snap.sine.map_or(params.source.level_dbfs + params.analog_gain_db, |s| s.fundamental_dbfs),
    }
    .min(0.0);
    let measured = snap.live.as_ref().map_or(snap.sine.map(|s| s.snr_db), |l| l.snr_db);
    let plain = Dither::default();
    let tpdf = Dither::new(DitherKind::Tpdf);
    let line = |d: &Dither| {
        (1..=24u8).map(|n| [f64::from(n), theory_snr_db(BitDepth::Fixed(n), level, d)]).collect::<Vec<_>>()
    };
    let legend_h = legend_row(
        ui,
        &[
            (LegendMark::Line, theme.theory, "6.02 N + 1.76"),
            (LegendMark::Dashed, theme.theory, "TPDF"),
            (LegendMark::Dot, theme.samples, "measured"),
        ],
    );
    let height = (height - legend_h).max(PLOT_MIN_HEIGHT);
    let drawn = ui.scope(|ui| {
        Plot::new("snr_vs_bits")
            .height(height)
            .x_axis_label("bits")
            .y_axis_label("SNR (dB)")
            .default_x_bounds(0.5, 24.5)
            .default_y_bounds(0.0, 150.0)
            .include_y(measured.map_or(0.0, |s| s.clamp(-40.0, 200.0) + 10.0))
            .include_y(measured.map_or(0.0, |s| s.clamp(-40.0, 200.0) - 10.0))
            .allow_scroll(false)
            .allow_drag(false)
            .allow_zoom(false)
            .show(ui, |plot_ui| {
                plot_ui.line(Line::new("6.02 N + 1.76", line(&plain)).color(theme.theory).width(theme.line_width));
                plot_ui.line(
                    Line::new("with TPDF dither", line(&tpdf))
                        .color(theme.theory)
                        .style(LineStyle::dashed_dense())
                        .width(theme.line_width),
                );
                if let Some(snr) = measured {
                    let x = f64::from(params.quantizer.bit_depth.effective_bits());
                    plot_ui.points(
                        Points::new("measured", vec![[x, snr]])
                            .color(theme.samples)
                            .radius(5.0 + theme.line_width)
                            .filled(true),
                    );
                }
            })
    });
    name_plot(&drawn.response, "SNR against bit depth");
}

/// The bit meter's widest, points.
pub const BIT_METER_W: f32 = 260.0;

/// A vertical peak meter in dBFS with the bits marked beside it: how many bits the signal
/// uses and how many the headroom leaves unused.
pub fn bit_meter_ui(ui: &mut Ui, snap: &ConverterSnapshot, params: &ConverterParams, theme: &Theme, height: f32) {
    let bits = params.quantizer.bit_depth.effective_bits();
    let range_db = DB_PER_BIT * f64::from(bits);
    let peak = snap.levels.sample_peak_dbfs;
    let width = ui.available_width().min(BIT_METER_W);
    let (response, painter) = ui.allocate_painter(vec2(width, height), Sense::hover());
    let rect = response.rect;
    let small = FontId::proportional(theme.small_size);
    let header = theme.small_size + 8.0;
    let bar = egui::Rect::from_min_max(
        pos2(rect.left() + 44.0, rect.top() + header + 6.0),
        pos2(rect.left() + 74.0, rect.bottom() - 8.0),
    );
    let y_of = |db: f64| bar.top() + (bar.height() as f64 * (-db / range_db).clamp(0.0, 1.0)) as f32;
    painter.rect_filled(bar, 2.0, theme.meter_back);
    if peak.is_finite() && peak > -range_db {
        let top = y_of(peak.min(0.0));
        let fill = if snap.clipped_samples > 0 { theme.meter_over } else { theme.meter_ok };
        painter.rect_filled(egui::Rect::from_min_max(pos2(bar.left(), top), bar.right_bottom()), 2.0, fill);
        // The unused bits above the peak.
        painter.rect_filled(egui::Rect::from_min_max(bar.left_top(), pos2(bar.right(), top)), 2.0, theme.zone);
    }
    // dBFS scale on the left, bits on the right.
    let step_bits = (f64::from(bits) / 12.0).ceil().max(1.0) as u8;
    for b in (0..=bits).step_by(step_bits as usize) {
        let db = -DB_PER_BIT * f64::from(b);
        let y = y_of(db);
        painter
            .line_segment([pos2(bar.left() - 4.0, y), pos2(bar.right() + 4.0, y)], Stroke::new(1.0, theme.text_weak));
        let label = if b == 0 { "0".to_string() } else { format!("{db:.0}") };
        painter.text(pos2(bar.left() - 6.0, y), Align2::RIGHT_CENTER, label, small.clone(), theme.text_weak);
        painter.text(
            pos2(bar.right() + 8.0, y),
            Align2::LEFT_CENTER,
            format!("{}", bits - b),
            small.clone(),
            theme.text_weak,
        );
    }
    painter.text(pos2(bar.left() - 6.0, rect.top()), Align2::RIGHT_TOP, "dBFS", small.clone(), theme.text_weak);
    painter.text(pos2(bar.right() + 8.0, rect.top()), Align2::LEFT_TOP, "bit", small.clone(), theme.text_weak);
    // The summary.
    let unused = unused_bits(peak);
    let used = (f64::from(bits) - unused).max(0.0);
    let text_x = bar.right() + 34.0;
    let summary = if peak.is_finite() {
        format!("peak {peak:.1} dBFS\nuses {used:.1} of {bits} bits\n{unused:.1} bits unused\n(6.02 dB per bit)")
    } else {
        "silence".to_string()
    };
    painter.text(
        pos2(text_x, bar.top() + 20.0),
        Align2::LEFT_TOP,
        summary,
        FontId::proportional(theme.body_size),
        theme.text,
    );
    response.on_hover_text(
        "Every 6.02 dB below full scale is one bit that never toggles: peaks at -18 dBFS leave 3 bits unused.",
    );
}
