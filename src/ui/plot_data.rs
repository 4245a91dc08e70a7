//! Turning model data into what the pixels can show: spectra decimated per pixel column on a
//! logarithmic frequency axis, stems for sample lollipops.

use crate::analysis::spectrum::Spectrum;

/// The spectrum as (log10 Hz, dBFS) points, at most one peak per pixel column between `lo_hz`
/// and `hi_hz` (where bins are sparser than columns, every bin is kept).
#[must_use]
pub fn log_decimate(spectrum: &Spectrum, lo_hz: f64, hi_hz: f64, columns: usize) -> Vec<[f64; 2]> {
    let (xlo, xhi) = (lo_hz.max(1e-3).log10(), hi_hz.max(lo_hz * 1.01).log10());
    let columns = columns.max(16) as f64;
    let mut out = Vec::with_capacity(columns as usize + 16);
    let mut current: Option<(i64, f64, f64)> = None; // (column, x of max, max dB)
    for (k, &db) in spectrum.db.iter().enumerate().skip(1) {
        let f = spectrum.freq_of(k);
        if f < lo_hz {
            continue;
        }
        if f > hi_hz {
            break;
        }
        let x = f.log10();
        let col = ((x - xlo) / (xhi - xlo) * columns).floor() as i64;
        let db = f64::from(db);
        match &mut current {
            Some((c, bx, bmax)) if *c == col => {
                if db > *bmax {
                    *bx = x;
                    *bmax = db;
                }
            }
            _ => {
                if let Some((_, bx, bmax)) = current.take() {
                    out.push([bx, bmax]);
                }
                current = Some((col, x, db));
            }
        }
    }
    if let Some((_, bx, bmax)) = current {
        out.push([bx, bmax]);
    }
    out
}

/// A single polyline that draws a stem from the baseline to every sample and back (the
/// baseline between stems is drawn too, as the zero line).
#[must_use]
pub fn stems(samples: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut out = Vec::with_capacity(samples.len() * 3);
    for &[t, y] in samples {
        out.push([t, 0.0]);
        out.push([t, y]);
        out.push([t, 0.0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimation_keeps_the_peaks_and_bounds_the_points() {
        let mut db = vec![-120.0f32; 32_769];
        db[1365] = -1.0; // 1 kHz at 48 kHz, 65 536 points
        let s = Spectrum { sample_rate_hz: 48_000.0, fft_size: 65_536, db, ..Spectrum::default() };
        let pts = log_decimate(&s, 20.0, 24_000.0, 800);
        assert!(pts.len() <= 900, "{} points", pts.len());
        let peak = pts.iter().fold(f64::MIN, |m, p| m.max(p[1]));
        assert_eq!(peak, -1.0);
        let at = pts.iter().find(|p| p[1] == -1.0).expect("peak kept");
        assert!((10f64.powf(at[0]) - s.freq_of(1365)).abs() < 1e-6);
    }
}
