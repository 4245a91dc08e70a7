//! Figures for slides and handouts: the current measurements as CSV (named like the goals of a
//! lesson, from the same readers), and file names made of the scene and a timestamp.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::lesson::expr::{Reader, Value};
use crate::lesson::measure::Measured;
use crate::lesson::quantity::{
    CONVERTER_QUANTITIES, DESK_QUANTITIES, METER_QUANTITIES, Quantity, Scope, StageSel, Tap, TrackSel, Unit,
};

/// `time` as `YYYY-MM-DD_HH-MM-SS` in UTC (sorts by time; no characters a file system refuses).
#[must_use]
pub fn timestamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02}_{:02}-{:02}-{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A file-name-safe form of `name`: lowercase letters, digits and dashes ("scene" if empty).
#[must_use]
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(48).collect::<String>();
    if out.is_empty() { "scene".into() } else { out }
}

/// `DIR/BASE.EXT`, with `-2`, `-3`... added to `BASE` if that file exists already.
#[must_use]
pub fn unused_path(dir: &Path, base: &str, ext: &str) -> PathBuf {
    let mut path = dir.join(format!("{base}.{ext}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{base}-{n}.{ext}"));
        n += 1;
    }
    path
}

/// `DIR/SCENE_TIMESTAMP.EXT`, never an existing file (see [`unused_path`]).
#[must_use]
pub fn figure_path(dir: &Path, scene_name: &str, stamp: &str, ext: &str) -> PathBuf {
    unused_path(dir, &format!("{}_{stamp}", slug(scene_name)), ext)
}

/// Where figures go: `<data folder>/figures`.
#[must_use]
pub fn default_dir(data_dir: Option<&Path>) -> Option<PathBuf> {
    data_dir.map(Path::to_path_buf).or_else(crate::fsutil::data_dir).map(|d| d.join("figures"))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn row(out: &mut String, name: &str, value: &Value, unit: Unit, about: &str) {
    let (v, note) = match value {
        Value::Num(x) if x.is_finite() => (format!("{x:.4}"), String::new()),
        Value::Num(x) => ((if *x < 0.0 { "-inf" } else { "inf" }).to_string(), String::new()),
        Value::Sym(s) => (s.clone(), String::new()),
        Value::Missing(why) => (String::new(), why.clone()),
    };
    let _ = writeln!(
        out,
        "{},{},{},{},{}",
        csv_field(name),
        csv_field(&v),
        csv_field(unit.suffix()),
        csv_field(about),
        csv_field(&note)
    );
}

/// The measurements of the screen on show in `m` as CSV: a comment line with the scene and
/// the time, a header, then one row per quantity, named as in lesson goals
/// (`snr_db`, `master.true_peak_dbtp`, `track(Drums).adc.sample_peak_dbfs`): settings and
/// readings of the converter, or every meter of the desk.
#[must_use]
pub fn measurements_csv(m: &Measured, scene_name: &str, stamp: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Headroom Lab measurements: {} at {stamp} UTC", scene_name.replace(['\n', '\r'], " "));
    out.push_str("quantity,value,unit,about,note\n");
    match m.state.screen {
        Scope::Converter => {
            for e in CONVERTER_QUANTITIES {
                row(&mut out, e.name, &m.read(&Quantity::Conv(e.which)), e.unit, e.about);
            }
        }
        Scope::Desk => {
            let mut stages: Vec<(String, StageSel)> = Vec::new();
            for t in &m.state.scene.tracks {
                for (tap, word) in [(Tap::Adc, "adc"), (Tap::Plugin, "plugin"), (Tap::Out, "out")] {
                    stages.push((
                        format!("track({}).{word}", t.name),
                        StageSel::Track(TrackSel::Name(t.name.clone()), tap),
                    ));
                }
            }
            stages.extend([
                ("bus".into(), StageSel::Bus),
                ("master".into(), StageSel::Master),
                ("export".into(), StageSel::Export),
            ]);
            for (prefix, sel) in stages {
                for e in METER_QUANTITIES {
                    let q = Quantity::Meter(sel.clone(), e.which);
                    row(&mut out, &format!("{prefix}.{}", e.name), &m.read(&q), e.unit, e.about);
                }
            }
            for e in DESK_QUANTITIES {
                row(&mut out, e.name, &m.read(&Quantity::Desk(e.which)), e.unit, e.about);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_calendar_dates_in_utc() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01_00-00-00");
        // 2024-02-29 12:34:56 UTC (a leap day).
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_709_210_096);
        assert_eq!(timestamp(t), "2024-02-29_12-34-56");
        let t = UNIX_EPOCH + std::time::Duration::from_hours(498_696);
        assert_eq!(timestamp(t), "2026-11-22_00-00-00");
    }

    #[test]
    fn names_are_safe_and_never_overwrite() {
        assert_eq!(slug("Too hot while tracking!"), "too-hot-while-tracking");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("  "), "scene");
        let dir = std::env::temp_dir().join(format!("hl-fig-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let a = figure_path(&dir, "Clean mix", "2026-01-01_00-00-00", "png");
        assert_eq!(a.file_name().and_then(|n| n.to_str()), Some("clean-mix_2026-01-01_00-00-00.png"));
        std::fs::write(&a, b"x").expect("write");
        let b = figure_path(&dir, "Clean mix", "2026-01-01_00-00-00", "png");
        assert_ne!(a, b);
        let _ = std::fs::remove_dir_all(dir);
    }
}
