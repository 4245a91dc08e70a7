//! Decibel conversions and the few constants every module shares.

/// The lowest level any readout shows, in dB. Digital silence reads this instead of -inf.
pub const FLOOR_DB: f64 = -400.0;

/// dB per bit: 20 log10(2), the amplitude ratio of one extra bit.
pub const DB_PER_BIT: f64 = 6.020_599_913_279_624;

/// The constant of the quantization SNR formula, 10 log10(3/2) = 1.76 dB.
pub const SINE_SNR_OFFSET_DB: f64 = 1.760_912_590_556_812_4;

/// Converts a level in dB to a linear amplitude ratio (`-6.02 dB -> 0.5`).
#[must_use]
pub fn db_to_amp(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Converts a linear amplitude ratio to dB; zero or negative gives [`FLOOR_DB`].
#[must_use]
pub fn amp_to_db(amp: f64) -> f64 {
    if amp > 0.0 && amp.is_finite() {
        (20.0 * amp.log10()).max(FLOOR_DB)
    } else if amp == f64::INFINITY {
        f64::MAX
    } else {
        FLOOR_DB
    }
}

/// Converts a power ratio to dB; zero or negative gives [`FLOOR_DB`].
#[must_use]
pub fn power_to_db(power: f64) -> f64 {
    if power > 0.0 && power.is_finite() { (10.0 * power.log10()).max(FLOOR_DB) } else { FLOOR_DB }
}

/// Converts dB to a power ratio (`3.01 dB -> 2.0`).
#[must_use]
pub fn db_to_power(db: f64) -> f64 {
    10f64.powf(db / 10.0)
}

/// Amplitude of a sine whose RMS equals `rms`: AES17 reads both as the same dB figure.
pub const SQRT_2: f64 = std::f64::consts::SQRT_2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for db in [-120.0, -6.0, 0.0, 3.0, 20.0] {
            assert!((amp_to_db(db_to_amp(db)) - db).abs() < 1e-9);
            assert!((power_to_db(db_to_power(db)) - db).abs() < 1e-9);
        }
        assert!((amp_to_db(0.5) + 6.0206).abs() < 1e-3);
        assert_eq!(amp_to_db(0.0), FLOOR_DB);
        assert!((DB_PER_BIT - 20.0 * 2f64.log10()).abs() < 1e-12);
        assert!((SINE_SNR_OFFSET_DB - 10.0 * 1.5f64.log10()).abs() < 1e-12);
    }
}
