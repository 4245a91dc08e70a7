//! Notes pinned on a plot: a teacher freezes the display, picks "Pin a note", types a few
//! words and clicks where they belong. Pins sit at a fraction of the plot's area, so they stay
//! put when the window is resized.

use egui::{Align2, FontId, Rect, Sense, Ui};

use crate::ui::theme::Theme;

/// One note.
#[derive(Clone, Debug, PartialEq)]
pub struct Pin {
    /// The plot it is pinned on.
    pub plot: String,
    /// Where, as a fraction of the plot's width (0 left, 1 right).
    pub u: f32,
    /// Where, as a fraction of the plot's height (0 top, 1 bottom).
    pub v: f32,
    /// The note.
    pub text: String,
}

/// A screen's pins, and the note waiting to be placed.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pins {
    /// Every pin on the screen.
    pub list: Vec<Pin>,
    /// A note to place with the next click on a plot.
    pub placing: Option<String>,
}

/// Draws the pins of `plot` over `rect` (the plot's area) and, when a note waits to be
/// placed, pins it where the plot is clicked.
pub fn pins_ui(ui: &mut Ui, rect: Rect, plot: &str, pins: &mut Pins, theme: &Theme) {
    if pins.placing.is_some() {
        let response = ui
            .interact(rect, ui.id().with(("pin_target", plot)), Sense::click())
            .on_hover_cursor(egui::CursorIcon::Crosshair);
        if response.clicked()
            && let (Some(pos), Some(text)) = (response.interact_pointer_pos(), pins.placing.take())
        {
            let u = ((pos.x - rect.left()) / rect.width().max(1.0)).clamp(0.0, 1.0);
            let v = ((pos.y - rect.top()) / rect.height().max(1.0)).clamp(0.0, 1.0);
            pins.list.push(Pin { plot: plot.to_string(), u, v, text });
        }
    }
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(theme.body_size);
    for pin in pins.list.iter().filter(|p| p.plot == plot) {
        let at = rect.left_top() + egui::vec2(pin.u * rect.width(), pin.v * rect.height());
        let r = 0.4 * theme.body_size;
        painter.circle_filled(at, r, theme.text);
        painter.circle_filled(at, 0.55 * r, theme.accent);
        if pin.text.is_empty() {
            continue;
        }
        // Text to the right of the mark, or to the left near the right edge.
        let right = pin.u < 0.7;
        let anchor = if right { Align2::LEFT_CENTER } else { Align2::RIGHT_CENTER };
        let text_at = at + egui::vec2(if right { 1.6 * r } else { -1.6 * r }, 0.0);
        let galley = painter.layout_no_wrap(pin.text.clone(), font.clone(), theme.text);
        let text_rect = anchor.anchor_size(text_at, galley.size());
        painter.rect_filled(text_rect.expand(3.0), 3.0, theme.panel);
        painter.rect_stroke(text_rect.expand(3.0), 3.0, theme.stroke(theme.accent), egui::StrokeKind::Outside);
        painter.galley(text_rect.min, galley, theme.text);
    }
}
