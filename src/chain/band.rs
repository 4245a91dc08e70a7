//! The session's band: four synthesized parts (drums, bass, a formant "vocal" lead and a pad)
//! playing 8 bars of A minor at 120 BPM, rendered with fundsp. Deterministic for a seed and
//! loopable: 16 s that end where they began.
//!
//! Form: bars 1-2 intro (kick, hats, bass, soft pad), bars 3-6 full band with the lead,
//! bar 7 a breakdown (pad and lead alone), bar 8 full again. Each part is normalised to a
//! peak of 1.0 (0 dBFS at unity gain); the scene's source level scales it.

use fundsp::prelude64::{Frame, bandpass_hz, highpass_hz, lowpass, moog, noise, saw};
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;
use std::fmt;
use std::str::FromStr;

use crate::dsp::noise::Random;

/// Tempo in beats per minute.
pub const BPM: f64 = 120.0;
/// Bars in the loop.
pub const BARS: usize = 8;
/// Length of the loop in seconds.
pub const LOOP_SECS: f64 = BARS as f64 * 4.0 * 60.0 / BPM;

/// One instrument of the band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// Kick, snare and hi-hats: sharp transients, crest factor around 15 dB.
    Drums,
    /// A filtered sawtooth bass line in eighth notes.
    Bass,
    /// A vocal-like lead: a sawtooth with vibrato through vowel formants.
    Lead,
    /// Sustained chords of detuned sawtooths, softly filtered.
    Pad,
}

impl Part {
    /// All parts in the order of a session.
    pub const ALL: [Self; 4] = [Self::Drums, Self::Bass, Self::Lead, Self::Pad];

    /// The name used in scene files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Drums => "drums",
            Self::Bass => "bass",
            Self::Lead => "lead",
            Self::Pad => "pad",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Part {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|p| p.name() == s).ok_or_else(|| format!("unknown part '{s}'"))
    }
}

/// A (MIDI note) chord per bar: Am F C G Am F C G.
const CHORDS: [[u8; 3]; 4] = [[57, 60, 64], [53, 57, 60], [48, 52, 55], [55, 59, 62]];
const ROOTS: [u8; 4] = [45, 41, 48, 43];

fn midi_hz(note: f64) -> f64 {
    440.0 * 2f64.powf((note - 69.0) / 12.0)
}

fn beat_secs() -> f64 {
    60.0 / BPM
}

/// Renders one part of the loop at `sample_rate_hz`, normalised to a peak of 1.
#[must_use]
pub fn render(part: Part, seed: u64, sample_rate_hz: f64) -> Vec<f32> {
    let len = (LOOP_SECS * sample_rate_hz).round() as usize;
    let mut out = vec![0.0f64; len];
    let mut random = Random::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ part as u64);
    match part {
        Part::Drums => drums(&mut out, sample_rate_hz, &mut random),
        Part::Bass => bass(&mut out, sample_rate_hz, &mut random),
        Part::Lead => lead(&mut out, sample_rate_hz, &mut random),
        Part::Pad => pad(&mut out, sample_rate_hz),
    }
    let peak = out.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let norm = if peak > 0.0 { 1.0 / peak } else { 0.0 };
    out.iter().map(|x| (x * norm) as f32).collect()
}

/// Adds `note` (rendered from `t0` seconds) into `out`, wrapping around the loop end so the
/// loop has no seam.
/// Adds `note` into `out` from `t0` seconds on, wrapping round the end (the loop).
pub(crate) fn add_wrapped(out: &mut [f64], t0: f64, fs: f64, note: &[f64]) {
    let len = out.len();
    let start = (t0 * fs).round() as usize;
    for (i, v) in note.iter().enumerate() {
        out[(start + i) % len] += v;
    }
}

fn drums(out: &mut [f64], fs: f64, random: &mut Random) {
    let beat = beat_secs();
    for bar in 0..BARS {
        let t_bar = bar as f64 * 4.0 * beat;
        let breakdown = bar == 6;
        let intro = bar < 2;
        if breakdown {
            continue;
        }
        for b in 0..4 {
            let t = t_bar + b as f64 * beat;
            let vel = 0.85 + 0.15 * random.uniform();
            if b == 0 || b == 2 {
                add_wrapped(out, t, fs, &kick(fs, vel));
            }
            if (b == 1 || b == 3) && !intro {
                add_wrapped(out, t, fs, &snare(fs, vel, random.uniform().to_bits()));
            }
            // A pickup kick on the "and" of beat 3, now and then.
            if b == 2 && random.uniform() < 0.4 {
                add_wrapped(out, t + 0.5 * beat, fs, &kick(fs, 0.7 * vel));
            }
            for half in 0..2 {
                let open = b == 3 && half == 1;
                let v = (if half == 0 { 0.55 } else { 0.35 }) * (0.8 + 0.4 * random.uniform());
                add_wrapped(out, t + half as f64 * 0.5 * beat, fs, &hat(fs, v, open, random.uniform().to_bits()));
            }
        }
    }
}

fn kick(fs: f64, vel: f64) -> Vec<f64> {
    let n = (0.45 * fs) as usize;
    let mut phase = 0.0;
    let mut click = noise().seed(7) >> highpass_hz(2000.0, 0.7);
    click.set_sample_rate(fs);
    (0..n)
        .map(|i| {
            let t = i as f64 / fs;
            let f = 48.0 + 110.0 * (-t / 0.035).exp();
            phase += TAU * f / fs;
            let body = phase.sin() * (-t / 0.28).exp();
            let c = f64::from(click.get_mono()) * (-t / 0.004).exp() * 0.4;
            vel * (body + c)
        })
        .collect()
}

fn snare(fs: f64, vel: f64, seed: u64) -> Vec<f64> {
    let n = (0.35 * fs) as usize;
    let mut rattle = noise().seed(seed) >> bandpass_hz(3200.0, 0.9);
    rattle.set_sample_rate(fs);
    (0..n)
        .map(|i| {
            let t = i as f64 / fs;
            let tone = (TAU * 185.0 * t).sin() * (-t / 0.06).exp() * 0.6;
            let r = f64::from(rattle.get_mono()) * (-t / 0.11).exp() * 2.2;
            vel * (tone + r)
        })
        .collect()
}

fn hat(fs: f64, vel: f64, open: bool, seed: u64) -> Vec<f64> {
    let decay = if open { 0.22 } else { 0.035 };
    let n = ((decay * 6.0) * fs) as usize;
    let mut hiss = noise().seed(seed) >> highpass_hz(7500.0, 0.7);
    hiss.set_sample_rate(fs);
    (0..n)
        .map(|i| {
            let t = i as f64 / fs;
            vel * f64::from(hiss.get_mono()) * (-t / decay).exp()
        })
        .collect()
}

/// Attack-decay-sustain-release envelope value at `t` for a note held `hold` seconds.
fn adsr(t: f64, hold: f64, attack: f64, decay: f64, sustain: f64, release: f64) -> f64 {
    let level_at = |t: f64| {
        if t < attack { t / attack } else { sustain + (1.0 - sustain) * (-(t - attack) / decay).exp() }
    };
    if t < hold { level_at(t) } else { level_at(hold) * (-(t - hold) / release).exp() }
}

fn bass(out: &mut [f64], fs: f64, random: &mut Random) {
    let eighth = 0.5 * beat_secs();
    for bar in 0..BARS {
        if bar == 6 {
            continue;
        }
        let root = f64::from(ROOTS[bar % 4]);
        for step in 0..8 {
            let t0 = (bar * 8 + step) as f64 * eighth;
            let octave = if step % 4 == 3 && random.uniform() < 0.5 { 12.0 } else { 0.0 };
            let freq = midi_hz(root + octave - 12.0);
            let hold = 0.8 * eighth;
            let n = ((hold + 0.15) * fs) as usize;
            let mut osc = saw();
            let mut filter = moog();
            osc.set_sample_rate(fs);
            filter.set_sample_rate(fs);
            let vel = 0.8 + 0.2 * random.uniform();
            let note: Vec<f64> = (0..n)
                .map(|i| {
                    let t = i as f64 / fs;
                    let x = osc.tick(&Frame::from([freq as f32]))[0];
                    let cutoff = 180.0 + 1400.0 * (-t / 0.09).exp();
                    let y = filter.tick(&Frame::from([x, cutoff as f32, 0.35]))[0];
                    vel * f64::from(y) * adsr(t, hold, 0.004, 0.15, 0.7, 0.03)
                })
                .collect();
            add_wrapped(out, t0, fs, &note);
        }
    }
}

/// Formant centre frequencies and gains (dB) of five vowels.
pub(crate) const VOWELS: [[(f32, f32); 3]; 5] = [
    [(730.0, 0.0), (1090.0, -5.0), (2440.0, -12.0)],
    [(530.0, 0.0), (1840.0, -7.0), (2480.0, -12.0)],
    [(270.0, 0.0), (2290.0, -10.0), (3010.0, -14.0)],
    [(570.0, 0.0), (840.0, -4.0), (2410.0, -15.0)],
    [(300.0, 0.0), (870.0, -8.0), (2240.0, -18.0)],
];

fn lead(out: &mut [f64], fs: f64, random: &mut Random) {
    let beat = beat_secs();
    // A minor pentatonic around the chord tones, two octaves up.
    let scale = [69.0, 72.0, 74.0, 76.0, 79.0, 81.0];
    for bar in 2..BARS {
        let chord = CHORDS[bar % 4];
        let mut t = bar as f64 * 4.0 * beat;
        let end = t + 4.0 * beat;
        while t < end - 1e-9 {
            let len_beats = f64::min(if random.uniform() < 0.6 { 1.0 } else { 2.0 }, (end - t) / beat);
            let rest = random.uniform() < 0.15;
            if !rest {
                let note = if random.uniform() < 0.6 {
                    f64::from(chord[(random.uniform() * 3.0) as usize]) + 12.0
                } else {
                    scale[(random.uniform() * scale.len() as f64) as usize]
                };
                let vowel = VOWELS[(random.uniform() * VOWELS.len() as f64) as usize];
                let vel = 0.7 + 0.3 * random.uniform();
                add_wrapped(out, t, fs, &sung(fs, midi_hz(note), len_beats * beat * 0.9, vowel, vel));
            }
            t += len_beats * beat;
        }
    }
}

/// A sung (voiced) note: a sawtooth at `freq` with vibrato after 150 ms, through the three
/// formants of `vowel`, held `hold` seconds at velocity `vel`, with a 250 ms tail.
pub(crate) fn sung(fs: f64, freq: f64, hold: f64, vowel: [(f32, f32); 3], vel: f64) -> Vec<f64> {
    let n = ((hold + 0.25) * fs) as usize;
    let mut osc = saw();
    osc.set_sample_rate(fs);
    let mut formants: Vec<_> = vowel
        .iter()
        .map(|&(f, _)| {
            let mut b = bandpass_hz(f, 6.0);
            b.set_sample_rate(fs);
            b
        })
        .collect();
    let gains: Vec<f64> = vowel.iter().map(|&(_, g)| 10f64.powf(f64::from(g) / 20.0)).collect();
    (0..n)
        .map(|i| {
            let t = i as f64 / fs;
            let depth = if t > 0.15 { 0.006 } else { 0.0 };
            let f = freq * (1.0 + depth * (TAU * 5.5 * t).sin());
            let x = osc.tick(&Frame::from([f as f32]))[0];
            let mut y = 0.0;
            for (b, g) in formants.iter_mut().zip(&gains) {
                y += f64::from(b.filter_mono(x)) * g;
            }
            vel * y * adsr(t, hold, 0.04, 0.3, 0.8, 0.08)
        })
        .collect()
}

fn pad(out: &mut [f64], fs: f64) {
    let bar_secs = 4.0 * beat_secs();
    for bar in 0..BARS {
        let level = if bar < 2 { 0.45 } else { 1.0 };
        let hold = bar_secs * 0.95;
        let n = ((hold + 0.6) * fs) as usize;
        let mut voices: Vec<_> = CHORDS[bar % 4]
            .iter()
            .flat_map(|&note| {
                [-0.07, 0.07].map(|detune| {
                    let mut o = saw();
                    o.set_sample_rate(fs);
                    (o, midi_hz(f64::from(note) + detune))
                })
            })
            .collect();
        let mut filter = lowpass();
        filter.set_sample_rate(fs);
        let note: Vec<f64> = (0..n)
            .map(|i| {
                let t = i as f64 / fs;
                let x: f32 = voices.iter_mut().map(|(o, f)| o.tick(&Frame::from([*f as f32]))[0]).sum();
                let y = filter.tick(&Frame::from([x, 1400.0, 0.6]))[0];
                level * f64::from(y) * adsr(t, hold, 0.35, 1.0, 0.85, 0.4)
            })
            .collect();
        add_wrapped(out, bar as f64 * bar_secs, fs, &note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crest_db(x: &[f32]) -> f64 {
        let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let rms = (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
        20.0 * (f64::from(peak) / rms).log10()
    }

    #[test]
    fn parts_are_deterministic_normalised_and_have_realistic_crest_factors() {
        for part in Part::ALL {
            let a = render(part, 3, 24_000.0);
            let b = render(part, 3, 24_000.0);
            assert_eq!(a, b, "{part} is not deterministic");
            assert_eq!(a.len(), (LOOP_SECS * 24_000.0) as usize);
            let peak = a.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            assert!((peak - 1.0).abs() < 1e-6);
            let crest = crest_db(&a);
            let (lo, hi) = match part {
                Part::Drums => (12.0, 24.0),
                _ => (6.0, 18.0),
            };
            assert!((lo..=hi).contains(&crest), "{part}: crest factor {crest:.1} dB");
        }
        assert_ne!(render(Part::Drums, 3, 24_000.0), render(Part::Drums, 4, 24_000.0));
    }
}
