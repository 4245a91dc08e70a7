//! The converter's controls: source, analog stage, sampling, quantization, reconstruction and
//! analysis settings. Every control shows its value with units and says what it does.

use egui::Ui;

use crate::analysis::window::Window;
use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::AaFilterKind;
use crate::dsp::quantizer::{BitDepth, DitherKind, NoiseShaping, Rounding};
use crate::dsp::reconstruct::Reconstruction;
use crate::dsp::source::SourceKind;
use crate::sim::ViewSettings;
use crate::ui::widgets::{Restrictions, hz, slider, slider_with, tip};

/// The sample rates offered as presets.
pub const RATE_PRESETS: [f64; 8] = [8_000.0, 16_000.0, 22_050.0, 32_000.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0];
/// FFT sizes offered.
pub const FFT_SIZES: [usize; 5] = [4096, 8192, 16_384, 32_768, 65_536];

/// Draws the controls; returns true if any setting changed.
pub fn controls_ui(ui: &mut Ui, params: &mut ConverterParams, view: &mut ViewSettings) -> bool {
    restricted_controls_ui(ui, params, view, &Restrictions::default())
}

/// As [`controls_ui`], with some controls locked or hidden by a lesson.
pub fn restricted_controls_ui(
    ui: &mut Ui,
    params: &mut ConverterParams,
    view: &mut ViewSettings,
    r: &Restrictions,
) -> bool {
    let before_source = (params.source.kind, params.source.freq_hz, params.source.freq2_hz, params.sample_rate_hz);
    let mut changed = false;
    changed |= source_ui(ui, params, r);
    ui.separator();
    changed |= sampling_ui(ui, params, r);
    ui.separator();
    changed |= quantization_ui(ui, params, r);
    ui.separator();
    changed |= r.gate(ui, "reconstruction", None, |ui| reconstruction_ui(ui, params));
    ui.separator();
    changed |= analysis_ui(ui, view);
    let after_source = (params.source.kind, params.source.freq_hz, params.source.freq2_hz, params.sample_rate_hz);
    if before_source != after_source {
        // A new source or rate: show a few cycles of it.
        view.time_offset_secs = 0.0;
        view.time_span_secs = ViewSettings::default_span_secs(params);
        changed = true;
    }
    changed
}

fn source_ui(ui: &mut Ui, p: &mut ConverterParams, r: &Restrictions) -> bool {
    let mut changed = false;
    if !r.hides("source", None) {
        ui.strong("Source");
    }
    let s = &mut p.source;
    changed |= r.gate(ui, "signal", Some("source"), |ui| {
        tip(
            egui::ComboBox::from_label("Signal")
                .selected_text(s.kind.label())
                .show_ui(ui, |ui| {
                    let mut c = false;
                    for kind in SourceKind::ALL {
                        c |= ui.selectable_value(&mut s.kind, kind, kind.label()).changed();
                    }
                    c
                })
                .response,
            "The analog waveform fed into the converter; Live input: the microphone's.",
        )
    });
    if s.kind.is_live() {
        ui.label(
            egui::RichText::new(
                "The input's own samples are the analog signal, so nothing above half its rate exists in it.",
            )
            .weak(),
        );
        changed |= r.gate(ui, "analog", None, |ui| analog_ui(ui, p));
        return changed;
    }
    changed |= r.gate(ui, "freq", Some("source"), |ui| freq_ui(ui, s));
    let level_tip = if s.kind.is_noise() {
        "Level of the noise, as the RMS of a sine with this peak."
    } else {
        "Peak level of the waveform relative to full scale."
    };
    changed |= r.gate(ui, "level", Some("source"), |ui| {
        slider(ui, &mut s.level_dbfs, -100.0..=6.0, "Level", " dBFS", level_tip)
    });
    if !s.kind.is_noise() {
        changed |= r.gate(ui, "phase", Some("source"), |ui| {
            slider_with(ui, &mut s.phase_deg, 0.0..=360.0, "Phase", "°", "Starting phase of the waveform.", false, 0)
        });
    }
    changed |= r.gate(ui, "analog", None, |ui| analog_ui(ui, p));
    changed
}

fn freq_ui(ui: &mut Ui, s: &mut crate::dsp::source::SourceParams) -> bool {
    let mut changed = false;
    if s.kind != SourceKind::WhiteNoise && s.kind != SourceKind::PinkNoise {
        let (label, tooltip) = match s.kind {
            SourceKind::Sweep => ("Sweep from", "Where the logarithmic sweep starts."),
            SourceKind::TwoTone => ("Tone 1", "Frequency of the first of the two tones."),
            SourceKind::Impulse => ("Click rate", "How many clicks per second."),
            _ => ("Frequency", "The fundamental frequency; harmonics of non-sine waves lie at its multiples."),
        };
        changed |= slider_with(ui, &mut s.freq_hz, 10.0..=96_000.0, label, " Hz", tooltip, true, 1);
    }
    if s.kind.uses_second_freq() {
        let (label, tooltip) = if s.kind == SourceKind::Sweep {
            ("Sweep to", "Where the sweep ends: take it past Nyquist to hear aliases fall as it rises.")
        } else {
            ("Tone 2", "Frequency of the second tone.")
        };
        changed |= slider_with(ui, &mut s.freq2_hz, 10.0..=96_000.0, label, " Hz", tooltip, true, 1);
    }
    if s.kind == SourceKind::Sweep {
        changed |= slider(ui, &mut s.sweep_secs, 0.5..=30.0, "Sweep time", " s", "How long one sweep takes.");
    }
    changed
}

fn analog_ui(ui: &mut Ui, p: &mut ConverterParams) -> bool {
    let mut changed = false;
    ui.add_space(4.0);
    ui.strong("Analog stage");
    changed |= slider(
        ui,
        &mut p.analog_gain_db,
        -40.0..=40.0,
        "Analog gain",
        " dB",
        "Gain before the converter: push it past 0 dBFS to clip.",
    );
    if p.source.kind.is_live() {
        // The input brings its own noise.
        return changed;
    }
    let mut noise_on = p.noise_floor_dbfs.is_some();
    if tip(
        ui.checkbox(&mut noise_on, "Analog noise floor"),
        "Adds the hiss of analog electronics before the converter.",
    ) {
        p.noise_floor_dbfs = noise_on.then_some(-100.0);
        changed = true;
    }
    if let Some(level) = &mut p.noise_floor_dbfs {
        changed |= slider(
            ui,
            level,
            -160.0..=-20.0,
            "Noise floor",
            " dBFS",
            "RMS of the analog noise in the 20 Hz-20 kHz band.",
        );
    }
    changed
}

fn sampling_ui(ui: &mut Ui, p: &mut ConverterParams, r: &Restrictions) -> bool {
    let mut changed = false;
    ui.strong("Sampling");
    changed |= r.gate(ui, "sample_rate", None, |ui| sample_rate_ui(ui, p));
    changed |= r.gate(ui, "aa_filter", None, |ui| filter_ui(ui, p));
    changed
}

fn sample_rate_ui(ui: &mut Ui, p: &mut ConverterParams) -> bool {
    let mut changed = false;
    changed |= tip(
        egui::ComboBox::from_label("Sample rate")
            .selected_text(hz(p.sample_rate_hz))
            .show_ui(ui, |ui| {
                let mut c = false;
                for rate in RATE_PRESETS {
                    c |= ui.selectable_value(&mut p.sample_rate_hz, rate, hz(rate)).changed();
                }
                c
            })
            .response,
        "Samples per second; the highest frequency it can hold is half of it (Nyquist).",
    );
    ui.horizontal(|ui| {
        changed |= tip(
            ui.add(egui::DragValue::new(&mut p.sample_rate_hz).range(1_000.0..=192_000.0).speed(10.0).suffix(" Hz")),
            "Any sample rate from 1 000 to 192 000 Hz.",
        );
        ui.label(format!("Nyquist {}", hz(p.nyquist_hz())));
    });
    changed
}

fn filter_ui(ui: &mut Ui, p: &mut ConverterParams) -> bool {
    let mut changed = false;
    ui.label("Anti-alias filter");
    ui.horizontal(|ui| {
        for kind in AaFilterKind::ALL {
            let text = match kind {
                AaFilterKind::Off => "Off",
                AaFilterKind::Gentle => "Gentle",
                AaFilterKind::Steep => "Steep",
            };
            let tooltip = match kind {
                AaFilterKind::Off => "No filter: everything above Nyquist folds back as aliases.",
                AaFilterKind::Gentle => {
                    "A 3rd-order analog filter: cheap, and part of what lies above Nyquist gets through."
                }
                AaFilterKind::Steep => "A modern converter's filter: flat to 0.9 x Nyquist, nothing from Nyquist up.",
            };
            changed |= tip(ui.selectable_value(&mut p.aa_filter.kind, kind, text), tooltip);
        }
    });
    if p.aa_filter.kind != AaFilterKind::Off {
        let mut auto = p.aa_filter.cutoff_hz.is_none();
        if tip(ui.checkbox(&mut auto, "Cutoff at 0.9 × Nyquist"), "Let the cutoff follow the sample rate.") {
            p.aa_filter.cutoff_hz = if auto { None } else { Some(0.9 * p.nyquist_hz()) };
            changed = true;
        }
        if let Some(c) = &mut p.aa_filter.cutoff_hz {
            changed |=
                slider_with(ui, c, 100.0..=100_000.0, "Cutoff", " Hz", "Where the filter starts to cut.", true, 0);
        }
    }
    changed
}

fn quantization_ui(ui: &mut Ui, p: &mut ConverterParams, r: &Restrictions) -> bool {
    let mut changed = false;
    ui.strong("Quantization");
    changed |= r.gate(ui, "bits", None, |ui| bits_ui(ui, p));
    let q = &mut p.quantizer;
    let fixed = q.bit_depth != BitDepth::Float32;
    ui.add_enabled_ui(fixed, |ui| {
        changed |= r.gate(ui, "rounding", None, |ui| rounding_ui(ui, q));
        changed |= r.gate(ui, "dither", None, |ui| dither_ui(ui, q));
    });
    changed
}

fn bits_ui(ui: &mut Ui, p: &mut ConverterParams) -> bool {
    let mut changed = false;
    let q = &mut p.quantizer;
    let mut float = q.bit_depth == BitDepth::Float32;
    let mut bits = match q.bit_depth {
        BitDepth::Fixed(n) => n,
        BitDepth::Float32 => 24,
    };
    let slider = ui.add_enabled(!float, egui::Slider::new(&mut bits, 1..=24).text("Bit depth").suffix(" bits"));
    if tip(slider, "Bits per sample: each one doubles the levels and adds 6.02 dB of dynamic range.") {
        q.bit_depth = BitDepth::Fixed(bits);
        changed = true;
    }
    if tip(
        ui.checkbox(&mut float, "32-bit float"),
        "A 24-bit mantissa with an exponent: no clipping, ~150 dB SNR at any level.",
    ) {
        q.bit_depth = if float { BitDepth::Float32 } else { BitDepth::Fixed(bits) };
        changed = true;
    }
    changed
}

fn rounding_ui(ui: &mut Ui, q: &mut crate::dsp::quantizer::QuantizerSettings) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label("Rounding");
        changed |= tip(
            ui.selectable_value(&mut q.rounding, Rounding::Round, "Round"),
            "To the nearest level: error within ±½ LSB.",
        );
        changed |= tip(
            ui.selectable_value(&mut q.rounding, Rounding::Truncate, "Truncate"),
            "Always down: error between 0 and -1 LSB, a DC offset of half an LSB.",
        );
    });
    changed
}

fn dither_ui(ui: &mut Ui, q: &mut crate::dsp::quantizer::QuantizerSettings) -> bool {
    let mut changed = false;
    {
        ui.horizontal(|ui| {
            ui.label("Dither");
            for (kind, text, tooltip) in [
                (DitherKind::None, "None", "No dither: small signals turn into distortion or vanish."),
                (DitherKind::Rpdf, "RPDF", "Rectangular noise of ±½ LSB: noise floor +3 dB."),
                (
                    DitherKind::Tpdf,
                    "TPDF",
                    "Triangular noise of ±1 LSB: noise floor +4.8 dB, error independent of the signal.",
                ),
            ] {
                if tip(ui.selectable_value(&mut q.dither.kind, kind, text), tooltip) {
                    q.dither.amplitude_lsb = None;
                    changed = true;
                }
            }
        });
        if q.dither.kind != DitherKind::None {
            let mut amp = q.dither.amplitude();
            if slider_with(
                ui,
                &mut amp,
                0.0..=4.0,
                "Dither peak",
                " LSB",
                "Peak of the dither noise, in steps of the quantizer.",
                false,
                2,
            ) {
                q.dither.amplitude_lsb = Some(amp);
                changed = true;
            }
        }
        changed |= tip(
            egui::ComboBox::from_label("Noise shaping")
                .selected_text(q.noise_shaping.label())
                .show_ui(ui, |ui| {
                    let mut c = false;
                    for ns in NoiseShaping::ALL {
                        c |= ui.selectable_value(&mut q.noise_shaping, ns, ns.label()).changed();
                    }
                    c
                })
                .response,
            "Moves the quantization noise towards high frequencies, where the ear is less sensitive.",
        );
    }
    changed
}

fn reconstruction_ui(ui: &mut Ui, p: &mut ConverterParams) -> bool {
    let mut changed = false;
    ui.strong("Reconstruction");
    ui.horizontal(|ui| {
        changed |= tip(
            ui.selectable_value(&mut p.reconstruction, Reconstruction::Staircase, "Staircase"),
            "Hold each sample until the next: the steps are images above Nyquist.",
        );
        changed |= tip(
            ui.selectable_value(&mut p.reconstruction, Reconstruction::BandLimited, "Band-limited"),
            "What a real DAC outputs: the smooth curve through the samples.",
        );
    });
    changed
}

fn analysis_ui(ui: &mut Ui, view: &mut ViewSettings) -> bool {
    let mut changed = false;
    ui.strong("Analysis");
    changed |= tip(
        egui::ComboBox::from_label("FFT size")
            .selected_text(format!("{}", view.fft_size))
            .show_ui(ui, |ui| {
                let mut c = false;
                for n in FFT_SIZES {
                    c |= ui.selectable_value(&mut view.fft_size, n, format!("{n}")).changed();
                }
                c
            })
            .response,
        "Samples per spectrum: more gives finer frequency resolution and a lower noise floor per bin.",
    );
    changed |= tip(
        egui::ComboBox::from_label("Window")
            .selected_text(view.window.label())
            .show_ui(ui, |ui| {
                let mut c = false;
                for w in Window::ALL {
                    c |= ui.selectable_value(&mut view.window, w, w.label()).changed();
                }
                c
            })
            .response,
        "The taper before the FFT: narrower peaks or less leakage.",
    );
    let mut span_ms = view.time_span_secs * 1000.0;
    if slider_with(ui, &mut span_ms, 0.05..=1000.0, "Time span", " ms", "How much time the time view shows.", true, 4) {
        view.time_span_secs = span_ms / 1000.0;
        changed = true;
    }
    changed
}
