//! The converter screen: controls on the left, measurements and the bit meter on the right,
//! and in the middle the time view, the spectrum and the error view.

use egui::{ScrollArea, Ui};

use crate::lesson::views::{View, ViewSet};

use crate::dsp::converter::ConverterParams;
use crate::sim::ViewSettings;
use crate::sim::converter_view::ConverterSnapshot;
use crate::ui::bits_view::{bit_meter_ui, snr_vs_bits_ui};
use crate::ui::converter_controls::restricted_controls_ui;
use crate::ui::error_view::{ErrorDisplay, error_view_ui};
use crate::ui::readouts::readouts_ui;
use crate::ui::spectrum_view::spectrum_ui;
use crate::ui::theme::Theme;
use crate::ui::time_view::time_view_ui;
use crate::ui::widgets::hidden_view_ui;

/// One of the converter screen's views, for the focus layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConverterView {
    /// The time view.
    Time,
    /// The spectrum.
    Spectrum,
    /// The error view.
    Error,
    /// SNR against bits and the bit meter.
    Bits,
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

/// Draws the screen; returns true when settings changed (so the analysis must run again).
pub fn converter_screen_ui(root: &mut Ui, state: &mut ConverterUi, snap: &ConverterSnapshot, theme: &Theme) -> bool {
    let mut changed = false;
    let reset = std::mem::take(&mut state.reset_views);
    if let Some(view) = state.focus {
        egui::CentralPanel::default().show(root, |ui| {
            let h = ui.available_height() - 8.0;
            changed |= draw_view(ui, view, state, snap, theme, reset, h);
        });
        return changed;
    }
    egui::Panel::left("converter_controls").resizable(true).default_size(300.0).show(root, |ui| {
        ScrollArea::vertical().id_salt("controls_scroll").show(ui, |ui| {
            ui.add_space(4.0);
            changed |= restricted_controls_ui(ui, &mut state.params, &mut state.view, &state.restrictions);
        });
    });
    egui::Panel::right("converter_readouts").resizable(true).default_size(290.0).show(root, |ui| {
        ScrollArea::vertical().id_salt("readouts_scroll").show(ui, |ui| {
            ui.add_space(4.0);
            readouts_ui(ui, snap, &state.params, theme, state.readouts_hidden(), state.aliases_hidden());
            ui.separator();
            ui.strong("Bits in use");
            if state.hidden.contains(View::Bits) {
                hidden_view_ui(ui, egui::vec2(ui.available_width(), 200.0), "bit meter");
            } else {
                bit_meter_ui(ui, snap, &state.params, theme, 200.0);
            }
        });
    });
    egui::CentralPanel::default().show(root, |ui| {
        let h = ui.available_height();
        let spacing = ui.spacing().item_spacing.y;
        let time_h = (h * 0.38 - spacing).max(120.0);
        let spec_h = (h * 0.32 - spacing).max(100.0);
        let err_h = (h - time_h - spec_h - 3.0 * spacing).max(90.0);
        changed |= draw_view(ui, ConverterView::Time, state, snap, theme, reset, time_h);
        changed |= draw_view(ui, ConverterView::Spectrum, state, snap, theme, reset, spec_h);
        let w = ui.available_width();
        ui.horizontal(|ui| {
            ui.allocate_ui(egui::vec2(w * 0.66, err_h), |ui| {
                ui.vertical(|ui| {
                    changed |= draw_view(ui, ConverterView::Error, state, snap, theme, reset, err_h);
                });
            });
            ui.allocate_ui(egui::vec2(w * 0.34 - 8.0, err_h), |ui| {
                ui.vertical(|ui| {
                    ui.strong("SNR against bit depth");
                    if state.hidden.contains(View::Bits) {
                        hidden_view_ui(ui, egui::vec2(ui.available_width(), err_h - 22.0), "SNR against bits");
                    } else {
                        snr_vs_bits_ui(ui, snap, &state.params, theme, err_h - 22.0);
                    }
                });
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
            ui.columns(2, |cols| {
                bit_meter_ui(&mut cols[0], snap, &state.params, theme, height);
                snr_vs_bits_ui(&mut cols[1], snap, &state.params, theme, height);
            });
            false
        }
    }
}
