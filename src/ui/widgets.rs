//! Small building blocks shared by the panels: labelled sliders with units and tooltips,
//! number formatting.

use egui::{Response, Ui};

/// A slider with a label, units and a one-sentence tooltip; returns whether it changed.
pub fn slider(
    ui: &mut Ui,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    label: &str,
    suffix: &str,
    tooltip: &str,
) -> bool {
    slider_with(ui, value, range, label, suffix, tooltip, false, 1)
}

/// As [`slider`], with a logarithmic scale and a chosen number of decimals.
#[allow(clippy::too_many_arguments, reason = "a labelled control has this many facets")]
pub fn slider_with(
    ui: &mut Ui,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    label: &str,
    suffix: &str,
    tooltip: &str,
    logarithmic: bool,
    decimals: usize,
) -> bool {
    ui.add(
        egui::Slider::new(value, range)
            .text(label)
            .suffix(suffix)
            .logarithmic(logarithmic)
            .max_decimals(decimals)
            .clamping(egui::SliderClamping::Always),
    )
    .on_hover_text(tooltip)
    .changed()
}

/// Controls a lesson has locked (shown, not changeable) or hidden, by name
/// (see `lesson::quantity::CONTROLS`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Restrictions {
    /// Locked.
    pub locked: Vec<String>,
    /// Hidden.
    pub hidden: Vec<String>,
}

impl Restrictions {
    /// Whether control `name` (part of `group`, if any) is hidden.
    #[must_use]
    pub fn hides(&self, name: &str, group: Option<&str>) -> bool {
        self.hidden.iter().any(|h| h == name || Some(h.as_str()) == group)
    }

    /// Whether control `name` (part of `group`, if any) is locked.
    #[must_use]
    pub fn locks(&self, name: &str, group: Option<&str>) -> bool {
        self.locked.iter().any(|h| h == name || Some(h.as_str()) == group)
    }

    /// Draws `add` unless hidden, disabled when locked; returns what `add` returned (false
    /// when hidden).
    pub fn gate(&self, ui: &mut Ui, name: &str, group: Option<&str>, add: impl FnOnce(&mut Ui) -> bool) -> bool {
        if self.hides(name, group) {
            return false;
        }
        if self.locks(name, group) {
            let r = ui.add_enabled_ui(false, add);
            r.response.on_disabled_hover_text("Locked by the lesson.");
            return false;
        }
        add(ui)
    }
}

/// What a hidden view leaves in its place: a box of the same size that says why.
pub const HIDDEN_TEXT: &str = "hidden until you answer";

/// Fills `size` (as much of it as there is) with a quiet box saying the view is hidden, so the
/// layout stays as it is while a prediction is made.
pub fn hidden_view_ui(ui: &mut Ui, size: egui::Vec2, what: &str) {
    let size = egui::vec2(size.x.min(ui.available_width()).max(20.0), size.y.max(20.0));
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
    ui.painter().rect_stroke(rect, 4.0, stroke, egui::StrokeKind::Inside);
    // A narrow box (a meter, a gain-reduction bar) says less, rather than one letter a line.
    let text = if size.x >= 200.0 && size.y >= 40.0 {
        format!("{what}: {HIDDEN_TEXT}")
    } else if size.x >= 60.0 {
        "hidden".to_string()
    } else {
        "?".to_string()
    };
    // `place`, not `put`: the box takes exactly its size, like the view it stands for.
    ui.place(
        rect.shrink(2.0),
        egui::Label::new(egui::RichText::new(text).small().weak()).wrap_mode(egui::TextWrapMode::Truncate),
    )
    .on_hover_text(format!("{what}: the lesson hides this until you have made your prediction (or reached the goal)."));
}

/// Marks `response` with a tooltip and returns whether it changed.
#[must_use]
pub fn tip(response: Response, tooltip: &str) -> bool {
    response.on_hover_text(tooltip).changed()
}

/// The mark drawn before a legend entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegendMark {
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A dot.
    Dot,
    /// A square.
    Square,
    /// A diamond.
    Diamond,
}

/// A row of coloured legend entries above a plot (readable on any background, never covering
/// the data). Entries wrap onto more rows when the plot is narrow, each mark staying with its
/// words; returns the height used (rows and the gap after them).
pub fn legend_row(ui: &mut Ui, entries: &[(LegendMark, egui::Color32, &str)]) -> f32 {
    let top = ui.cursor().top();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 12.0;
        for &(mark, color, label) in entries {
            legend_entry_ui(ui, mark, color, label);
        }
    });
    ui.cursor().top() - top
}

/// One legend entry, a mark and its words, laid out as one widget so that a wrapping row never
/// parts them.
fn legend_entry_ui(ui: &mut Ui, mark: LegendMark, color: egui::Color32, label: &str) {
    let size = ui.text_style_height(&egui::TextStyle::Small);
    let text_color = ui.visuals().text_color();
    let galley = egui::WidgetText::from(egui::RichText::new(label).small()).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Small,
    );
    let mark_w = size * 1.6;
    let gap = 6.0;
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(mark_w + gap + galley.size().x, galley.size().y.max(size)),
        egui::Sense::hover(),
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Label, true, label));
    let mark_rect = egui::Rect::from_min_size(rect.min, egui::vec2(mark_w, rect.height()));
    let p = ui.painter();
    let c = mark_rect.center();
    let r = size * 0.32;
    let stroke = egui::Stroke::new(2.5, color);
    match mark {
        LegendMark::Line => {
            p.line_segment([mark_rect.left_center(), mark_rect.right_center()], stroke);
        }
        LegendMark::Dashed => {
            let w = mark_rect.width() / 5.0;
            for i in [0.0, 2.0, 4.0] {
                let x = mark_rect.left() + i * w;
                p.line_segment([egui::pos2(x, c.y), egui::pos2(x + w, c.y)], stroke);
            }
        }
        LegendMark::Dot => {
            p.circle_filled(c, r, color);
        }
        LegendMark::Square => {
            p.rect_filled(egui::Rect::from_center_size(c, egui::vec2(2.0 * r, 2.0 * r)), 0.0, color);
        }
        LegendMark::Diamond => {
            let pts = vec![
                c + egui::vec2(0.0, -r * 1.3),
                c + egui::vec2(r * 1.3, 0.0),
                c + egui::vec2(0.0, r * 1.3),
                c + egui::vec2(-r * 1.3, 0.0),
            ];
            p.add(egui::Shape::convex_polygon(pts, color, egui::Stroke::NONE));
        }
    }
    let text_pos = egui::pos2(mark_rect.right() + gap, rect.center().y - galley.size().y / 2.0);
    p.galley(text_pos, galley, text_color);
}

/// Names a plot for assistive technology, as an image with this label: `plot` is the response
/// of the plot's whole area, axes included.
pub fn name_plot(plot: &Response, name: &str) {
    plot.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Image, true, name));
}

/// "44.1 kHz", "192 kHz", "1.5 kHz", "800 Hz".
#[must_use]
pub fn hz(f: f64) -> String {
    if f >= 1000.0 {
        let k = f / 1000.0;
        let text = format!("{k:.2}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        format!("{text} kHz")
    } else {
        format!("{f:.0} Hz")
    }
}

/// A short frequency for axis labels: "20", "1k", "14.1k".
#[must_use]
pub fn hz_short(f: f64) -> String {
    if f >= 1000.0 {
        let k = f / 1000.0;
        if (k - k.round()).abs() < 0.05 { format!("{k:.0}k") } else { format!("{k:.1}k") }
    } else {
        format!("{f:.0}")
    }
}

/// A level with one decimal and a unit, or "-inf" / "—" when not finite.
#[must_use]
pub fn db(v: f64, unit: &str) -> String {
    if v.is_finite() && v > -399.0 {
        // No "-0.0".
        let v = if v.abs() < 0.05 { 0.0 } else { v };
        format!("{v:.1} {unit}")
    } else if v.is_finite() || v == f64::NEG_INFINITY {
        format!("-inf {unit}")
    } else {
        "—".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(hz(44_100.0), "44.1 kHz");
        assert_eq!(hz(48_000.0), "48 kHz");
        assert_eq!(hz(22_050.0), "22.05 kHz");
        assert_eq!(hz(800.0), "800 Hz");
        assert_eq!(hz_short(14_100.0), "14.1k");
        assert_eq!(hz_short(20_000.0), "20k");
        assert_eq!(db(-3.014, "dBFS"), "-3.0 dBFS");
        assert_eq!(db(f64::NEG_INFINITY, "dBFS"), "-inf dBFS");
    }
}
