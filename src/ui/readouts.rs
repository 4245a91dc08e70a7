//! The converter's readouts: measured SNR against theory, ENOB, distortion, peaks, headroom,
//! clipping and the alias list. Hidden ones show "?" (predict first, then reveal).

use egui::{Grid, RichText, Ui};

use crate::dsp::converter::ConverterParams;
use crate::sim::converter_view::{ConverterSnapshot, LiveSnapshot};
use crate::ui::theme::Theme;
use crate::ui::widgets::{db, hz_short};

/// One row of readouts: label, value, tooltip.
fn row(ui: &mut Ui, label: &str, value: String, tooltip: &str, hidden: bool) {
    ui.label(label).on_hover_text(tooltip);
    let shown = if hidden { "?".to_string() } else { value };
    ui.label(RichText::new(shown).monospace().strong()).on_hover_text(tooltip);
    ui.end_row();
}

/// Draws the readouts; `hidden` shows every value as "?", `hide_aliases` the aliases' places.
pub fn readouts_ui(
    ui: &mut Ui,
    snap: &ConverterSnapshot,
    params: &ConverterParams,
    theme: &Theme,
    hidden: bool,
    hide_aliases: bool,
) {
    ui.heading("Measurements");
    if let Some(live) = &snap.live {
        live_input_ui(ui, live, theme);
    }
    Grid::new("converter_readouts").num_columns(2).spacing([12.0, 4.0]).striped(true).show(ui, |ui| {
        if let Some(live) = &snap.live {
            live_snr_rows(ui, live, hidden);
        } else if let Some(s) = snap.sine {
            row(
                ui,
                "SNR (measured)",
                format!("{:.2} dB", s.snr_db),
                "Signal over all quantization error, measured from the spectrum.",
                hidden,
            );
            row(
                ui,
                "SNR (theory)",
                format!("{:.2} dB", snap.theory_snr_db),
                "6.02 N + 1.76 dB, plus the signal's level, minus the dither's extra noise.",
                hidden,
            );
            row(
                ui,
                "difference",
                format!("{:+.2} dB", s.snr_db - snap.theory_snr_db),
                "Measured minus theory.",
                hidden,
            );
            row(
                ui,
                "ENOB",
                format!("{:.2} bits", s.enob_bits),
                "(SINAD - 1.76) / 6.02: the bits this signal really uses.",
                hidden,
            );
            row(ui, "THD", db(s.thd_db, "dB"), "Harmonics 2 to 10 relative to the tone.", hidden);
            row(
                ui,
                "SNR excl. harmonics",
                format!("{:.2} dB", s.snr_excl_harmonics_db),
                "The analyzer's narrower SNR: harmonics not counted as noise.",
                hidden,
            );
        } else {
            ui.label("SNR");
            ui.label(RichText::new("sine sources only").weak());
            ui.end_row();
        }
        let l = &snap.levels;
        row(ui, "sample peak", db(l.sample_peak_dbfs, "dBFS"), "The largest sample.", hidden);
        row(
            ui,
            "true peak",
            db(l.true_peak_dbtp, "dBTP"),
            "The largest value between samples, 4x oversampled (ITU-R BS.1770).",
            hidden,
        );
        row(ui, "headroom", db(l.headroom_db, "dB"), "How far the largest sample is below 0 dBFS.", hidden);
        row(ui, "RMS", db(l.rms_dbfs, "dBFS"), "Plain RMS: a full-scale sine reads -3.01 dBFS.", hidden);
        row(ui, "crest factor", db(l.crest_factor_db, "dB"), "Peak over RMS: 3.01 dB for a sine.", hidden);
        let clip_text = RichText::new(format!("{}", snap.clipped_samples)).monospace().strong();
        ui.label("clipped samples").on_hover_text("Samples that hit the top or bottom code (in the analysed block).");
        if hidden {
            ui.label(RichText::new("?").monospace().strong());
        } else if snap.clipped_samples > 0 {
            ui.label(clip_text.color(theme.clip));
        } else {
            ui.label(clip_text);
        }
        ui.end_row();
        row(
            ui,
            "DC offset",
            format!("{:+.2e}", l.dc_offset),
            "The mean value; truncation shifts it by half an LSB.",
            hidden,
        );
    });
    ui.add_space(6.0);
    aliases_ui(ui, snap, params, theme, hidden || hide_aliases);
}

/// The aliases: what folds where (`hidden`: the places and levels as "?").
fn aliases_ui(ui: &mut Ui, snap: &ConverterSnapshot, params: &ConverterParams, theme: &Theme, hidden: bool) {
    ui.strong("Aliases").on_hover_text("Components above Nyquist and where sampling folds them: |f - k fs|.");
    let visible: Vec<_> = snap.aliases.iter().filter(|a| a.visible || a.level_dbfs > -200.0).take(6).collect();
    if let Some(live) = snap.live.as_ref().filter(|l| l.input_rate_hz > 0.0) {
        let (nyquist, top) = (0.5 * snap.sample_rate_hz, 0.5 * live.input_rate_hz);
        let text = if top > nyquist {
            format!(
                "whatever the filter leaves between {} and {} folds below {}",
                hz_short(nyquist),
                hz_short(top),
                hz_short(nyquist)
            )
        } else {
            "none: the input holds nothing above Nyquist".to_string()
        };
        ui.label(RichText::new(text).weak());
    } else if visible.is_empty() {
        ui.label(RichText::new("none above the noise").weak());
    } else {
        for a in visible {
            let text = format!(
                "{} -> {}  ({})",
                hz_short(a.original_hz),
                if hidden { "?".into() } else { hz_short(a.alias_hz) },
                if hidden { "?".into() } else { db(a.measured_dbfs.unwrap_or(a.level_dbfs), "dBFS") }
            );
            let color = if a.visible { theme.alias } else { theme.text_weak };
            ui.label(RichText::new(text).monospace().color(color));
        }
    }
    if params.aa_filter.kind == crate::dsp::filter::AaFilterKind::Off
        && snap.aliases.is_empty()
        && !params.source.kind.is_noise()
        && !params.source.kind.is_live()
    {
        ui.label(RichText::new("nothing above Nyquist").weak());
    }
}

/// Where the live input comes from and what limits it, or why there is none.
fn live_input_ui(ui: &mut Ui, live: &LiveSnapshot, theme: &Theme) {
    if live.input_rate_hz > 0.0 {
        ui.label(format!("Live input: {} at {:.0} Hz", live.device, live.input_rate_hz));
        ui.label(
            RichText::new(format!(
                "Nothing above {:.0} Hz (half the input's rate) exists in it.",
                0.5 * live.input_rate_hz
            ))
            .weak(),
        );
    }
    if let Some(why) = &live.problem {
        ui.label(RichText::new(why).color(theme.clip));
    }
    ui.add_space(4.0);
}

/// Signal-to-noise for any signal: measured from the samples, and what uniform error predicts
/// for this signal's power. A voice is not a sine, so the sine test's figures are not shown.
fn live_snr_rows(ui: &mut Ui, live: &LiveSnapshot, hidden: bool) {
    let Some(snr) = live.snr_db else {
        ui.label("SNR");
        ui.label(RichText::new("no signal yet").weak());
        ui.end_row();
        return;
    };
    row(
        ui,
        "SNR (measured)",
        format!("{snr:.2} dB"),
        "The power of the signal the quantizer was given over the power of its error (output minus input).",
        hidden,
    );
    if let Some(t) = live.theory_snr_db {
        row(
            ui,
            "SNR (theory)",
            format!("{t:.2} dB"),
            "Uniform error of LSB²/12 against this signal's power: 6.02 N + 1.76 dB for a full-scale sine, \
             lower by as much as the signal's power sits below that sine's. It holds while the signal is \
             busy and large; a quiet or simple one makes the error correlated.",
            hidden,
        );
    } else {
        ui.label("SNR (theory)");
        ui.label(RichText::new("fixed point without noise shaping only").weak());
        ui.end_row();
    }
    row(
        ui,
        "as a sine of",
        db(live.sine_level_dbfs, "dBFS"),
        "The peak level of a sine with this signal's power (its RMS + 3.01 dB): a voice peaks far higher.",
        hidden,
    );
}
