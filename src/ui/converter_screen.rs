//! The converter screen: controls on the left, measurements and the bit meter on the right,
//! and in the middle the time view, the spectrum and the error view.

use egui::{ScrollArea, Ui};

use crate::lesson::views::{View, ViewSet};

use crate::dsp::converter::ConverterParams;
use crate::sim::ViewSettings;
use crate::sim::converter_view::ConverterSnapshot;
use crate::ui::bits_view::{BIT_METER_W, bit_meter_ui, snr_vs_bits_ui};
use crate::ui::converter_controls::restricted_controls_ui;
use crate::ui::error_view::{ErrorDisplay, error_view_ui};
use crate::ui::layout::{PLOT_MIN_HEIGHT, PLOT_MIN_WIDTH, share_height, side_by_side, tab_strip_ui};
use crate::ui::readouts::readouts_ui;
use crate::ui::spectrum_view::spectrum_ui;
use crate::ui::theme::{SLIDER_W, Theme};
use crate::ui::time_view::time_view_ui;
use crate::ui::widgets::hidden_view_ui;

/// One of the converter screen's views, for the focus layout and the tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ConverterView {
    /// The time view.
    #[default]
    Time,
    /// The spectrum.
    Spectrum,
    /// The error view.
    Error,
    /// SNR against bits and the bit meter.
    Bits,
}

impl ConverterView {
    /// Every view, in the order of the screen.
    pub const ALL: [Self; 4] = [Self::Time, Self::Spectrum, Self::Error, Self::Bits];

    /// The view's name on its tab and in the View menu.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Time => "Time",
            Self::Spectrum => "Spectrum",
            Self::Error => "Error",
            Self::Bits => "Bits",
        }
    }

    /// The view's name in the View menu's focus list.
    #[must_use]
    pub fn menu_name(self) -> &'static str {
        match self {
            Self::Time => "Time view",
            Self::Spectrum => "Spectrum",
            Self::Error => "Quantization error",
            Self::Bits => "Bits: SNR and meter",
        }
    }

    fn tooltip(self) -> &'static str {
        match self {
            Self::Time => "The signal against time: samples, reconstruction, clipping, true peak.",
            Self::Spectrum => "The spectrum: Nyquist, the filter, the noise floor, aliases.",
            Self::Error => "The quantization error: against time, its histogram or its spectrum.",
            Self::Bits => "SNR against bit depth, and the bits in use.",
        }
    }
}

/// What the left panel shows when the window is too narrow for the measurements beside the
/// views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SidePane {
    /// The converter's settings.
    #[default]
    Settings,
    /// The measurements and the bit meter.
    Measurements,
}

/// Everything the converter screen edits or remembers.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ConverterUi {
    /// The converter's settings.
    pub params: ConverterParams,
    /// What the views show.
    pub view: ViewSettings,
    /// Histogram or spectrum of the error.
    pub error_display: ErrorDisplay,
    /// Readouts shown as "?" until revealed (the teacher's switch).
    pub hide_readouts: bool,
    /// Whole views a lesson step hides until the prediction is made.
    pub hidden: ViewSet,
    /// Reset the plots' zoom on the next frame.
    pub reset_views: bool,
    /// Show one view alone, full size.
    pub focus: Option<ConverterView>,
    /// The view shown when the window is too low for all of them (tabs).
    pub tab: ConverterView,
    /// The view shown in the bottom row when it is too narrow for two (tabs).
    pub bottom_tab: ConverterView,
    /// The left panel's page when the measurements fold into it.
    pub side: SidePane,
    /// Controls a lesson has locked or hidden.
    pub restrictions: crate::ui::widgets::Restrictions,
    /// Notes pinned on the views.
    pub pins: crate::ui::pins::Pins,
}

impl ConverterUi {
    /// A screen showing `params` with the default view for its source.
    #[must_use]
    pub fn new(params: ConverterParams) -> Self {
        let view = ViewSettings { time_span_secs: ViewSettings::default_span_secs(&params), ..ViewSettings::default() };
        Self { params, view, reset_views: true, ..Self::default() }
    }

    /// The views a lesson does not hide, in screen order (the focus layout skips the others).
    #[must_use]
    pub fn shown_views(&self) -> Vec<ConverterView> {
        ConverterView::ALL.into_iter().filter(|v| !self.hidden.contains(v.lesson_view())).collect()
    }

    /// Whether the readouts show "?" (the teacher's switch, or a lesson's prediction).
    #[must_use]
    pub fn readouts_hidden(&self) -> bool {
        self.hide_readouts || self.hidden.contains(View::Readouts)
    }

    /// Whether the alias marks and the alias list are hidden.
    #[must_use]
    pub fn aliases_hidden(&self) -> bool {
        self.hide_readouts || self.hidden.contains(View::Aliases)
    }
}

impl ConverterView {
    /// The view a lesson hides to hide this one.
    #[must_use]
    pub fn lesson_view(self) -> View {
        match self {
            Self::Time => View::Time,
            Self::Spectrum => View::Spectrum,
            Self::Error => View::Error,
            Self::Bits => View::Bits,
        }
    }
}

/// The central panel's margins around its plots, points.
const CENTRAL_MARGIN: f32 = 16.0;

/// The settings panel's width (margins included): a slider, its value and its name in this
/// theme's type, points.
#[must_use]
pub fn controls_width(theme: &Theme) -> f32 {
    SLIDER_W + 12.0 * theme.body_size
}

/// The measurements panel's least width: its names and values in this theme's type, points.
fn readouts_width(theme: &Theme) -> f32 {
    theme.scaled(265.0)
}

/// The least width the converter screen needs: its settings and one readable plot, points
/// (what a panel beside it must leave).
#[must_use]
pub fn min_width(theme: &Theme) -> f32 {
    controls_width(theme) + PLOT_MIN_WIDTH + CENTRAL_MARGIN
}

/// Whether the measurements must fold into the settings panel: beside it they would leave
/// the views (the screen's main content) narrower than a readable plot, or than the settings.
#[must_use]
pub fn fold_readouts(available_w: f32, controls_w: f32, readouts_w: f32) -> bool {
    available_w - controls_w - readouts_w < (PLOT_MIN_WIDTH + CENTRAL_MARGIN).max(controls_w)
}

/// The width a side panel had last frame (or will have on its first).
fn panel_width(ui: &Ui, id: &str, default: f32) -> f32 {
    egui::containers::panel::PanelState::load(ui.ctx(), egui::Id::new(id)).map_or(default, |s| s.size().x)
}

/// Draws the screen; returns true when settings changed (so the analysis must run again).
pub fn converter_screen_ui(root: &mut Ui, state: &mut ConverterUi, snap: &ConverterSnapshot, theme: &Theme) -> bool {
    let mut changed = false;
    let reset = std::mem::take(&mut state.reset_views);
    let shown = state.shown_views();
    if let Some(view) = state.focus.filter(|v| shown.contains(v)) {
        egui::CentralPanel::default().show(root, |ui| {
            let h = ui.available_height();
            changed |= draw_view(ui, view, state, snap, theme, reset, h);
        });
        return changed;
    }
    // The side panels can be widened, never narrowed below what their text needs, nor so far
    // that the plots between them become unreadable.
    let available_w = root.available_rect_before_wrap().width();
    let (controls_min, readouts_min) = (controls_width(theme), readouts_width(theme));
    let controls_w = panel_width(root, "converter_controls", controls_min).max(controls_min);
    let readouts_w = panel_width(root, "converter_readouts", readouts_min).max(readouts_min);
    let fold = fold_readouts(available_w, controls_w, readouts_w);
    let beside = if fold { 0.0 } else { readouts_w };
    let controls_max = (available_w - beside - PLOT_MIN_WIDTH - CENTRAL_MARGIN).max(controls_min);
    egui::Panel::left("converter_controls")
        .resizable(true)
        .default_size(controls_min)
        .min_size(controls_min)
        .max_size(controls_max)
        .show(root, |ui| {
            if fold {
                ui.add_space(4.0);
                tab_strip_ui(
                    ui,
                    &mut state.side,
                    &[
                        (SidePane::Settings, "Settings", "The converter's settings."),
                        (SidePane::Measurements, "Measurements", "What the converter measures, and the bits in use."),
                    ],
                );
                ui.separator();
            }
            ScrollArea::vertical().id_salt("controls_scroll").show(ui, |ui| {
                ui.add_space(4.0);
                if fold && state.side == SidePane::Measurements {
                    readouts_pane_ui(ui, state, snap, theme);
                } else {
                    changed |= restricted_controls_ui(ui, &mut state.params, &mut state.view, &state.restrictions);
                }
            });
        });
    if !fold {
        let max = (available_w - controls_w - PLOT_MIN_WIDTH - CENTRAL_MARGIN).max(readouts_min);
        egui::Panel::right("converter_readouts")
            .resizable(true)
            .default_size(readouts_min)
            .min_size(readouts_min)
            .max_size(max)
            .show(root, |ui| {
                ScrollArea::vertical().id_salt("readouts_scroll").show(ui, |ui| {
                    ui.add_space(4.0);
                    readouts_pane_ui(ui, state, snap, theme);
                });
            });
    }
    egui::CentralPanel::default().show(root, |ui| {
        changed |= views_ui(ui, state, snap, theme, reset);
    });
    changed
}

/// The measurements and the bit meter.
fn readouts_pane_ui(ui: &mut Ui, state: &ConverterUi, snap: &ConverterSnapshot, theme: &Theme) {
    readouts_ui(ui, snap, &state.params, theme, state.readouts_hidden(), state.aliases_hidden());
    ui.separator();
    ui.strong("Bits in use");
    if state.hidden.contains(View::Bits) {
        hidden_view_ui(ui, egui::vec2(ui.available_width(), 200.0), "bit meter");
    } else {
        bit_meter_ui(ui, snap, &state.params, theme, 200.0);
    }
}

/// The views in the central area: the time view, the spectrum, then the error and SNR against
/// bits side by side; in tabs where the area is too narrow or too low for readable plots. A view
/// a lesson hides keeps its place as an empty box, so nothing moves when it is revealed.
fn views_ui(ui: &mut Ui, state: &mut ConverterUi, snap: &ConverterSnapshot, theme: &Theme, reset: bool) -> bool {
    use ConverterView::{Spectrum, Time};
    let mut changed = false;
    let gap = ui.spacing().item_spacing;
    let width = ui.available_width();
    // Room above each plot for its legend or title: two rows (of text or buttons), three in the
    // bottom row (the error's title over its choices), four when it turns into tabs (the tabs,
    // and a title that wraps in the narrow width); or what the view took last time it needed
    // more (a legend that wraps onto more rows in a narrow window).
    let line = ui.text_style_height(&egui::TextStyle::Body).max(ui.spacing().interact_size.y) + gap.y;
    let bottom_lines = if side_by_side(width, PLOT_MIN_WIDTH, gap.x) < 2 { 4.0 } else { 3.0 };
    let rows = [
        ("time", Some(Time), 0.38, 2.0),
        ("spectrum", Some(Spectrum), 0.32, 2.0),
        ("bottom", None, 0.30, bottom_lines),
    ];
    let shares: Vec<(f32, f32)> = rows
        .iter()
        .map(|&(key, _, weight, lines)| {
            let above = remembered_overhead(ui, key, width).unwrap_or(lines * line);
            (PLOT_MIN_HEIGHT + above, weight)
        })
        .collect();
    let Some(heights) = share_height(ui.available_height(), &shares, gap.y) else {
        // Too low for every view at once: one at a time.
        let tabs: Vec<(ConverterView, &str, &str)> =
            ConverterView::ALL.iter().map(|v| (*v, v.title(), v.tooltip())).collect();
        if tab_strip_ui(ui, &mut state.tab, &tabs) {
            state.reset_views = true;
        }
        let h = ui.available_height();
        changed |= draw_view(ui, state.tab, state, snap, theme, reset, h);
        return changed;
    };
    for (&(key, view, _, _), h) in rows.iter().zip(heights) {
        let top = ui.cursor().top();
        match view {
            Some(view) => changed |= draw_view(ui, view, state, snap, theme, reset, h),
            None => changed |= bottom_row_ui(ui, state, snap, theme, reset, width, h),
        }
        remember_overhead(ui, key, width, ui.cursor().top() - top - gap.y, h);
    }
    changed
}

fn overhead_id(ui: &Ui, key: &str, width: f32) -> egui::Id {
    ui.id().with(("overhead", key, width.round() as i32))
}

/// The room a row of views took above its plots (legends, titles, tabs) the last time it took
/// more than it was given, at this width.
fn remembered_overhead(ui: &Ui, key: &str, width: f32) -> Option<f32> {
    ui.data(|d| d.get_temp(overhead_id(ui, key, width)))
}

/// Remembers what a row took above its plots when it overflowed its `height` (its plots keep
/// their least height, so all the rest is overhead); when it fit, a remembered figure shrinks
/// to what the plots left at most. A row never remembered keeps the estimate, so a hidden view
/// and the view it stands for get the same room.
fn remember_overhead(ui: &Ui, key: &str, width: f32, used: f32, height: f32) {
    let id = overhead_id(ui, key, width);
    let known: Option<f32> = ui.data(|d| d.get_temp(id));
    let above =
        if used > height + 0.5 { Some(used - PLOT_MIN_HEIGHT) } else { known.map(|k| k.min(height - PLOT_MIN_HEIGHT)) };
    if let Some(above) = above {
        ui.data_mut(|d| d.insert_temp(id, above));
    }
}

/// SNR against bit depth alone (the bit meter is with the measurements), or its empty box.
fn snr_or_hidden_ui(ui: &mut Ui, state: &ConverterUi, snap: &ConverterSnapshot, theme: &Theme, height: f32) {
    if state.hidden.contains(View::Bits) {
        hidden_view_ui(ui, egui::vec2(ui.available_width(), height), View::Bits.about_short());
    } else {
        snr_vs_bits_ui(ui, snap, &state.params, theme, height);
    }
}

/// The error view and SNR against bits: side by side (the error with two plots when there is
/// room for three), or as two tabs.
fn bottom_row_ui(
    ui: &mut Ui,
    state: &mut ConverterUi,
    snap: &ConverterSnapshot,
    theme: &Theme,
    reset: bool,
    width: f32,
    height: f32,
) -> bool {
    let mut changed = false;
    let gap = ui.spacing().item_spacing.x;
    let n = side_by_side(width, PLOT_MIN_WIDTH, gap);
    if n < 2 {
        if !matches!(state.bottom_tab, ConverterView::Error | ConverterView::Bits) {
            state.bottom_tab = ConverterView::Error;
        }
        let top = ui.cursor().top();
        tab_strip_ui(
            ui,
            &mut state.bottom_tab,
            &[
                (ConverterView::Error, "Error", ConverterView::Error.tooltip()),
                (ConverterView::Bits, "SNR vs bits", ConverterView::Bits.tooltip()),
            ],
        );
        let h = height - (ui.cursor().top() - top);
        let view = state.bottom_tab;
        if view == ConverterView::Bits {
            snr_or_hidden_ui(ui, state, snap, theme, h);
        } else {
            changed |= draw_view(ui, view, state, snap, theme, reset, h);
        }
        return changed;
    }
    let bits_w = if n >= 3 { (width - 2.0 * gap) / 3.0 } else { (width - gap) / 2.0 };
    let error_w = width - gap - bits_w;
    ui.horizontal(|ui| {
        ui.allocate_ui(egui::vec2(error_w, height), |ui| {
            ui.vertical(|ui| {
                changed |= draw_view(ui, ConverterView::Error, state, snap, theme, reset, height);
            });
        });
        ui.allocate_ui(egui::vec2(bits_w, height), |ui| {
            ui.vertical(|ui| {
                let top = ui.cursor().top();
                ui.strong("SNR against bit depth");
                let h = height - (ui.cursor().top() - top);
                snr_or_hidden_ui(ui, state, snap, theme, h);
            });
        });
    });
    changed
}

fn draw_view(
    ui: &mut Ui,
    view: ConverterView,
    state: &mut ConverterUi,
    snap: &ConverterSnapshot,
    theme: &Theme,
    reset: bool,
    height: f32,
) -> bool {
    if state.hidden.contains(view.lesson_view()) {
        hidden_view_ui(ui, egui::vec2(ui.available_width(), height), view.lesson_view().about_short());
        return false;
    }
    let drawn = ui.scope(|ui| draw_plot(ui, view, state, snap, theme, reset, height));
    let key = match view {
        ConverterView::Time => "time",
        ConverterView::Spectrum => "spectrum",
        ConverterView::Error => "error",
        ConverterView::Bits => "bits",
    };
    crate::ui::pins::pins_ui(ui, drawn.response.rect, key, &mut state.pins, theme);
    drawn.inner
}

fn draw_plot(
    ui: &mut Ui,
    view: ConverterView,
    state: &mut ConverterUi,
    snap: &ConverterSnapshot,
    theme: &Theme,
    reset: bool,
    height: f32,
) -> bool {
    match view {
        ConverterView::Time => {
            if let Some((a, b)) = time_view_ui(ui, snap, &state.params, &state.view, theme, reset, height) {
                state.view.time_offset_secs = a / 1000.0;
                state.view.time_span_secs = ((b - a) / 1000.0).clamp(1e-5, 1.0);
                return true;
            }
            false
        }
        ConverterView::Spectrum => {
            spectrum_ui(ui, snap, &state.params, theme, reset, height, state.aliases_hidden());
            false
        }
        ConverterView::Error => {
            error_view_ui(ui, snap, &state.params, &mut state.error_display, theme, height);
            false
        }
        ConverterView::Bits => {
            // The bit meter beside the plot when both fit; the measurements keep it otherwise.
            let meter_w = BIT_METER_W.min(ui.available_width() / 3.0);
            if ui.available_width() - meter_w - ui.spacing().item_spacing.x >= PLOT_MIN_WIDTH {
                ui.horizontal_top(|ui| {
                    ui.allocate_ui(egui::vec2(meter_w, height), |ui| {
                        bit_meter_ui(ui, snap, &state.params, theme, height);
                    });
                    ui.vertical(|ui| snr_vs_bits_ui(ui, snap, &state.params, theme, height));
                });
            } else {
                snr_vs_bits_ui(ui, snap, &state.params, theme, height);
            }
            false
        }
    }
}
