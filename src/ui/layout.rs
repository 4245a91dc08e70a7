//! How the screens fit any window from a 1024x768 laptop to a 1080p projector, in either theme:
//! the smallest plot a class can read, when views sit side by side and when they turn into tabs.
//! Plain arithmetic on sizes (tested below) and one tab strip.

use egui::{RichText, Ui};

/// The narrowest plot (axes included) a class can read from the back of the room, points.
pub const PLOT_MIN_WIDTH: f32 = 300.0;

/// The lowest plot (axes included), points.
pub const PLOT_MIN_HEIGHT: f32 = 120.0;

/// How many views of at least `min` wide fit side by side in `width`, `gap` apart (at least 1:
/// a single view takes whatever there is).
#[must_use]
pub fn side_by_side(width: f32, min: f32, gap: f32) -> usize {
    (((width + gap) / (min + gap)).floor() as usize).max(1)
}

/// Heights for rows sharing `height`, `gap` apart: each row gets its least height (`min`) and
/// what is left over in proportion to its `weight`; `None` when even the least heights do not
/// fit.
#[must_use]
pub fn share_height(height: f32, rows: &[(f32, f32)], gap: f32) -> Option<Vec<f32>> {
    if rows.is_empty() {
        return Some(Vec::new());
    }
    let least: f32 = rows.iter().map(|r| r.0).sum();
    let spare = height - gap * (rows.len() - 1) as f32 - least;
    if spare < 0.0 {
        return None;
    }
    let total: f32 = rows.iter().map(|r| r.1).sum();
    Some(rows.iter().map(|&(min, weight)| min + spare * weight / total).collect())
}

/// A plot's axis name: `long` when it fits along an axis of `plot_len` points (less the room of
/// the other axis' ticks and name, about two and a half lines), else `short`. egui_plot draws names on one line in body type,
/// and a name longer than its axis is cut off.
#[must_use]
pub fn axis_name<'a>(ui: &Ui, long: &'a str, short: &'a str, plot_len: f32) -> &'a str {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let room = plot_len - 2.5 * font.size;
    let w = ui.painter().layout_no_wrap(long.to_string(), font, egui::Color32::PLACEHOLDER).size().x;
    if w <= room { long } else { short }
}

/// Adds `add` as one group on a wrapping row (`horizontal_wrapped`), never split: when the
/// group was wider last frame than what is left of the row, it starts a new row. (egui wraps
/// single widgets, not groups such as a labelled slider or a combo box with its label.)
pub fn keep_together<R>(ui: &mut Ui, id_salt: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    let id = ui.id().with(("keep_together", id_salt));
    let last_w: Option<f32> = ui.data(|d| d.get_temp(id));
    let at_row_start = ui.cursor().left() <= ui.max_rect().left() + 0.5;
    if !at_row_start && last_w.is_some_and(|w| w > ui.available_size_before_wrap().x) {
        ui.end_row();
    }
    let drawn = ui.horizontal(add);
    let w = drawn.response.rect.width();
    ui.data_mut(|d| d.insert_temp(id, w));
    drawn.inner
}

/// A row of tabs (wrapping when narrow): one selectable label per choice; returns true when
/// the choice changed.
pub fn tab_strip_ui<T: Copy + PartialEq>(ui: &mut Ui, current: &mut T, tabs: &[(T, &str, &str)]) -> bool {
    let before = *current;
    ui.horizontal_wrapped(|ui| {
        for &(value, label, tooltip) in tabs {
            ui.selectable_value(current, value, RichText::new(label).strong()).on_hover_text(tooltip);
        }
    });
    *current != before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_side_by_side() {
        // Two 300-point plots 8 apart need 608 points; one fewer point and only one fits.
        assert_eq!(side_by_side(608.0, 300.0, 8.0), 2);
        assert_eq!(side_by_side(607.0, 300.0, 8.0), 1);
        assert_eq!(side_by_side(916.0, 300.0, 8.0), 3);
        assert_eq!(side_by_side(100.0, 300.0, 8.0), 1);
    }

    #[test]
    fn rows_share_the_height_or_say_they_cannot() {
        // 610 points, 20 of gaps, 300 of least heights: 290 to share 2:1:1.
        let rows = share_height(610.0, &[(100.0, 2.0), (100.0, 1.0), (100.0, 1.0)], 10.0).expect("fits");
        assert_eq!(rows, vec![245.0, 172.5, 172.5]);
        assert!(share_height(319.0, &[(100.0, 2.0), (100.0, 1.0), (100.0, 1.0)], 10.0).is_none());
        assert_eq!(share_height(320.0, &[(100.0, 2.0), (100.0, 1.0), (100.0, 1.0)], 10.0), Some(vec![100.0; 3]));
        assert_eq!(share_height(50.0, &[], 10.0), Some(Vec::new()));
    }
}
