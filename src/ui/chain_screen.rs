//! The mixing desk: one strip per track (preamp, ADC with its clip light, clip gain, the
//! analog-modelled insert and its sweet spot, pan, fader), the mix bus, the master and the
//! export, each with its meters and target zone; below, the waveform and spectrum of the
//! selected stage with its noise floor.

use std::path::PathBuf;

use egui::{Align2, Color32, DragValue, FontId, RichText, ScrollArea, Sense, Stroke, Ui, Vec2, vec2};
use egui_plot::{HLine, Line, LineStyle, Plot};

use crate::analysis::meters::StageReadout;
use crate::chain::engine::StageId;
use crate::chain::scene::{BusFormat, Scene, TrackParams};
use crate::chain::targets::{LOUDNESS_PRESETS, Targets};
use crate::dsp::codec::CodecQuality;
use crate::dsp::quantizer::{BitDepth, DitherKind};
use crate::dsp::resample::SrcQuality;
use crate::lesson::views::{View, ViewSet};
use crate::sim::chain_view::ChainSnapshot;
use crate::ui::layout::{PLOT_MIN_HEIGHT, PLOT_MIN_WIDTH, keep_together, side_by_side, tab_strip_ui};
use crate::ui::meter::{MeterSpec, gain_reduction_ui, meter_ui};
use crate::ui::plot_data::log_decimate;
use crate::ui::spectrum_view::{LOW_HZ, db_marks, log_frequency_marks};
use crate::ui::theme::Theme;
use crate::ui::widgets::{LegendMark, hidden_view_ui, hz, hz_short, legend_row, name_plot};

pub use crate::chain::scene::EXAMPLES;

/// The desk's state: the scene being edited and what the student looks at.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainUi {
    /// The session.
    pub scene: Scene,
    /// The stage shown in the views below.
    pub selected: StageId,
    /// A path typed for opening, saving or adding a track.
    pub path: String,
    /// The last message (text, is an error).
    pub message: Option<(String, bool)>,
    /// Controls a lesson has locked or hidden (tracks, bus, master, export).
    pub restrictions: crate::ui::widgets::Restrictions,
    /// Notes pinned on the stage views.
    pub pins: crate::ui::pins::Pins,
    /// Whole views a lesson step hides (meters, loudness, the stage's waveform and spectrum).
    pub hidden: ViewSet,
    /// The input track's preamp and word length.
    pub input: crate::sim::input_track::InputControls,
    /// What the input track's last take measured (lesson goals on `take.*` read it).
    pub last_take: Option<crate::dsp::capture::CaptureStats>,
    /// Show one view alone, full size (the teacher's focus layout).
    pub focus: Option<DeskView>,
    /// The stage view shown when the window is too narrow for both side by side.
    pub stage_tab: DeskView,
}

/// One of the desk's views, for the focus layout and the tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum DeskView {
    /// The strips: tracks, mix bus, master, export.
    Strips,
    /// The selected stage's waveform.
    #[default]
    Waveform,
    /// The selected stage's spectrum.
    Spectrum,
}

impl DeskView {
    /// Every view, in the order of the screen.
    pub const ALL: [Self; 3] = [Self::Strips, Self::Waveform, Self::Spectrum];

    /// The view's name on its tab and in the View menu.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Strips => "Desk",
            Self::Waveform => "Waveform",
            Self::Spectrum => "Spectrum",
        }
    }

    /// The view's name in the View menu's focus list.
    #[must_use]
    pub fn menu_name(self) -> &'static str {
        match self {
            Self::Strips => "The desk's strips",
            Self::Waveform => "The stage's waveform",
            Self::Spectrum => "The stage's spectrum",
        }
    }

    /// The view a lesson hides to hide this one (the strips are never hidden whole: a lesson
    /// hides their meters, or a group of them as controls).
    #[must_use]
    pub fn lesson_view(self) -> Option<View> {
        match self {
            Self::Strips => None,
            Self::Waveform => Some(View::Time),
            Self::Spectrum => Some(View::Spectrum),
        }
    }
}

impl Default for ChainUi {
    fn default() -> Self {
        Self::new(Scene::band())
    }
}

impl ChainUi {
    /// The desk for `scene`.
    #[must_use]
    pub fn new(scene: Scene) -> Self {
        Self {
            scene,
            selected: StageId::Master,
            path: String::new(),
            message: None,
            restrictions: crate::ui::widgets::Restrictions::default(),
            pins: crate::ui::pins::Pins::default(),
            hidden: ViewSet::EMPTY,
            focus: None,
            stage_tab: DeskView::Waveform,
            input: crate::sim::input_track::InputControls::default(),
            last_take: None,
        }
    }

    /// The views a lesson does not hide, in screen order (the focus layout skips the others).
    #[must_use]
    pub fn shown_views(&self) -> Vec<DeskView> {
        DeskView::ALL.into_iter().filter(|v| v.lesson_view().is_none_or(|l| !self.hidden.contains(l))).collect()
    }
}

/// What the desk asks the app to do.
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(clippy::struct_excessive_bools, reason = "each is one request from the desk")]
pub struct ChainActions {
    /// The scene's settings changed.
    pub scene_changed: bool,
    /// Show this stage below.
    pub select: Option<StageId>,
    /// Reset these stages' clip lights.
    pub reset_clips: Vec<StageId>,
    /// Forget every measurement.
    pub reset_meters: bool,
    /// Add this audio file as a track.
    pub add_track: Option<PathBuf>,
    /// Open this scene file.
    pub open_scene: Option<PathBuf>,
    /// Save the scene here.
    pub save_scene: Option<PathBuf>,
    /// Open this built-in example.
    pub example: Option<usize>,
    /// Ask the user to choose files (the web page's picker): scenes, lessons, audio files.
    pub pick_files: bool,
    /// Open the input track (live input from the default input device).
    pub open_input: bool,
}

/// Width of a track's strip with 14-point text, points (it grows with the text).
const TRACK_W: f32 = 118.0;
/// Widths of the mix bus, master and export strips with 14-point text, points.
const BUS_W: f32 = 160.0;
const MASTER_W: f32 = 185.0;
const EXPORT_W: f32 = 170.0;
/// The meters' lowest and highest, points.
const METER_MIN_H: f32 = 110.0;
const METER_MAX_H: f32 = 480.0;

/// Draws the desk.
pub fn chain_screen_ui(root: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme) -> ChainActions {
    let mut actions = ChainActions::default();
    egui::Panel::top("chain_toolbar").show(root, |ui| toolbar_ui(ui, state, &mut actions));
    let shown = state.shown_views();
    match state.focus.filter(|v| shown.contains(v)) {
        Some(DeskView::Strips) => {
            egui::CentralPanel::default().show(root, |ui| desk_area_ui(ui, state, snap, theme, &mut actions));
        }
        Some(view) => {
            egui::CentralPanel::default().show(root, |ui| {
                stage_header_ui(ui, state, snap, theme);
                let size = ui.available_size();
                stage_plot_ui(ui, view, state, snap, theme, size);
            });
        }
        None => {
            let h = root.available_rect_before_wrap().height();
            // A panel per height: a size dragged (or laid out at another UI scale) for a taller
            // window is not kept when the window gets lower, where it would cut the strips.
            egui::Panel::bottom(egui::Id::new("stage_views").with(h.round() as i32))
                .resizable(true)
                .default_size((0.3 * h).clamp(150.0, 320.0))
                .min_size(150.0)
                .max_size((0.5 * h).max(150.0))
                .show(root, |ui| stage_views_ui(ui, state, snap, theme));
            egui::CentralPanel::default().show(root, |ui| desk_area_ui(ui, state, snap, theme, &mut actions));
        }
    }
    if let Some(s) = actions.select {
        state.selected = s;
    }
    actions
}

/// The strips, scrolling when larger than the window.
fn desk_area_ui(ui: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme, actions: &mut ChainActions) {
    let viewport_w = ui.available_width();
    // Too wide for the window, the desk opens at its right end: the bus, the master and the
    // export (where a mix is judged) in view, the first tracks a scroll away.
    ScrollArea::both().id_salt("desk_scroll").stick_to_right(true).show(ui, |ui| {
        ui.horizontal_top(|ui| {
            // Strips are laid out to their own widths: nothing in them wraps.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            let before = state.scene.clone();
            desk_ui(ui, state, snap, theme, viewport_w, actions);
            if state.scene != before {
                actions.scene_changed = true;
            }
        });
    });
}

fn toolbar_ui(ui: &mut Ui, state: &mut ChainUi, actions: &mut ChainActions) {
    ui.horizontal_wrapped(|ui| {
        ui.strong(&state.scene.name).on_hover_text(if state.scene.description.is_empty() {
            "This session."
        } else {
            &state.scene.description
        });
        ui.menu_button("Examples", |ui| {
            for (i, (_, title, _)) in EXAMPLES.iter().enumerate() {
                if ui.button(*title).clicked() {
                    actions.example = Some(i);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text("Open one of the example sessions.");
        ui.menu_button("File", |ui| file_menu_ui(ui, state, actions))
            .response
            .on_hover_text("Open or save a scene, or add an audio file as a track, from a path.");
        if crate::platform::files::CAN_PICK
            && ui
                .button("Choose files...")
                .on_hover_text("Open a scene or a lesson (.toml), or add audio files (WAV, FLAC, MP3, Ogg) as tracks.")
                .clicked()
        {
            actions.pick_files = true;
        }
        if ui
            .button("Live input")
            .on_hover_text("Open an input track: your microphone through a preamp and an ADC, recorded as takes.")
            .clicked()
        {
            actions.open_input = true;
        }
        if ui.button("Reset meters").on_hover_text("Forget peaks, clips and loudness so far.").clicked() {
            actions.reset_meters = true;
        }
        let t = &mut state.scene.targets;
        keep_together(ui, "vu_ref", |ui| {
            egui::ComboBox::from_id_salt("vu_ref")
                .selected_text(format!("0 VU = {:.0} dBFS", t.vu_reference_dbfs))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut t.vu_reference_dbfs, -18.0, "0 VU = -18 dBFS (EBU R68)");
                    ui.selectable_value(
                        &mut t.vu_reference_dbfs,
                        -20.0,
                        "0 VU = -20 dBFS (SMPTE RP 155; Australian practice)",
                    );
                })
                .response
                .on_hover_text("Where the VU scale puts 0 VU on the dBFS scale.");
        });
        keep_together(ui, "loudness_target", |ui| loudness_target_ui(ui, t));
        if let Some((text, error)) = &state.message {
            let color = if *error { Color32::from_rgb(0xD5, 0x5E, 0x00) } else { ui.visuals().text_color() };
            ui.label(RichText::new(text).color(color));
        }
    });
}

/// The File menu: a path (typed, or a file dropped on the window), then open, save or add it.
fn file_menu_ui(ui: &mut Ui, state: &mut ChainUi, actions: &mut ChainActions) {
    ui.add(
        egui::TextEdit::singleline(&mut state.path)
            .hint_text("path to a .toml scene or an audio file")
            .desired_width(260.0),
    )
    .on_hover_text("Type a path (or drop a file on the window), then open, save or add it.");
    let path = (!state.path.trim().is_empty()).then(|| PathBuf::from(state.path.trim()));
    if ui
        .add_enabled(path.is_some(), egui::Button::new("Open scene"))
        .on_hover_text("Load the scene file at the path.")
        .clicked()
    {
        actions.open_scene.clone_from(&path);
        ui.close();
    }
    if ui
        .add_enabled(path.is_some(), egui::Button::new("Save scene"))
        .on_hover_text("Write this session to the path as a scene file.")
        .clicked()
    {
        actions.save_scene.clone_from(&path);
        ui.close();
    }
    if ui
        .add_enabled(path.is_some(), egui::Button::new("Add track"))
        .on_hover_text("Add the audio file at the path (WAV, FLAC, MP3, Ogg) as a track.")
        .clicked()
    {
        actions.add_track.clone_from(&path);
        ui.close();
    }
}

fn loudness_target_ui(ui: &mut Ui, t: &mut Targets) {
    let current =
        LOUDNESS_PRESETS.iter().find(|p| (p.lufs - t.loudness_lufs).abs() < 0.05).map_or("custom", |p| p.name);
    egui::ComboBox::from_id_salt("loudness_target")
        .selected_text(format!("target {:.0} LUFS", t.loudness_lufs))
        .show_ui(ui, |ui| {
            for p in LOUDNESS_PRESETS {
                if ui
                    .selectable_label(
                        (p.lufs - t.loudness_lufs).abs() < 0.05,
                        format!("{} LUFS, {} dBTP: {}", p.lufs, p.max_true_peak_dbtp, p.name),
                    )
                    .clicked()
                {
                    t.loudness_lufs = p.lufs;
                    t.ceiling_dbtp = p.max_true_peak_dbtp;
                }
            }
        })
        .response
        .on_hover_text(format!("The delivery target the master is measured against ({current})."));
}

fn group_frame(ui: &mut Ui, theme: &Theme, title: &str, add: impl FnOnce(&mut Ui)) -> egui::Rect {
    egui::Frame::group(ui.style())
        .fill(theme.panel)
        .inner_margin(GROUP_MARGIN)
        .show(ui, |ui| {
            ui.vertical(|ui| {
                ui.label(RichText::new(title).strong().color(theme.text_weak));
                add(ui);
            });
        })
        .response
        .rect
}

fn arrow_ui(ui: &mut Ui, theme: &Theme) {
    let (rect, _) = ui.allocate_exact_size(vec2(16.0, 60.0), Sense::hover());
    let y = rect.top() + 40.0;
    let p = ui.painter();
    let stroke = Stroke::new(2.5, theme.text_weak);
    p.line_segment([egui::pos2(rect.left() + 2.0, y), egui::pos2(rect.right() - 3.0, y)], stroke);
    p.line_segment([egui::pos2(rect.right() - 9.0, y - 6.0), egui::pos2(rect.right() - 3.0, y)], stroke);
    p.line_segment([egui::pos2(rect.right() - 9.0, y + 6.0), egui::pos2(rect.right() - 3.0, y)], stroke);
}

/// The strips: tracking, mix bus, master and export, left to right. When they are wider than
/// `viewport_w`, the tracks scroll on their own so that the bus, the master and the export stay
/// in view (the whole desk scrolls only when even those do not fit).
fn desk_ui(
    ui: &mut Ui,
    state: &mut ChainUi,
    snap: &ChainSnapshot,
    theme: &Theme,
    viewport_w: f32,
    actions: &mut ChainActions,
) {
    let targets = state.scene.targets;
    let hidden = state.hidden;
    let r = state.restrictions.clone();
    // What the bus, the master and the export took last frame.
    let rest_id = ui.id().with("desk_after_tracks");
    let rest_w: f32 = ui.data(|d| d.get_temp(rest_id)).unwrap_or(0.0);
    let track_w = theme.scaled(TRACK_W);
    let tracks_room = viewport_w - rest_w - 3.0 * ui.spacing().item_spacing.x - 16.0;
    // A group a lesson hides is left out; one it locks is shown but cannot be changed.
    let section = |ui: &mut Ui, name: &str, add: &mut dyn FnMut(&mut Ui)| {
        if r.hides(name, None) {
            return false;
        }
        let locked = r.locks(name, None);
        ui.add_enabled_ui(!locked, |ui| add(ui)).response.on_disabled_hover_text("Locked by the lesson.");
        true
    };
    let shown = section(ui, "tracks", &mut |ui| {
        group_frame(ui, theme, "TRACKING", |ui| {
            let n = state.scene.tracks.len();
            let natural = n as f32 * (track_w + 4.0);
            let mut strips = |ui: &mut Ui| {
                ui.horizontal_top(|ui| {
                    for i in 0..n {
                        let readout = snap.readout.tracks.get(i);
                        let t = &mut state.scene.tracks[i];
                        let look = Look { theme, hide_meters: hidden.hides_meters(false) };
                        track_strip_ui(ui, i, t, readout, &targets, &look, state.selected, actions);
                        if i + 1 < n {
                            ui.add_space(4.0);
                        }
                    }
                    if n == 0 {
                        ui.label("No tracks: add one from an audio file, or open an example.");
                    }
                });
            };
            if rest_w > 0.0 && natural > tracks_room && tracks_room >= track_w {
                ScrollArea::horizontal()
                    .id_salt("tracks_scroll")
                    .max_width(tracks_room)
                    .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
                    .show(ui, strips);
            } else {
                strips(ui);
            }
        });
    });
    if shown {
        arrow_ui(ui, theme);
    }
    let rest_left = ui.cursor().left();
    if section(ui, "bus", &mut |ui| {
        group_frame(ui, theme, "MIX BUS", |ui| bus_strip_ui(ui, state, snap, theme, actions));
    }) {
        arrow_ui(ui, theme);
    }
    if section(ui, "master", &mut |ui| {
        group_frame(ui, theme, "MASTER", |ui| master_strip_ui(ui, state, snap, theme, actions));
    }) {
        arrow_ui(ui, theme);
    }
    section(ui, "export", &mut |ui| {
        group_frame(ui, theme, "EXPORT", |ui| export_strip_ui(ui, state, snap, theme, actions));
    });
    let rest = ui.min_rect().right() - rest_left;
    ui.data_mut(|d| d.insert_temp(rest_id, rest));
}

/// A group's inner margin, points.
const GROUP_MARGIN: i8 = 6;

/// The meters' height: what is left of the strip above the row of buttons under them and the
/// bottom of the group's frame (margin and stroke).
fn meter_height(ui: &Ui) -> f32 {
    let below = ui.spacing().interact_size.y + 2.0 * ui.spacing().item_spacing.y + f32::from(GROUP_MARGIN) + 3.0;
    (ui.available_height() - below).clamp(METER_MIN_H, METER_MAX_H)
}

/// A labelled number that can be dragged or typed.
/// A labelled number with its range, unit and tooltip.
pub(crate) fn number(
    ui: &mut Ui,
    label: &str,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    suffix: &str,
    tooltip: &str,
) {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(DragValue::new(value).range(range).speed(0.1).suffix(suffix).max_decimals(1))
            .labelled_by(l.id)
            .on_hover_text(tooltip);
    });
}

fn view_button(ui: &mut Ui, text: &str, stage: StageId, selected: StageId, tooltip: &str, actions: &mut ChainActions) {
    if ui.selectable_label(stage == selected, text).on_hover_text(tooltip).clicked() {
        actions.select = Some(stage);
    }
}

/// How a strip is drawn: the theme, and whether a lesson hides its meters.
struct Look<'a> {
    theme: &'a Theme,
    hide_meters: bool,
}

#[allow(clippy::too_many_arguments, reason = "a strip shows all of this")]
fn track_strip_ui(
    ui: &mut Ui,
    i: usize,
    t: &mut TrackParams,
    readout: Option<&crate::chain::engine::TrackReadout>,
    targets: &Targets,
    look: &Look<'_>,
    selected: StageId,
    actions: &mut ChainActions,
) {
    let theme = look.theme;
    ui.vertical(|ui| {
        ui.set_width(theme.scaled(TRACK_W));
        ui.spacing_mut().item_spacing.y = 3.0;
        let name = ui.label(RichText::new(&t.name).strong());
        let source = match t.source.kind.part() {
            Some(p) => format!("{p}, {:.0} dBFS in", t.source.level_dbfs),
            None if t.source.kind == crate::chain::scene::TrackSourceKind::Live => "the input device".to_string(),
            None => format!("{:?}, {:.0} dBFS in", t.source.kind, t.source.level_dbfs).to_lowercase(),
        };
        ui.label(RichText::new(source).small().color(theme.text_weak))
            .on_hover_text("The source and its level at the preamp's input.");
        track_controls_ui(ui, i, t, readout.filter(|_| !look.hide_meters), targets, theme);
        let meter_h = meter_height(ui) - theme.small_size - 4.0;
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            let fader = vertical_fader(ui, &mut t.fader_db, meter_h);
            let _ = fader.labelled_by(name.id).on_hover_text(format!("{} fader: {:.1} dB", t.name, t.fader_db));
            let spec_adc = MeterSpec {
                zone: Some(targets.tracking_peak_dbfs),
                vu_scale: false,
                hidden: look.hide_meters,
                ..MeterSpec::default()
            };
            let spec_out = MeterSpec { vu_scale: true, hidden: look.hide_meters, ..MeterSpec::default() };
            if let Some(r) = readout {
                ui.vertical(|ui| {
                    ui.label(RichText::new("ADC").small());
                    if meter_ui(
                        ui,
                        &format!("{} ADC", t.name),
                        &r.adc,
                        &spec_adc,
                        theme,
                        vec2(theme.scaled(40.0), meter_h),
                    )
                    .reset_clips
                    {
                        actions.reset_clips.push(StageId::TrackAdc(i));
                    }
                });
                ui.vertical(|ui| {
                    ui.label(RichText::new("out").small());
                    if meter_ui(
                        ui,
                        &format!("{} out", t.name),
                        &r.out,
                        &spec_out,
                        theme,
                        vec2(theme.scaled(50.0), meter_h),
                    )
                    .reset_clips
                    {
                        actions.reset_clips.push(StageId::Track(i));
                    }
                });
            }
        });
        ui.horizontal(|ui| {
            view_button(
                ui,
                "adc",
                StageId::TrackAdc(i),
                selected,
                "Show this track right after its converter, below.",
                actions,
            );
            view_button(ui, "ins", StageId::TrackInsert(i), selected, "Show what enters the insert, below.", actions);
            view_button(
                ui,
                "out",
                StageId::Track(i),
                selected,
                "Show the track after its fader and pan, below.",
                actions,
            );
        });
    });
}

/// The ADC's word length, labelled "ADC", as a drop-down.
pub(crate) fn adc_bits_ui(ui: &mut Ui, id: impl std::hash::Hash + std::fmt::Debug, bits: &mut BitDepth, width: f32) {
    ui.horizontal(|ui| {
        ui.label("ADC").on_hover_text("The converter's word length: its noise floor, and its 0 dBFS wall.");
        egui::ComboBox::from_id_salt(id)
            .width(width)
            .selected_text(if *bits == BitDepth::Float32 { "float".to_string() } else { format!("{bits} bit") })
            .show_ui(ui, |ui| {
                for b in [
                    BitDepth::Fixed(8),
                    BitDepth::Fixed(12),
                    BitDepth::Fixed(16),
                    BitDepth::Fixed(20),
                    BitDepth::Fixed(24),
                    BitDepth::Float32,
                ] {
                    let text = if b == BitDepth::Float32 { "32-bit float".to_string() } else { format!("{b} bit") };
                    ui.selectable_value(bits, b, text);
                }
            });
    });
}

/// The controls above a strip's meters: preamp, converter, clip gain, insert, pan and mute.
fn track_controls_ui(
    ui: &mut Ui,
    i: usize,
    t: &mut TrackParams,
    readout: Option<&crate::chain::engine::TrackReadout>,
    targets: &Targets,
    theme: &Theme,
) {
    number(
        ui,
        "Pre",
        &mut t.preamp_db,
        -20.0..=70.0,
        " dB",
        "Preamp: analog gain before the converter. Aim for peaks of -12 to -6 dBFS.",
    );
    adc_bits_ui(ui, ("bits", i), &mut t.bits, theme.scaled(64.0));
    number(
        ui,
        "Clip",
        &mut t.clip_gain_db,
        -60.0..=60.0,
        " dB",
        "Clip gain: digital gain after the converter. It raises noise and music alike.",
    );
    ui.horizontal(|ui| {
        ui.checkbox(&mut t.insert, "Ins")
            .on_hover_text("The analog-modelled insert (a saturator): clean around -18 dBFS average, driven above.");
        if let Some(r) = readout {
            sweet_spot_ui(ui, &r.insert, targets, theme);
        }
    });
    ui.horizontal(|ui| {
        ui.spacing_mut().slider_width = 48.0;
        let l = ui.label("Pan");
        ui.add(egui::Slider::new(&mut t.pan, -1.0..=1.0).show_value(false))
            .labelled_by(l.id)
            .on_hover_text(format!("Pan {:+.2}: left to right, constant power (-3 dB in the centre).", t.pan));
        ui.checkbox(&mut t.mute, "M").on_hover_text("Mute");
    });
}

/// A vertical fader from -60 to +12 dB as tall as the meters beside it, with its value below.
fn vertical_fader(ui: &mut Ui, db: &mut f64, height: f32) -> egui::Response {
    ui.vertical(|ui| {
        ui.label(RichText::new(format!("{db:.1}")).small().monospace());
        ui.spacing_mut().slider_width = height - 20.0;
        ui.add(egui::Slider::new(db, -60.0..=12.0).vertical().show_value(false))
    })
    .inner
}

/// The insert's sweet spot: the average level against the zone around -18 dBFS.
fn sweet_spot_ui(ui: &mut Ui, r: &StageReadout, targets: &Targets, theme: &Theme) {
    let (rect, response) = ui.allocate_exact_size(vec2(theme.scaled(62.0), theme.small_size + 4.0), Sense::hover());
    let p = ui.painter();
    p.rect_filled(rect, 2.0, theme.meter_back);
    let (lo, hi) = (-42.0, 0.0);
    let x_of = |db: f64| rect.left() + (rect.width() as f64 * ((db.clamp(lo, hi) - lo) / (hi - lo))) as f32;
    let [a, b] = targets.insert_average_dbfs;
    p.rect_filled(
        egui::Rect::from_min_max(egui::pos2(x_of(a), rect.top()), egui::pos2(x_of(b), rect.bottom())),
        0.0,
        theme.zone,
    );
    let avg = r.vu.is_finite().then_some(r.vu + r.vu_reference_dbfs);
    if let Some(v) = avg {
        let x = x_of(v);
        let color = if v > b { theme.meter_hot } else { theme.meter_ok };
        p.line_segment([egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())], Stroke::new(3.0, color));
    }
    let text = avg.map_or_else(|| "—".to_string(), |v| format!("{v:.0}"));
    p.text(
        rect.right_center() + vec2(-2.0, 0.0),
        Align2::RIGHT_CENTER,
        text,
        FontId::proportional(theme.small_size),
        theme.text,
    );
    response.on_hover_text(format!(
        "The insert's input, average level (as the VU reads it, dBFS). The shaded sweet spot is {a:.0} to {b:.0} dBFS: around -18 the plugin is clean, above it saturates."
    ));
}

/// The gain-reduction bar, or an empty box of its size when the meters are hidden.
fn gain_reduction_or_hidden(ui: &mut Ui, db: f64, theme: &Theme, width: f32, hidden: ViewSet) {
    if hidden.hides_meters(false) {
        hidden_view_ui(ui, vec2(width, theme.small_size + 8.0), "gain reduction");
    } else {
        gain_reduction_ui(ui, db, theme, width);
    }
}

fn loudness_grid(ui: &mut Ui, r: &StageReadout, theme: &Theme, target: Option<f64>, hidden: bool) {
    let v = |x: Option<f64>| {
        if hidden { "?".to_string() } else { x.map_or_else(|| "—".to_string(), |x| format!("{x:.1}")) }
    };
    egui::Grid::new(ui.next_auto_id()).num_columns(2).spacing([6.0, 1.0]).show(ui, |ui| {
        let rows = [
            ("M", r.lufs_momentary, "Momentary loudness (400 ms), LUFS."),
            ("S", r.lufs_short_term, "Short-term loudness (3 s), LUFS."),
            ("I", r.lufs_integrated, "Integrated loudness since the last reset (gated), LUFS."),
            ("LRA", r.loudness_range_lu, "Loudness range (EBU Tech 3342), LU."),
            ("TP", r.true_peak_dbtp, "True peak since the last reset, dBTP."),
            ("PLR", r.plr_db, "Peak-to-loudness ratio: true peak minus integrated loudness, dB. Keep some dynamics."),
        ];
        for (label, value, tip) in rows {
            ui.label(RichText::new(label).small()).on_hover_text(tip);
            let mut text = RichText::new(v(value)).monospace();
            if label == "I"
                && !hidden
                && let (Some(t), Some(i)) = (target, value)
            {
                text = text.color(if (i - t).abs() <= 1.0 { theme.meter_ok } else { theme.meter_hot });
            }
            ui.label(text).on_hover_text(tip);
            ui.end_row();
        }
    });
    ui.label(RichText::new("LUFS, LU, dBTP, dB").small().color(theme.text_weak));
}

fn bus_strip_ui(ui: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme, actions: &mut ChainActions) {
    let bus = &mut state.scene.bus;
    ui.set_width(theme.scaled(BUS_W));
    ui.horizontal(|ui| {
        ui.selectable_value(&mut bus.format, BusFormat::Float32, "float")
            .on_hover_text("32-bit float: never clips inside; overs survive until converted to fixed point.");
        ui.selectable_value(&mut bus.format, BusFormat::Fixed24, "24-bit")
            .on_hover_text("24-bit fixed point: clips at 0 dBFS like any fixed-point stage.");
    });
    let c = &mut bus.compressor;
    ui.checkbox(&mut c.enabled, "Compressor").on_hover_text("A stereo bus compressor.");
    ui.add_enabled_ui(c.enabled, |ui| {
        number(ui, "Thresh", &mut c.threshold_dbfs, -60.0..=0.0, " dB", "Level above which it compresses.");
        number(
            ui,
            "Ratio",
            &mut c.ratio,
            1.0..=20.0,
            ":1",
            "How much: 4:1 lets 1 dB out for 4 dB in above the threshold.",
        );
    });
    let hidden = state.hidden;
    gain_reduction_or_hidden(ui, snap.readout.compressor_gain_reduction_db, theme, ui.available_width(), hidden);
    let spec = MeterSpec {
        zone: Some(state.scene.targets.mix_peak_dbfs),
        hidden: hidden.hides_meters(false),
        ..MeterSpec::default()
    };
    let meter_h = meter_height(ui);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            if meter_ui(ui, "Bus", &snap.readout.bus, &spec, theme, vec2(theme.scaled(62.0), meter_h)).reset_clips {
                actions.reset_clips.push(StageId::Bus);
            }
        });
        ui.vertical(|ui| loudness_grid(ui, &snap.readout.bus, theme, None, hidden.hides_meters(true)));
    });
    view_button(ui, "show below", StageId::Bus, state.selected, "Show the mix bus below.", actions);
}

fn master_strip_ui(ui: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme, actions: &mut ChainActions) {
    let targets = state.scene.targets;
    let m = &mut state.scene.master;
    ui.set_width(theme.scaled(MASTER_W));
    let name = ui.label(RichText::new("Master").strong());
    let l = &mut m.limiter;
    ui.checkbox(&mut l.enabled, "Limiter")
        .on_hover_text("A true-peak lookahead limiter: nothing above its ceiling gets out.");
    ui.add_enabled_ui(l.enabled, |ui| {
        number(
            ui,
            "Drive",
            &mut l.input_gain_db,
            -24.0..=30.0,
            " dB",
            "Gain into the limiter (makeup): how much louder the master gets.",
        );
        number(ui, "Ceiling", &mut l.ceiling_dbtp, -20.0..=0.0, " dBTP", "The highest true peak let out.");
    });
    let hidden = state.hidden;
    gain_reduction_or_hidden(ui, snap.readout.limiter_gain_reduction_db, theme, ui.available_width(), hidden);
    let meter_h = meter_height(ui);
    let spec = MeterSpec {
        ceiling: Some(if l.enabled { l.ceiling_dbtp } else { targets.ceiling_dbtp }),
        hidden: hidden.hides_meters(false),
        ..MeterSpec::default()
    };
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = 2.0;
        let fader = vertical_fader(ui, &mut m.fader_db, meter_h);
        let _ = fader.labelled_by(name.id).on_hover_text(format!("Master fader: {:.1} dB", m.fader_db));
        ui.vertical(|ui| {
            if meter_ui(ui, "Master", &snap.readout.master, &spec, theme, vec2(theme.scaled(62.0), meter_h)).reset_clips
            {
                actions.reset_clips.push(StageId::Master);
            }
        });
        ui.vertical(|ui| {
            loudness_grid(ui, &snap.readout.master, theme, Some(targets.loudness_lufs), hidden.hides_meters(true));
        });
    });
    view_button(ui, "show below", StageId::Master, state.selected, "Show the master below.", actions);
}

fn export_strip_ui(ui: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme, actions: &mut ChainActions) {
    let session = state.scene.sample_rate_hz;
    let targets = state.scene.targets;
    let e = &mut state.scene.export;
    ui.set_width(theme.scaled(EXPORT_W));
    egui::ComboBox::from_id_salt("export_rate")
        .selected_text(e.sample_rate_hz.map_or_else(|| format!("{} (session)", hz(session)), hz))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut e.sample_rate_hz, None, format!("{} (session)", hz(session)));
            for r in [44_100.0, 48_000.0, 96_000.0] {
                ui.selectable_value(&mut e.sample_rate_hz, Some(r), hz(r));
            }
        })
        .response
        .on_hover_text("The delivery sample rate.");
    egui::ComboBox::from_id_salt("src_quality")
        .selected_text(format!("SRC {}", e.src_quality.name()))
        .show_ui(ui, |ui| {
            for q in SrcQuality::ALL {
                ui.selectable_value(&mut e.src_quality, q, q.name());
            }
        })
        .response
        .on_hover_text("Sample-rate conversion: poor (linear) aliases and images, high filters them out.");
    ui.horizontal(|ui| {
        for (b, text) in [(BitDepth::Fixed(16), "16"), (BitDepth::Fixed(24), "24"), (BitDepth::Float32, "32f")] {
            ui.selectable_value(&mut e.bits, b, text).on_hover_text("The delivery word length.");
        }
        egui::ComboBox::from_id_salt("export_dither")
            .width(theme.scaled(58.0))
            .selected_text(e.dither.kind.name())
            .show_ui(ui, |ui| {
                for d in DitherKind::ALL {
                    ui.selectable_value(&mut e.dither.kind, d, d.name());
                }
            })
            .response
            .on_hover_text("Dither before the word length is cut.");
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut e.codec.enabled, "Codec")
            .on_hover_text("A lossy codec after the export: its decoder can overshoot by a dB or more.");
        ui.selectable_value(&mut e.codec.quality, CodecQuality::Low, "low");
        ui.selectable_value(&mut e.codec.quality, CodecQuality::High, "high");
    });
    let hidden = state.hidden;
    let spec =
        MeterSpec { ceiling: Some(targets.ceiling_dbtp), hidden: hidden.hides_meters(false), ..MeterSpec::default() };
    let meter_h = meter_height(ui);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            if meter_ui(ui, "Export", &snap.readout.export, &spec, theme, vec2(theme.scaled(62.0), meter_h)).reset_clips
            {
                actions.reset_clips.push(StageId::Export);
            }
        });
        ui.vertical(|ui| {
            loudness_grid(ui, &snap.readout.export, theme, Some(targets.loudness_lufs), hidden.hides_meters(true));
        });
    });
    view_button(ui, "show below", StageId::Export, state.selected, "Show the export below.", actions);
}

/// A stage's name for people, with its track's name.
#[must_use]
pub fn stage_name(scene: &Scene, stage: StageId) -> String {
    let track = |i: usize| scene.tracks.get(i).map_or("?", |t| t.name.as_str()).to_string();
    match stage {
        StageId::TrackSource(i) => format!("{}: source", track(i)),
        StageId::TrackAdc(i) => format!("{}: after the ADC", track(i)),
        StageId::TrackInsert(i) => format!("{}: into the insert", track(i)),
        StageId::Track(i) => format!("{}: after fader and pan", track(i)),
        StageId::Bus => "Mix bus".into(),
        StageId::Master => "Master".into(),
        StageId::Export => "Export".into(),
    }
}

/// The selected stage's name, the time, and the legend of its views.
fn stage_header_ui(ui: &mut Ui, state: &ChainUi, snap: &ChainSnapshot, theme: &Theme) {
    ui.horizontal_wrapped(|ui| {
        ui.strong(stage_name(&state.scene, state.selected));
        ui.label(RichText::new(format!("at {:.1} s", snap.position_secs)).small().color(theme.text_weak));
    });
    legend_row(
        ui,
        &[
            (LegendMark::Line, theme.analog, "waveform / spectrum"),
            (LegendMark::Dashed, theme.theory, "noise floor (all sources silent)"),
            (LegendMark::Dashed, theme.clip, "0 dBFS"),
        ],
    );
}

/// Below the desk: the selected stage's waveform and spectrum, side by side when both are
/// readable, otherwise one at a time in tabs.
fn stage_views_ui(ui: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme) {
    stage_header_ui(ui, state, snap, theme);
    let gap = ui.spacing().item_spacing.x;
    let width = ui.available_width();
    let views = [DeskView::Waveform, DeskView::Spectrum];
    if side_by_side(width, PLOT_MIN_WIDTH, gap) >= 2 {
        let size = vec2((width - gap) / 2.0, ui.available_height());
        ui.horizontal(|ui| {
            for view in views {
                ui.allocate_ui(size, |ui| stage_plot_ui(ui, view, state, snap, theme, size));
            }
        });
        return;
    }
    if !views.contains(&state.stage_tab) {
        state.stage_tab = DeskView::Waveform;
    }
    tab_strip_ui(
        ui,
        &mut state.stage_tab,
        &[
            (DeskView::Waveform, DeskView::Waveform.title(), "The stage's samples against time."),
            (DeskView::Spectrum, DeskView::Spectrum.title(), "The stage's spectrum and its noise floor."),
        ],
    );
    let size = ui.available_size();
    stage_plot_ui(ui, state.stage_tab, state, snap, theme, size);
}

/// The selected stage's waveform or spectrum, `size` large (an empty box of that size while a
/// lesson hides it).
fn stage_plot_ui(ui: &mut Ui, view: DeskView, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme, size: Vec2) {
    let (w, h) = (size.x, size.y.max(PLOT_MIN_HEIGHT));
    if let Some(v) = view.lesson_view().filter(|v| state.hidden.contains(*v)) {
        let what = if view == DeskView::Waveform { "waveform" } else { v.about_short() };
        hidden_view_ui(ui, vec2(w, h), what);
        return;
    }
    if view == DeskView::Spectrum {
        // Without a running session the rate is unknown: keep the axis valid (min < max).
        let nyq = (0.5 * snap.sample_rate_hz).max(10.0 * LOW_HZ);
        let pts = log_decimate(&snap.spectrum, LOW_HZ, nyq, w as usize);
        // The noise floor per bin: its RMS spread over the band's bins.
        let floor_per_bin = snap.noise_floor_dbfs.map(|n| {
            let bins = (snap.spectrum.fft_size.max(2) / 2) as f64 / snap.spectrum.enbw_bins.max(1.0);
            n + 3.01 - 10.0 * bins.log10()
        });
        let drawn = ui.scope(|ui| {
            Plot::new("stage_spectrum")
                .height(h)
                .width(w)
                .x_axis_label("frequency (Hz, log)")
                .y_axis_label("dBFS")
                .x_grid_spacer(log_frequency_marks)
                .y_grid_spacer(db_marks)
                .x_axis_formatter(|m, _| hz_short(10f64.powf(m.value)))
                .default_x_bounds(LOW_HZ.log10(), nyq.log10())
                .default_y_bounds(-160.0, 6.0)
                .allow_scroll(false)
                .show(ui, |plot_ui| {
                    plot_ui.line(Line::new("spectrum", pts).color(theme.spectrum).width(theme.line_width.min(2.0)));
                    if let Some(f) = floor_per_bin {
                        plot_ui.hline(
                            HLine::new("noise floor", f)
                                .color(theme.theory)
                                .style(LineStyle::dashed_loose())
                                .width(theme.line_width),
                        );
                    }
                });
        });
        name_plot(&drawn.response, "stage spectrum");
        crate::ui::pins::pins_ui(ui, drawn.response.rect, "stage_spectrum", &mut state.pins, theme);
    } else {
        let drawn = ui.scope(|ui| {
            Plot::new("stage_scope")
                .height(h)
                .width(w)
                .x_axis_label("time (ms)")
                .y_axis_label("amplitude")
                .default_y_bounds(-1.1, 1.1)
                .allow_scroll(false)
                .show(ui, |plot_ui| {
                    plot_ui.line(Line::new("waveform", snap.scope.clone()).color(theme.analog).width(theme.line_width));
                    for wall in [1.0, -1.0] {
                        plot_ui.hline(HLine::new("", wall).color(theme.clip).style(LineStyle::dashed_dense()));
                    }
                });
        });
        name_plot(&drawn.response, "stage waveform");
        crate::ui::pins::pins_ui(ui, drawn.response.rect, "stage_scope", &mut state.pins, theme);
    }
}
