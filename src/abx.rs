//! Blind listening tests (ABX): the student hears A, B and X (secretly A or B), says which X is,
//! and learns how likely that score would be by guessing.

use crate::dsp::noise::Random;

/// One side of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Side {
    /// The first thing compared.
    #[default]
    A,
    /// The second.
    B,
}

impl Side {
    /// The other side.
    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Self::A => Self::B,
            Self::B => Self::A,
        }
    }
}

/// A series of ABX trials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Abx {
    random: Random,
    x: Side,
    /// Trials answered.
    pub trials: u32,
    /// Trials answered right.
    pub correct: u32,
    /// The answer to the last trial and whether it was right.
    pub last: Option<(Side, bool)>,
}

impl Abx {
    /// A new series; `seed` decides the hidden sides.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        let mut random = Random::new(seed);
        let x = Self::draw(&mut random);
        Self { random, x, trials: 0, correct: 0, last: None }
    }

    fn draw(random: &mut Random) -> Side {
        if random.uniform() < 0.5 { Side::A } else { Side::B }
    }

    /// What X secretly is (for the audio engine, never for the screen).
    #[must_use]
    pub fn x(&self) -> Side {
        self.x
    }

    /// The student says X is `answer`; scores it and hides a new X.
    pub fn answer(&mut self, answer: Side) -> bool {
        let right = answer == self.x;
        self.trials += 1;
        self.correct += u32::from(right);
        self.last = Some((answer, right));
        self.x = Self::draw(&mut self.random);
        right
    }

    /// The chance of scoring at least this well by guessing.
    #[must_use]
    pub fn p_value(&self) -> f64 {
        p_at_least(self.correct, self.trials)
    }
}

/// P(at least `k` right out of `n` when each guess is right half the time).
#[must_use]
pub fn p_at_least(k: u32, n: u32) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let mut total = 0.0;
    let mut c = 1.0f64; // C(n, 0)
    for i in 0..=n {
        if i >= k {
            total += c;
        }
        c = c * f64::from(n - i) / f64::from(i + 1);
    }
    total / 2f64.powi(n as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessing_odds() {
        assert!((p_at_least(0, 10) - 1.0).abs() < 1e-12);
        assert!((p_at_least(10, 10) - 1.0 / 1024.0).abs() < 1e-12);
        assert!((p_at_least(9, 10) - 11.0 / 1024.0).abs() < 1e-12);
        // C(16,12) + C(16,13) + C(16,14) + C(16,15) + C(16,16) = 1820 + 560 + 120 + 16 + 1.
        assert!((p_at_least(12, 16) - 2517.0 / 65_536.0).abs() < 1e-12);
    }

    #[test]
    fn a_perfect_listener_scores_every_trial_and_x_varies() {
        let mut abx = Abx::new(5);
        let mut seen_a = false;
        let mut seen_b = false;
        for _ in 0..20 {
            let x = abx.x();
            seen_a |= x == Side::A;
            seen_b |= x == Side::B;
            assert!(abx.answer(x));
        }
        assert_eq!((abx.trials, abx.correct), (20, 20));
        assert!(seen_a && seen_b);
        assert!(abx.p_value() < 1e-5);
    }
}
