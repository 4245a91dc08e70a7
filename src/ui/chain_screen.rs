//! The mixing desk: one strip per track (preamp, ADC with its clip light, clip gain, the
//! analog-modelled insert and its sweet spot, pan, fader), the mix bus, the master and the
//! export, each with its meters and target zone; below, the waveform and spectrum of the
//! selected stage with its noise floor.

use std::path::PathBuf;

use egui::{Align2, Color32, DragValue, FontId, RichText, ScrollArea, Sense, Stroke, Ui, vec2};
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
use crate::ui::meter::{MeterSpec, gain_reduction_ui, meter_ui};
use crate::ui::plot_data::log_decimate;
use crate::ui::spectrum_view::{LOW_HZ, db_marks, log_frequency_marks};
use crate::ui::theme::Theme;
use crate::ui::widgets::{LegendMark, hidden_view_ui, hz, hz_short, legend_row};

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
            input: crate::sim::input_track::InputControls::default(),
        }
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

const TRACK_W: f32 = 118.0;
/// Height of the controls above a strip's meters and of the row below them.
const STRIP_CONTROLS_H: f32 = 200.0;

/// Draws the desk.
pub fn chain_screen_ui(root: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme) -> ChainActions {
    let mut actions = ChainActions::default();
    egui::Panel::top("chain_toolbar").show(root, |ui| toolbar_ui(ui, state, &mut actions));
    egui::Panel::bottom("stage_views").resizable(true).default_size(220.0).min_size(150.0).show(root, |ui| {
        stage_views_ui(ui, state, snap, theme);
    });
    egui::CentralPanel::default().show(root, |ui| {
        ScrollArea::horizontal().id_salt("desk_scroll").show(ui, |ui| {
            ui.horizontal_top(|ui| {
                let before = state.scene.clone();
                desk_ui(ui, state, snap, theme, &mut actions);
                if state.scene != before {
                    actions.scene_changed = true;
                }
            });
        });
    });
    if let Some(s) = actions.select {
        state.selected = s;
    }
    actions
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
        ui.add(
            egui::TextEdit::singleline(&mut state.path)
                .hint_text("path to a .toml scene or an audio file")
                .desired_width(230.0),
        )
        .on_hover_text("Type a path (or drop a file on the window), then open, save or add it.");
        if crate::platform::files::CAN_PICK
            && ui
                .button("Choose files...")
                .on_hover_text("Open a scene or a lesson (.toml), or add audio files (WAV, FLAC, MP3, Ogg) as tracks.")
                .clicked()
        {
            actions.pick_files = true;
        }
        let path = (!state.path.trim().is_empty()).then(|| PathBuf::from(state.path.trim()));
        if ui
            .add_enabled(path.is_some(), egui::Button::new("Open scene"))
            .on_hover_text("Load the scene file at the path.")
            .clicked()
        {
            actions.open_scene.clone_from(&path);
        }
        if ui
            .add_enabled(path.is_some(), egui::Button::new("Save scene"))
            .on_hover_text("Write this session to the path as a scene file.")
            .clicked()
        {
            actions.save_scene.clone_from(&path);
        }
        if ui
            .add_enabled(path.is_some(), egui::Button::new("Add track"))
            .on_hover_text("Add the audio file at the path (WAV, FLAC, MP3, Ogg) as a track.")
            .clicked()
        {
            actions.add_track.clone_from(&path);
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
        loudness_target_ui(ui, t);
        if let Some((text, error)) = &state.message {
            let color = if *error { Color32::from_rgb(0xD5, 0x5E, 0x00) } else { ui.visuals().text_color() };
            ui.label(RichText::new(text).color(color));
        }
    });
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
        .inner_margin(6)
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

fn desk_ui(ui: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme, actions: &mut ChainActions) {
    let targets = state.scene.targets;
    let hidden = state.hidden;
    let meter_h = (ui.available_height() - STRIP_CONTROLS_H).clamp(110.0, 480.0);
    let r = state.restrictions.clone();
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
            ui.horizontal_top(|ui| {
                let n = state.scene.tracks.len();
                for i in 0..n {
                    let readout = snap.readout.tracks.get(i);
                    let t = &mut state.scene.tracks[i];
                    let look = Look { theme, meter_h, hide_meters: hidden.hides_meters(false) };
                    track_strip_ui(ui, i, t, readout, &targets, &look, state.selected, actions);
                    if i + 1 < n {
                        ui.add_space(4.0);
                    }
                }
                if n == 0 {
                    ui.label("No tracks: add one from an audio file, or open an example.");
                }
            });
        });
    });
    if shown {
        arrow_ui(ui, theme);
    }
    if section(ui, "bus", &mut |ui| {
        group_frame(ui, theme, "MIX BUS", |ui| bus_strip_ui(ui, state, snap, theme, meter_h, actions));
    }) {
        arrow_ui(ui, theme);
    }
    if section(ui, "master", &mut |ui| {
        group_frame(ui, theme, "MASTER", |ui| master_strip_ui(ui, state, snap, theme, meter_h, actions));
    }) {
        arrow_ui(ui, theme);
    }
    section(ui, "export", &mut |ui| {
        group_frame(ui, theme, "EXPORT", |ui| export_strip_ui(ui, state, snap, theme, meter_h, actions));
    });
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

/// How a strip is drawn: the theme, the meters' height, and whether a lesson hides them.
struct Look<'a> {
    theme: &'a Theme,
    meter_h: f32,
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
    let (theme, meter_h) = (look.theme, look.meter_h);
    ui.vertical(|ui| {
        ui.set_width(TRACK_W);
        ui.spacing_mut().item_spacing.y = 3.0;
        let name = ui.label(RichText::new(&t.name).strong());
        let source = match t.source.kind.part() {
            Some(p) => format!("{p}, {:.0} dBFS in", t.source.level_dbfs),
            None => format!("{:?}, {:.0} dBFS in", t.source.kind, t.source.level_dbfs).to_lowercase(),
        };
        ui.label(RichText::new(source).small().color(theme.text_weak))
            .on_hover_text("The source and its level at the preamp's input.");
        track_controls_ui(ui, i, t, readout.filter(|_| !look.hide_meters), targets, theme);
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
                    if meter_ui(ui, &format!("{} ADC", t.name), &r.adc, &spec_adc, theme, vec2(40.0, meter_h))
                        .reset_clips
                    {
                        actions.reset_clips.push(StageId::TrackAdc(i));
                    }
                });
                ui.vertical(|ui| {
                    ui.label(RichText::new("out").small());
                    if meter_ui(ui, &format!("{} out", t.name), &r.out, &spec_out, theme, vec2(50.0, meter_h))
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
pub(crate) fn adc_bits_ui(ui: &mut Ui, id: impl std::hash::Hash + std::fmt::Debug, bits: &mut BitDepth) {
    ui.horizontal(|ui| {
        ui.label("ADC").on_hover_text("The converter's word length: its noise floor, and its 0 dBFS wall.");
        egui::ComboBox::from_id_salt(id)
            .width(64.0)
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
    adc_bits_ui(ui, ("bits", i), &mut t.bits);
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
    let (rect, response) = ui.allocate_exact_size(vec2(62.0, theme.small_size + 4.0), Sense::hover());
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

fn bus_strip_ui(
    ui: &mut Ui,
    state: &mut ChainUi,
    snap: &ChainSnapshot,
    theme: &Theme,
    meter_h: f32,
    actions: &mut ChainActions,
) {
    let bus = &mut state.scene.bus;
    ui.set_width(178.0);
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
    gain_reduction_or_hidden(ui, snap.readout.compressor_gain_reduction_db, theme, 170.0, hidden);
    let spec = MeterSpec {
        zone: Some(state.scene.targets.mix_peak_dbfs),
        hidden: hidden.hides_meters(false),
        ..MeterSpec::default()
    };
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            if meter_ui(ui, "Bus", &snap.readout.bus, &spec, theme, vec2(62.0, meter_h)).reset_clips {
                actions.reset_clips.push(StageId::Bus);
            }
        });
        ui.vertical(|ui| loudness_grid(ui, &snap.readout.bus, theme, None, hidden.hides_meters(true)));
    });
    view_button(ui, "show below", StageId::Bus, state.selected, "Show the mix bus below.", actions);
}

fn master_strip_ui(
    ui: &mut Ui,
    state: &mut ChainUi,
    snap: &ChainSnapshot,
    theme: &Theme,
    meter_h: f32,
    actions: &mut ChainActions,
) {
    let targets = state.scene.targets;
    let m = &mut state.scene.master;
    ui.set_width(212.0);
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
    gain_reduction_or_hidden(ui, snap.readout.limiter_gain_reduction_db, theme, 190.0, hidden);
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
            if meter_ui(ui, "Master", &snap.readout.master, &spec, theme, vec2(62.0, meter_h)).reset_clips {
                actions.reset_clips.push(StageId::Master);
            }
        });
        ui.vertical(|ui| {
            loudness_grid(ui, &snap.readout.master, theme, Some(targets.loudness_lufs), hidden.hides_meters(true));
        });
    });
    view_button(ui, "show below", StageId::Master, state.selected, "Show the master below.", actions);
}

fn export_strip_ui(
    ui: &mut Ui,
    state: &mut ChainUi,
    snap: &ChainSnapshot,
    theme: &Theme,
    meter_h: f32,
    actions: &mut ChainActions,
) {
    let session = state.scene.sample_rate_hz;
    let targets = state.scene.targets;
    let e = &mut state.scene.export;
    ui.set_width(188.0);
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
            .width(58.0)
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
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            if meter_ui(ui, "Export", &snap.readout.export, &spec, theme, vec2(62.0, meter_h)).reset_clips {
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

fn stage_views_ui(ui: &mut Ui, state: &mut ChainUi, snap: &ChainSnapshot, theme: &Theme) {
    let h = (ui.available_height() - 40.0).max(80.0);
    ui.horizontal(|ui| {
        ui.strong(stage_name(&state.scene, state.selected));
        ui.label(RichText::new(format!("at {:.1} s", snap.position_secs)).small().color(theme.text_weak));
        legend_row(
            ui,
            &[
                (LegendMark::Line, theme.analog, "waveform / spectrum"),
                (LegendMark::Dashed, theme.theory, "noise floor (all sources silent)"),
                (LegendMark::Dashed, theme.clip, "0 dBFS"),
            ],
        );
    });
    let w = (ui.available_width() - 12.0) / 2.0;
    let hidden = state.hidden;
    ui.horizontal(|ui| {
        let scope = ui.allocate_ui(vec2(w, h), |ui| {
            if hidden.contains(View::Time) {
                hidden_view_ui(ui, vec2(w, h), "waveform");
                return;
            }
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
        crate::ui::pins::pins_ui(ui, scope.response.rect, "stage_scope", &mut state.pins, theme);
        let spectrum = ui.allocate_ui(vec2(w, h), |ui| {
            if hidden.contains(View::Spectrum) {
                hidden_view_ui(ui, vec2(w, h), "spectrum");
                return;
            }
            // Without a running session the rate is unknown: keep the axis valid (min < max).
            let nyq = (0.5 * snap.sample_rate_hz).max(10.0 * LOW_HZ);
            let pts = log_decimate(&snap.spectrum, LOW_HZ, nyq, w as usize);
            // The noise floor per bin: its RMS spread over the band's bins.
            let floor_per_bin = snap.noise_floor_dbfs.map(|n| {
                let bins = (snap.spectrum.fft_size.max(2) / 2) as f64 / snap.spectrum.enbw_bins.max(1.0);
                n + 3.01 - 10.0 * bins.log10()
            });
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
        crate::ui::pins::pins_ui(ui, spectrum.response.rect, "stage_spectrum", &mut state.pins, theme);
    });
}
