//! Whole views a lesson step can hide, so a prediction is made before anything on screen gives
//! the answer away: plain data ([`ViewSet`]) that the converter screen, the desk and the lesson
//! panel obey.

use std::fmt;

/// A view of the screens that can be hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// The converter's time view; the desk's waveform of the selected stage.
    Time,
    /// The converter's spectrum; the desk's spectrum of the selected stage.
    Spectrum,
    /// The converter's quantization-error view.
    Error,
    /// The converter's SNR-against-bits plot and its bit meter.
    Bits,
    /// The converter's measurement readouts (shown as "?"), and the goal's values in the
    /// lesson panel.
    Readouts,
    /// The alias marks of the spectrum and the alias list of the readouts.
    Aliases,
    /// Every meter of the desk (peaks, clip lights, loudness, gain reduction, sweet spots).
    Meters,
    /// The desk's loudness figures only (LUFS, LRA, PLR).
    Loudness,
}

impl View {
    /// Every view, in the order they are documented.
    pub const ALL: [Self; 8] = [
        Self::Time,
        Self::Spectrum,
        Self::Error,
        Self::Bits,
        Self::Readouts,
        Self::Aliases,
        Self::Meters,
        Self::Loudness,
    ];

    /// The name lesson files use.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Time => "time",
            Self::Spectrum => "spectrum",
            Self::Error => "error",
            Self::Bits => "bits",
            Self::Readouts => "readouts",
            Self::Aliases => "aliases",
            Self::Meters => "meters",
            Self::Loudness => "loudness",
        }
    }

    /// What it hides, for people.
    #[must_use]
    pub fn about(self) -> &'static str {
        match self {
            Self::Time => "the time view (converter) or the waveform below the desk",
            Self::Spectrum => "the spectrum (converter) or the spectrum below the desk",
            Self::Error => "the quantization-error view",
            Self::Bits => "SNR against bit depth and the bit meter",
            Self::Readouts => "the converter's measurements, and the goal's values",
            Self::Aliases => "the alias marks and the alias list",
            Self::Meters => "every meter of the desk, clip lights included",
            Self::Loudness => "the desk's loudness figures (LUFS, LRA, PLR)",
        }
    }

    /// A short name for people ("spectrum", "quantization error").
    #[must_use]
    pub fn about_short(self) -> &'static str {
        match self {
            Self::Time => "time view",
            Self::Spectrum => "spectrum",
            Self::Error => "quantization error",
            Self::Bits => "SNR and bits",
            Self::Readouts => "measurements",
            Self::Aliases => "aliases",
            Self::Meters => "meter",
            Self::Loudness => "loudness",
        }
    }

    /// The view named `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of views (hidden ones, in practice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ViewSet(u16);

impl ViewSet {
    /// No view.
    pub const EMPTY: Self = Self(0);

    /// The set of `views`.
    #[must_use]
    pub fn of(views: &[View]) -> Self {
        Self(views.iter().fold(0, |acc, v| acc | v.bit()))
    }

    /// Whether `view` is in the set.
    #[must_use]
    pub fn contains(self, view: View) -> bool {
        self.0 & view.bit() != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds `view`.
    pub fn insert(&mut self, view: View) {
        self.0 |= view.bit();
    }

    /// Removes `view`.
    pub fn remove(&mut self, view: View) {
        self.0 &= !view.bit();
    }

    /// Both sets together.
    #[must_use]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The views in the set, in [`View::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = View> {
        View::ALL.into_iter().filter(move |v| self.contains(*v))
    }

    /// Whether the desk's meters are hidden (all of them, or only the loudness figures when
    /// `loudness` is asked about).
    #[must_use]
    pub fn hides_meters(self, loudness: bool) -> bool {
        self.contains(View::Meters) || (loudness && self.contains(View::Loudness))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_hold_what_was_put_in() {
        for v in View::ALL {
            assert_eq!(View::from_name(v.name()), Some(v));
        }
        assert_eq!(View::from_name("plots"), None);
        let mut s = ViewSet::of(&[View::Spectrum, View::Aliases]);
        assert!(s.contains(View::Spectrum) && s.contains(View::Aliases) && !s.contains(View::Time));
        s.remove(View::Spectrum);
        s.insert(View::Meters);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![View::Aliases, View::Meters]);
        assert!(s.hides_meters(false) && s.hides_meters(true));
        let l = ViewSet::of(&[View::Loudness]);
        assert!(!l.hides_meters(false) && l.hides_meters(true));
        assert!(ViewSet::EMPTY.is_empty() && !l.is_empty());
    }
}
