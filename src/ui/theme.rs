//! Design tokens: every colour and size the views use, one set per theme. Views never write
//! colour literals; they ask the theme. The projector theme is only another set of tokens.

use egui::{Color32, FontId, Stroke, TextStyle, Visuals};
use serde::{Deserialize, Serialize};

/// Width of a slider's track, points.
pub const SLIDER_W: f32 = 150.0;

/// Which set of tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeKind {
    /// Dark background for a screen at arm's length.
    #[default]
    Dark,
    /// Light background, high contrast, thick lines, large type: for a projector.
    Projector,
}

/// The tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Which theme this is.
    pub kind: ThemeKind,
    /// Window background.
    pub background: Color32,
    /// Panels.
    pub panel: Color32,
    /// Plot background.
    pub plot_background: Color32,
    /// Body text.
    pub text: Color32,
    /// Secondary text.
    pub text_weak: Color32,
    /// Buttons and selection.
    pub accent: Color32,
    /// The analog signal reaching the sampler.
    pub analog: Color32,
    /// The analog signal before the anti-alias filter.
    pub analog_raw: Color32,
    /// Samples (lollipops).
    pub samples: Color32,
    /// The reconstructed output.
    pub reconstruction: Color32,
    /// Quantization error.
    pub error: Color32,
    /// Clipping, overs, the 0 dBFS wall.
    pub clip: Color32,
    /// True-peak markers.
    pub true_peak: Color32,
    /// The spectrum trace.
    pub spectrum: Color32,
    /// Theory lines.
    pub theory: Color32,
    /// Nyquist line and the region above it.
    pub nyquist: Color32,
    /// The anti-alias filter's response.
    pub filter: Color32,
    /// Aliases and their arrows.
    pub alias: Color32,
    /// Quantization levels grid.
    pub levels: Color32,
    /// Target zone shading.
    pub zone: Color32,
    /// A meter in its zone.
    pub meter_ok: Color32,
    /// A meter above its zone.
    pub meter_hot: Color32,
    /// A meter over full scale.
    pub meter_over: Color32,
    /// Meter background.
    pub meter_back: Color32,
    /// Text that warns (visual only, a wrong answer, a failed export).
    pub warning: Color32,
    /// Text that confirms (a right answer, a file written).
    pub good: Color32,
    /// Width of plot lines.
    pub line_width: f32,
    /// Body text size in points.
    pub body_size: f32,
    /// Heading size in points.
    pub heading_size: f32,
    /// Small text size in points.
    pub small_size: f32,
}

/// Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
mod okabe_ito {
    use egui::Color32;
    pub const ORANGE: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
    pub const SKY_BLUE: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
    pub const BLUISH_GREEN: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
    pub const YELLOW: Color32 = Color32::from_rgb(0xF0, 0xE4, 0x42);
    pub const BLUE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
    pub const VERMILLION: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
    pub const REDDISH_PURPLE: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);
}

impl Theme {
    /// The theme of `kind`.
    #[must_use]
    pub fn of(kind: ThemeKind) -> Self {
        match kind {
            ThemeKind::Dark => Self::dark(),
            ThemeKind::Projector => Self::projector(),
        }
    }

    /// Dark background, Okabe-Ito colours.
    #[must_use]
    pub fn dark() -> Self {
        use okabe_ito::{BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW};
        Self {
            kind: ThemeKind::Dark,
            background: Color32::from_rgb(0x16, 0x18, 0x1c),
            panel: Color32::from_rgb(0x1f, 0x22, 0x28),
            plot_background: Color32::from_rgb(0x12, 0x14, 0x17),
            text: Color32::from_rgb(0xe8, 0xea, 0xed),
            text_weak: Color32::from_rgb(0xa8, 0xad, 0xb5),
            accent: SKY_BLUE,
            analog: SKY_BLUE,
            analog_raw: Color32::from_rgb(0x5a, 0x6a, 0x7a),
            samples: ORANGE,
            reconstruction: BLUISH_GREEN,
            error: REDDISH_PURPLE,
            clip: VERMILLION,
            true_peak: YELLOW,
            spectrum: SKY_BLUE,
            theory: BLUISH_GREEN,
            nyquist: Color32::from_rgb(0xc0, 0xc4, 0xcc),
            filter: YELLOW,
            alias: REDDISH_PURPLE,
            levels: Color32::from_rgba_unmultiplied(0xc0, 0xc4, 0xcc, 90),
            zone: Color32::from_rgba_unmultiplied(0x00, 0x9E, 0x73, 60),
            meter_ok: BLUISH_GREEN,
            meter_hot: ORANGE,
            meter_over: VERMILLION,
            meter_back: Color32::from_rgb(0x2a, 0x2e, 0x35),
            warning: ORANGE,
            good: BLUISH_GREEN,
            line_width: 1.5,
            body_size: 14.0,
            heading_size: 18.0,
            small_size: 12.0,
        }
    }

    /// Light background, near-black text, thick lines and large type; colours chosen to stay
    /// apart on a washed-out projector (no yellow on white, no red/green pair as the only cue).
    #[must_use]
    pub fn projector() -> Self {
        use okabe_ito::BLUE;
        Self {
            kind: ThemeKind::Projector,
            background: Color32::from_rgb(0xff, 0xff, 0xff),
            panel: Color32::from_rgb(0xf2, 0xf2, 0xf2),
            plot_background: Color32::from_rgb(0xff, 0xff, 0xff),
            text: Color32::from_rgb(0x10, 0x10, 0x10),
            text_weak: Color32::from_rgb(0x3c, 0x3c, 0x3c),
            accent: BLUE,
            analog: BLUE,
            analog_raw: Color32::from_rgb(0x66, 0x66, 0x66),
            // Okabe-Ito vermillion darkened to 5:1 on white.
            samples: Color32::from_rgb(0xA8, 0x48, 0x00),
            reconstruction: Color32::from_rgb(0x00, 0x6b, 0x4e),
            error: Color32::from_rgb(0x8e, 0x3a, 0x6e),
            clip: Color32::from_rgb(0xb3, 0x2a, 0x00),
            true_peak: Color32::from_rgb(0x00, 0x00, 0x00),
            spectrum: BLUE,
            theory: Color32::from_rgb(0x00, 0x6b, 0x4e),
            nyquist: Color32::from_rgb(0x30, 0x30, 0x30),
            filter: Color32::from_rgb(0x8a, 0x5a, 0x00),
            alias: Color32::from_rgb(0x8e, 0x3a, 0x6e),
            levels: Color32::from_rgba_unmultiplied(0x40, 0x40, 0x40, 90),
            zone: Color32::from_rgba_unmultiplied(0x00, 0x72, 0xB2, 50),
            meter_ok: BLUE,
            meter_hot: Color32::from_rgb(0x9a, 0x62, 0x00),
            meter_over: Color32::from_rgb(0xb3, 0x2a, 0x00),
            meter_back: Color32::from_rgb(0xdd, 0xdd, 0xdd),
            warning: Color32::from_rgb(0xb3, 0x2a, 0x00),
            good: Color32::from_rgb(0x00, 0x6b, 0x4e),
            line_width: 3.0,
            body_size: 18.0,
            heading_size: 24.0,
            small_size: 15.0,
        }
    }

    /// A size laid out for the dark theme's 14-point text, grown with this theme's text (a
    /// strip that fits its labels in one theme fits them in the other).
    #[must_use]
    pub fn scaled(&self, points_at_14: f32) -> f32 {
        points_at_14 * self.body_size / 14.0
    }

    /// A stroke of the theme's line width in `color`.
    #[must_use]
    pub fn stroke(&self, color: Color32) -> Stroke {
        Stroke::new(self.line_width, color)
    }

    /// Applies visuals and type sizes to egui.
    pub fn apply(&self, ctx: &egui::Context) {
        let dark = self.kind == ThemeKind::Dark;
        let mut visuals = if dark { Visuals::dark() } else { Visuals::light() };
        visuals.panel_fill = self.panel;
        visuals.window_fill = self.panel;
        visuals.extreme_bg_color = self.plot_background;
        visuals.override_text_color = Some(self.text);
        visuals.selection.bg_fill = self.accent;
        visuals.selection.stroke = Stroke::new(1.0, if dark { Color32::BLACK } else { Color32::WHITE });
        visuals.hyperlink_color = self.accent;
        if !dark {
            // Heavier outlines so controls stay visible on a projector.
            visuals.widgets.inactive.bg_stroke = Stroke::new(1.5, Color32::from_rgb(0x60, 0x60, 0x60));
            visuals.widgets.noninteractive.bg_stroke = Stroke::new(1.0, Color32::from_rgb(0x90, 0x90, 0x90));
        }
        let theme = if dark { egui::Theme::Dark } else { egui::Theme::Light };
        ctx.set_theme(theme);
        ctx.set_visuals_of(theme, visuals);
        let (body, heading, small) = (self.body_size, self.heading_size, self.small_size);
        ctx.all_styles_mut(|style| {
            style.text_styles.insert(TextStyle::Body, FontId::proportional(body));
            style.text_styles.insert(TextStyle::Button, FontId::proportional(body));
            style.text_styles.insert(TextStyle::Heading, FontId::proportional(heading));
            style.text_styles.insert(TextStyle::Small, FontId::proportional(small));
            style.text_styles.insert(TextStyle::Monospace, FontId::monospace(body - 1.0));
            style.spacing.item_spacing = egui::vec2(8.0, 5.0);
            style.spacing.slider_width = SLIDER_W;
            style.spacing.interact_size.y = body + 6.0;
        });
    }
}

/// WCAG 2 relative luminance of a colour (sRGB).
#[must_use]
pub fn relative_luminance(c: Color32) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG 2 contrast ratio between two colours (1 to 21).
#[must_use]
pub fn contrast_ratio(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}
