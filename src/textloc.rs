//! Errors in hand-written data files (scenes, lessons) that name the file, the line and the
//! field, so a teacher can fix them without reading Rust.

use std::fmt;

/// An error located in a text file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocatedError {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The field, as a path (`tracks[2].preamp_db`), when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for LocatedError {}

/// 1-based line of byte `offset` in `text`.
#[must_use]
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Splits `tracks[2].preamp_db` into segments.
#[must_use]
pub fn parse_path(path: &str) -> Vec<PathSeg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                out.push(PathSeg::Key(rest[..open].to_string()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let Some(close) = stripped.find(']') else { break };
                if let Ok(i) = stripped[..close].parse() {
                    out.push(PathSeg::Index(i));
                }
                rest = &stripped[close + 1..];
            }
        } else if !rest.is_empty() {
            out.push(PathSeg::Key(rest.to_string()));
        }
    }
    out
}

/// The line where the field at `path` is written in the TOML `text` (or, if the field is
/// missing, the line of the deepest table that exists on the way).
#[must_use]
pub fn locate(text: &str, path: &str) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut item = doc.as_item();
    let mut best = None;
    for seg in parse_path(path) {
        let next = match seg {
            PathSeg::Key(k) => {
                if let Some((key, _)) = item.as_table_like().and_then(|t| t.get_key_value(&k)) {
                    best = key.span().map(|s| line_of(text, s.start)).or(best);
                }
                item.get(k.as_str())
            }
            PathSeg::Index(i) => item.get(i),
        };
        match next {
            Some(n) => {
                item = n;
                if let Some(s) = item.span() {
                    best = Some(line_of(text, s.start));
                } else if let Some(s) = item.as_table().and_then(toml_edit::Table::span) {
                    best = Some(line_of(text, s.start));
                }
            }
            None => break,
        }
    }
    best
}

/// The table (as a path, `steps[2].setup`) that line `line_no` (1-based) of `text` belongs to.
fn table_at(text: &str, line_no: usize) -> Option<String> {
    let mut header: Option<String> = None;
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for l in text.lines().take(line_no) {
        let t = l.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            let c = counts.entry(name.trim().to_string()).or_insert(0);
            header = Some(format!("{}[{}]", name.trim(), *c));
            *c += 1;
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            // A sub-table of the last array element: `[steps.setup]` after `[[steps]]`.
            let name = name.trim();
            header = Some(match name.split_once('.') {
                Some((parent, rest)) if counts.contains_key(parent) => {
                    format!("{parent}[{}].{rest}", counts[parent] - 1)
                }
                _ => name.to_string(),
            });
        }
    }
    header
}

/// The key path of the innermost key/value written at byte `offset` of the TOML `text`, for
/// parse errors that only know where they happened.
fn path_at(text: &str, offset: usize) -> Option<String> {
    let line_no = line_of(text, offset);
    let line = text.lines().nth(line_no - 1)?;
    let key = line.split('=').next().map(str::trim).filter(|k| !k.is_empty() && !k.starts_with('['))?;
    Some(match table_at(text, line_no) {
        Some(h) => format!("{h}.{key}"),
        None => key.to_string(),
    })
}

/// Turns a TOML deserialization error into a located one.
#[must_use]
pub fn from_toml_error(file: &str, text: &str, err: &toml::de::Error) -> LocatedError {
    let span = err.span();
    let line = span.as_ref().map(|s| line_of(text, s.start));
    let message = err.message().trim();
    // "missing field `x`": the field is the one missing, in the table where it is missing.
    let missing = message.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`'));
    let field = match (missing, line) {
        (Some(name), Some(l)) => Some(match table_at(text, l) {
            Some(h) if text.lines().nth(l - 1).is_some_and(|t| t.trim_start().starts_with('[')) => {
                format!("{h}.{name}")
            }
            _ => name.to_string(),
        }),
        _ => span.as_ref().and_then(|s| path_at(text, s.start)),
    };
    LocatedError { file: file.to_string(), line, field, message: message.to_string() }
}

/// Parses `text` as TOML into `T`, locating any error.
///
/// # Errors
/// The located error.
pub fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LocatedError> {
    toml::from_str(text).map_err(|e| from_toml_error(file, text, &e))
}

/// A validation error at `path`, located in `text`.
#[must_use]
pub fn at_path(file: &str, text: &str, path: &str, message: impl Into<String>) -> LocatedError {
    LocatedError {
        file: file.to_string(),
        line: locate(text, path),
        field: Some(path.to_string()),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name = \"x\"\n\n[[tracks]]\nname = \"a\"\ngain = 1\n\n[[tracks]]\nname = \"b\"\ngain = 2\n\n[bus]\nmode = { kind = \"f\" }\n";

    #[test]
    fn finds_lines_of_paths() {
        assert_eq!(locate(DOC, "name"), Some(1));
        assert_eq!(locate(DOC, "tracks[1].gain"), Some(9));
        assert_eq!(locate(DOC, "tracks[0].name"), Some(4));
        assert_eq!(locate(DOC, "bus.mode.kind"), Some(12));
        assert_eq!(parse_path("a[2].b"), vec![PathSeg::Key("a".into()), PathSeg::Index(2), PathSeg::Key("b".into())]);
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        tracks: Vec<Tr>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Tr {
        name: String,
        gain: f64,
    }

    #[test]
    fn parse_errors_name_line_and_field() {
        let text = "name = \"x\"\n[[tracks]]\nname = \"a\"\ngain = \"loud\"\n";
        let e = parse_toml::<T>("s.toml", text).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert_eq!(e.field.as_deref(), Some("tracks[0].gain"));
        assert!(e.to_string().starts_with("s.toml:4: field `tracks[0].gain`: "), "{e}");
        let text = "name = \"x\"\n[[tracks]]\nname = \"a\"\ngian = 1\n";
        let e = parse_toml::<T>("s.toml", text).unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("gian"), "{e}");
    }
}
