//! A studio level meter: a vertical bar in dBFS with the VU scale beside it, peak hold, true
//! peak, the average level, the stage's target zone shaded, a latching clip light (click to
//! reset) and the headroom written below.

use egui::{Align2, FontId, Pos2, Rect, Sense, Stroke, Ui, pos2, vec2};

use crate::analysis::meters::StageReadout;
use crate::ui::theme::Theme;

/// What a meter shows besides the level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeterSpec {
    /// The target zone of this stage, dBFS.
    pub zone: Option<[f64; 2]>,
    /// True when the zone applies to the average level (plugins), false for peaks.
    pub zone_is_average: bool,
    /// A ceiling line (dBTP), for the master and the export.
    pub ceiling: Option<f64>,
    /// Draw the VU scale on the right.
    pub vu_scale: bool,
    /// Bottom and top of the scale, dBFS.
    pub range: (f64, f64),
    /// Hidden by a lesson: an empty box of the same size instead.
    pub hidden: bool,
}

impl Default for MeterSpec {
    fn default() -> Self {
        Self { zone: None, zone_is_average: false, ceiling: None, vu_scale: true, range: (-60.0, 6.0), hidden: false }
    }
}

/// What the user did to the meter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeterResponse {
    /// The clip light was clicked (reset it).
    pub reset_clips: bool,
}

fn finite(v: f64) -> Option<f64> {
    (v.is_finite() && v > -300.0).then_some(v)
}

/// Draws a meter of `size` for readout `r`; `name` labels it for assistive technology (its
/// clip light is "`name` clip").
pub fn meter_ui(
    ui: &mut Ui,
    name: &str,
    r: &StageReadout,
    spec: &MeterSpec,
    theme: &Theme,
    size: egui::Vec2,
) -> MeterResponse {
    let mut out = MeterResponse::default();
    if spec.hidden {
        crate::ui::widgets::hidden_view_ui(ui, size, "meter");
        return out;
    }
    let small = FontId::proportional(theme.small_size);
    let led_h = theme.small_size + 6.0;
    out.reset_clips = clip_light_ui(ui, name, r.clipped_samples, theme, vec2(size.x, led_h));
    // The bar and its scales.
    let (rect, response) =
        ui.allocate_exact_size(vec2(size.x, (size.y - led_h - theme.small_size - 8.0).max(60.0)), Sense::hover());
    let painter = ui.painter();
    let (lo, hi) = spec.range;
    let x0 = rect.left() + 22.0;
    let bar = Rect::from_min_max(pos2(x0, rect.top() + 6.0), pos2(x0 + 16.0, rect.bottom() - 6.0));
    let y_of = |db: f64| -> f32 { bar.bottom() - (bar.height() as f64 * ((db.clamp(lo, hi) - lo) / (hi - lo))) as f32 };
    painter.rect_filled(bar, 2.0, theme.meter_back);
    if let Some([a, b]) = spec.zone {
        let zone = Rect::from_min_max(pos2(bar.left() - 4.0, y_of(b)), pos2(bar.right() + 4.0, y_of(a)));
        painter.rect_filled(zone, 0.0, theme.zone);
    }
    // The level: the last block's peak, coloured by where it is.
    if let Some(p) = finite(r.block_peak_dbfs) {
        let zone_hi = if spec.zone_is_average { None } else { spec.zone.map(|z| z[1]) };
        let color = if p > 0.0 {
            theme.meter_over
        } else if zone_hi.is_some_and(|h| p > h) || spec.ceiling.is_some_and(|c| p > c) {
            theme.meter_hot
        } else {
            theme.meter_ok
        };
        let top = y_of(p);
        painter.rect_filled(
            Rect::from_min_max(pos2(bar.left() + 3.0, top), pos2(bar.right() - 3.0, bar.bottom())),
            1.0,
            color,
        );
    }
    // The average (sine-calibrated, as the VU reads it).
    let average = finite(r.vu).map(|v| v + r.vu_reference_dbfs);
    if let Some(a) = average {
        let y = y_of(a);
        painter.line_segment([pos2(bar.left() - 2.0, y), pos2(bar.right() + 2.0, y)], Stroke::new(2.5, theme.text));
    }
    // Peak hold.
    if let Some(h) = finite(r.peak_hold_dbfs) {
        let y = y_of(h);
        painter.line_segment([pos2(bar.left(), y), pos2(bar.right(), y)], Stroke::new(2.0, theme.meter_hot));
    }
    // True peak: a marker on the right edge.
    if let Some(tp) = r.true_peak_dbtp.and_then(finite) {
        let y = y_of(tp);
        let x = bar.right() + 1.0;
        painter.add(egui::Shape::convex_polygon(
            vec![pos2(x, y), pos2(x + 7.0, y - 5.0), pos2(x + 7.0, y + 5.0)],
            theme.true_peak,
            Stroke::NONE,
        ));
    }
    if let Some(c) = spec.ceiling {
        let y = y_of(c);
        painter.line_segment([pos2(bar.left() - 6.0, y), pos2(bar.right() + 6.0, y)], Stroke::new(1.5, theme.clip));
    }
    draw_scales(painter, bar, &y_of, r, spec, theme);
    let tip = format!(
        "Left scale dBFS, right scale VU (0 VU = {:.0} dBFS). Bar: peak; white line: average (VU); orange line: peak hold; triangle: true peak.{}",
        r.vu_reference_dbfs,
        match spec.zone {
            Some([a, b]) => format!(
                " Shaded: the target zone, {a:.0} to {b:.0} dBFS {}.",
                if spec.zone_is_average { "average" } else { "peaks" }
            ),
            None => String::new(),
        }
    );
    // For assistive technology (and tests): what the bar shows.
    let level = finite(r.block_peak_dbfs).map_or_else(|| "silent".to_string(), |p| format!("{p:.1} dBFS"));
    let bar_label = format!("{name} level: {level}");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Label, true, &bar_label));
    response.on_hover_text(tip);
    // Headroom below.
    let (text_rect, _) = ui.allocate_exact_size(vec2(size.x, theme.small_size + 6.0), Sense::hover());
    let headroom = match (r.true_peak_dbtp, finite(r.sample_peak_dbfs)) {
        (Some(tp), _) if tp.is_finite() => format!("HR {:.1}", (-tp).max(0.0) + (-tp).min(0.0)),
        (_, Some(p)) => format!("HR {:.1}", if p.abs() < 0.05 { 0.0 } else { -p }),
        _ => "HR —".to_string(),
    };
    ui.painter().text(text_rect.center(), Align2::CENTER_CENTER, headroom, small, theme.text);
    ui.interact(text_rect, ui.next_auto_id(), Sense::hover())
        .on_hover_text("Headroom: how far the highest peak (true peak where measured) stays below 0 dBFS, in dB.");
    out
}

/// The latching clip light; returns true when it was clicked (to reset it).
fn clip_light_ui(ui: &mut Ui, name: &str, count: u64, theme: &Theme, size: egui::Vec2) -> bool {
    let small = FontId::proportional(theme.small_size);
    let (led_rect, led) = ui.allocate_exact_size(size, Sense::click());
    let clipped = count > 0;
    let painter = ui.painter();
    painter.rect_filled(
        led_rect.shrink2(vec2(1.0, 1.0)),
        3.0,
        if clipped { theme.meter_over } else { theme.meter_back },
    );
    let led_text = match count {
        0 => "clip".to_string(),
        1..=999 => format!("CLIP {count}"),
        1000..=999_999 => format!("CLIP {}k", count / 1000),
        _ => format!("CLIP {}M", count / 1_000_000),
    };
    let led_color = if clipped { egui::Color32::WHITE } else { theme.text_weak };
    painter.text(led_rect.center(), Align2::CENTER_CENTER, led_text, small, led_color);
    let led_label = if clipped { format!("{name} clip: {count} clipped samples") } else { format!("{name} clip") };
    led.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &led_label));
    led.on_hover_text(if clipped {
        "Samples clipped since the last reset (the light stays on). Click to reset it."
    } else {
        "Lights up, and stays lit, when samples clip."
    })
    .clicked()
}

/// The 0 dBFS line, the dBFS scale on the left and the VU scale on the right of `bar`.
fn draw_scales(
    painter: &egui::Painter,
    bar: Rect,
    y_of: &dyn Fn(f64) -> f32,
    r: &StageReadout,
    spec: &MeterSpec,
    theme: &Theme,
) {
    let small = FontId::proportional(theme.small_size);
    let (lo, hi) = spec.range;
    // 0 dBFS.
    let y0 = y_of(0.0);
    painter.line_segment([pos2(bar.left() - 6.0, y0), pos2(bar.right() + 6.0, y0)], Stroke::new(1.0, theme.clip));
    // Labels closer than a line of text to one already drawn are left out (short meters,
    // large type), the most important first.
    let gap = 0.9 * theme.small_size;
    let fits = |drawn: &mut Vec<f32>, y: f32| {
        let free = drawn.iter().all(|d| (d - y).abs() >= gap);
        if free {
            drawn.push(y);
        }
        free
    };
    // dBFS scale on the left.
    let mut drawn = Vec::new();
    for db in [0.0, -6.0, -12.0, -18.0, -24.0, -36.0, -48.0] {
        if db < lo || db > hi {
            continue;
        }
        let y = y_of(db);
        if !fits(&mut drawn, y) {
            continue;
        }
        painter.line_segment([pos2(bar.left() - 4.0, y), pos2(bar.left(), y)], Stroke::new(1.0, theme.text_weak));
        painter.text(
            pos2(bar.left() - 6.0, y),
            Align2::RIGHT_CENTER,
            format!("{db:.0}"),
            small.clone(),
            theme.text_weak,
        );
    }
    // VU scale on the right: 0 VU is a sine peaking at the reference.
    if spec.vu_scale {
        let mut drawn = Vec::new();
        for vu in [0.0, -20.0, -10.0, 3.0, -6.0, -3.0] {
            let db = r.vu_reference_dbfs + vu;
            if db < lo || db > hi {
                continue;
            }
            let y = y_of(db);
            if !fits(&mut drawn, y) {
                continue;
            }
            let label = if vu > 0.0 { format!("+{vu:.0}") } else { format!("{vu:.0}") };
            let color = if vu == 0.0 { theme.text } else { theme.text_weak };
            painter.text(pos2(bar.right() + 9.0, y), Align2::LEFT_CENTER, label, small.clone(), color);
        }
    }
}

/// A small horizontal gain-reduction meter (0 to `range` dB, filling from the right).
pub fn gain_reduction_ui(ui: &mut Ui, gr_db: f64, theme: &Theme, width: f32) {
    let (rect, response) = ui.allocate_exact_size(vec2(width, theme.small_size + 4.0), Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, theme.meter_back);
    let frac = (gr_db / 12.0).clamp(0.0, 1.0) as f32;
    if frac > 0.0 {
        painter.rect_filled(
            Rect::from_min_max(Pos2::new(rect.right() - rect.width() * frac, rect.top()), rect.right_bottom()),
            2.0,
            theme.meter_hot,
        );
    }
    let shown = if gr_db.abs() < 0.05 { 0.0 } else { gr_db };
    painter.text(
        rect.left_center() + vec2(3.0, 0.0),
        Align2::LEFT_CENTER,
        format!("GR {shown:.1} dB"),
        FontId::proportional(theme.small_size),
        theme.text,
    );
    response.on_hover_text("Gain reduction: how many dB the compressor or limiter is taking off right now.");
}
