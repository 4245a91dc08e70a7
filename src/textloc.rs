//! Errors in hand-written data files (scenes, lessons) that name the file, the line, the
//! column and the field, so a teacher can fix them without reading Rust; and the nesting limit
//! that keeps any file, however deep, from exhausting the stack of a recursive reader.
//!
//! Field paths come from the deserializer itself (`serde_path_to_error` around TOML's), so
//! comments, dotted and quoted keys, multi-line strings and arrays of tables never lose the
//! path; lines and columns come from the parser's spans (`toml` for what it refuses,
//! `toml_edit` for values that parse but fail a check).

use std::fmt;

/// Deepest nesting a reader of the user's files accepts: brackets and braces in TOML and JSON,
/// `not` and brackets in a goal. Real files stay under 5; recursion beyond this could exhaust
/// the stack.
pub const MAX_NESTING: usize = 64;

/// An error located in a text file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocatedError {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// The field, as a path (`tracks[2].preamp_db`), when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl LocatedError {
    /// An error about the whole file (it cannot be read, say).
    #[must_use]
    pub fn in_file(file: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_string(), line: None, column: None, field: None, message: message.into() }
    }
}

/// `file:line:column: field `path`: message`, leaving out what is not known.
impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
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
    position(text, offset).0
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
#[must_use]
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The nesting depth of a reader going through brackets, limited to [`MAX_NESTING`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Nesting(usize);

impl Nesting {
    /// One level in; `false` when that is one too many.
    pub fn open(&mut self) -> bool {
        if self.0 == MAX_NESTING {
            return false;
        }
        self.0 += 1;
        true
    }

    /// One level out (an unbalanced closing bracket is left to the parser to report).
    pub fn close(&mut self) {
        self.0 = self.0.saturating_sub(1);
    }
}

/// The error for nesting too deep at byte `offset` of `text`.
#[must_use]
pub fn too_deep_error(file: &str, text: &str, offset: usize) -> LocatedError {
    let (line, column) = position(text, offset);
    LocatedError {
        file: file.to_string(),
        line: Some(line),
        column: Some(column),
        field: None,
        message: format!("nesting deeper than {MAX_NESTING}"),
    }
}

/// Checks that no array or inline table of the TOML `text` nests deeper than [`MAX_NESTING`]
/// and no dotted key has more parts, with TOML's own lexer (so brackets in strings and
/// comments do not count). The check is a loop, so it holds whatever limits the parser is
/// built with (`toml` stops at 80 levels of values, but reports a long dotted key nowhere).
///
/// # Errors
/// The first bracket or key part too deep, located.
pub fn check_toml_nesting(file: &str, text: &str) -> Result<(), LocatedError> {
    use toml_parser::lexer::TokenKind;
    let mut depth = Nesting::default();
    // Parts of the dotted key (or number) being read, and whether a dot has just been read.
    let (mut parts, mut after_dot) = (0usize, false);
    for token in toml_parser::Source::new(text).lex() {
        let at = token.span().start();
        match token.kind() {
            TokenKind::Whitespace => continue,
            TokenKind::Atom | TokenKind::BasicString | TokenKind::LiteralString => {
                parts = if after_dot { parts + 1 } else { 1 };
                if parts > MAX_NESTING {
                    return Err(too_deep_error(file, text, at));
                }
                after_dot = false;
                continue;
            }
            TokenKind::Dot => {
                after_dot = parts > 0;
                continue;
            }
            TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => {
                depth.open().then_some(()).ok_or_else(|| too_deep_error(file, text, at))?;
            }
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => depth.close(),
            _ => {}
        }
        (parts, after_dot) = (0, false);
    }
    Ok(())
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

/// The path of a deserializer error as this module writes paths: `tracks[0].source.kind`.
fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    use std::fmt::Write as _;
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Seq { index } => {
                let _ = write!(out, "[{index}]");
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// The item at `path` in `doc`, and the span of the deepest key or value found on the way.
fn find<'d>(doc: &'d toml_edit::Document<&str>, path: &str) -> (Option<&'d toml_edit::Item>, Option<usize>) {
    let mut item = Some(doc.as_item());
    let mut best = None;
    for seg in parse_path(path) {
        let Some(here) = item else { break };
        let next = match seg {
            PathSeg::Key(k) => {
                if let Some((key, _)) = here.as_table_like().and_then(|t| t.get_key_value(&k)) {
                    best = key.span().map(|s| s.start).or(best);
                }
                here.get(k.as_str())
            }
            PathSeg::Index(i) => here.get(i),
        };
        if let Some(n) = next
            && let Some(s) = n.span().or_else(|| n.as_table().and_then(toml_edit::Table::span))
        {
            best = Some(s.start);
        }
        item = next;
    }
    (item, best)
}

/// The line and column where the field at `path` is written in the TOML `text` (its value;
/// if the field is missing, the deepest table or key that exists on the way).
#[must_use]
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let doc = toml_edit::Document::parse(text).ok()?;
    find(&doc, path).1.map(|at| position(text, at))
}

/// The byte offset in `text` of character `index` of the string value at `path`, when the
/// string is written without escapes (so its characters are those of the file).
fn locate_in_string(text: &str, path: &str, index: usize) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let (Some(item), _) = find(&doc, path) else { return None };
    let value = item.as_str()?;
    let span = item.span()?;
    let raw = text.get(span.clone())?;
    let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
    let mut start = span.start + quote;
    let mut inner = raw.get(quote..raw.len().checked_sub(quote)?)?;
    if quote == 3 {
        // A newline right after the opening quotes is not part of the string.
        for nl in ["\r\n", "\n"] {
            if let Some(rest) = inner.strip_prefix(nl) {
                inner = rest;
                start += nl.len();
                break;
            }
        }
    }
    if inner != value {
        return None;
    }
    Some(start + inner.char_indices().nth(index).map_or(inner.len(), |(b, _)| b))
}

/// A mistake at character `index` (0-based) of the string at `path` (a goal, say), located at
/// that character in the file when the string has no escapes, else at the string.
#[must_use]
pub fn at_string_char(
    file: &str,
    text: &str,
    path: &str,
    index: usize,
    message: impl Into<String>,
) -> Option<LocatedError> {
    let at = locate_in_string(text, path, index)?;
    let (line, column) = position(text, at);
    Some(LocatedError {
        file: file.to_string(),
        line: Some(line),
        column: Some(column),
        field: Some(path.to_string()),
        message: message.into(),
    })
}

/// `message` cut in the middle when long (a value a million characters long quoted in it).
fn readable(message: &str) -> String {
    const HEAD: usize = 160;
    const TAIL: usize = 100;
    let n = message.chars().count();
    if n <= HEAD + TAIL + 40 {
        return message.to_string();
    }
    let head: String = message.chars().take(HEAD).collect();
    let tail: String = message.chars().skip(n - TAIL).collect();
    format!("{head} … ({} characters) … {tail}", n - HEAD - TAIL)
}

/// Turns a TOML error into a located one; `path` is where the deserializer was (none for a
/// syntax error).
fn from_toml_error(file: &str, text: &str, err: &toml::de::Error, path: Option<String>) -> LocatedError {
    let (line, column) = err.span().map(|s| position(text, s.start)).unzip();
    let message = readable(err.message().trim());
    // "missing field `x`": the deserializer is at the table; the field is the one missing.
    let missing = message.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`'));
    let field = match (path.filter(|p| !p.is_empty()), missing) {
        (Some(p), Some(name)) => Some(format!("{p}.{name}")),
        (None, Some(name)) => Some(name.to_string()),
        (p, None) => p,
    };
    LocatedError { file: file.to_string(), line, column, field, message }
}

/// Parses `text` as TOML into `T`, locating any error by line, column and field path.
///
/// # Errors
/// The located error; nesting deeper than [`MAX_NESTING`] is refused before parsing.
pub fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LocatedError> {
    check_toml_nesting(file, text)?;
    let de = toml::Deserializer::parse(text).map_err(|e| from_toml_error(file, text, &e, None))?;
    serde_path_to_error::deserialize(de)
        .map_err(|e| from_toml_error(file, text, e.inner(), Some(path_string(e.path()))))
}

/// A validation error at `path`, located in `text`.
#[must_use]
pub fn at_path(file: &str, text: &str, path: &str, message: impl Into<String>) -> LocatedError {
    let (line, column) = locate(text, path).unzip();
    LocatedError { file: file.to_string(), line, column, field: Some(path.to_string()), message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name = \"x\"\n\n[[tracks]]\nname = \"a\"\ngain = 1\n\n[[tracks]]\nname = \"b\"\ngain = 2\n\n[bus]\nmode = { kind = \"f\" }\n";

    #[test]
    fn finds_lines_and_columns_of_paths() {
        assert_eq!(locate(DOC, "name"), Some((1, 8)));
        assert_eq!(locate(DOC, "tracks[1].gain"), Some((9, 8)));
        assert_eq!(locate(DOC, "tracks[0].name"), Some((4, 8)));
        assert_eq!(locate(DOC, "bus.mode.kind"), Some((12, 17)));
        assert_eq!(locate(DOC, "bus.missing"), Some((11, 1)), "the deepest table that exists");
        assert_eq!(parse_path("a[2].b"), vec![PathSeg::Key("a".into()), PathSeg::Index(2), PathSeg::Key("b".into())]);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(position("é = 1\nµs = \"ü\"", 14), (2, 7));
        assert_eq!(position("é = 1\nµs = \"ü\"", 15), (2, 7), "inside a character: that character");
        assert_eq!(position("ab", 99), (1, 3), "past the end: after the last character");
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
    fn parse_errors_name_line_column_and_field() {
        let text = "name = \"x\"\n[[tracks]]\nname = \"a\"\ngain = \"loud\"\n";
        let e = parse_toml::<T>("s.toml", text).unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(8)));
        assert_eq!(e.field.as_deref(), Some("tracks[0].gain"));
        assert!(e.to_string().starts_with("s.toml:4:8: field `tracks[0].gain`: invalid type"), "{e}");
        let text = "name = \"x\"\n[[tracks]]\nname = \"a\"\ngian = 1\n";
        let e = parse_toml::<T>("s.toml", text).unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(1)), "{e}");
        assert_eq!(e.field.as_deref(), Some("tracks[0].gian"));
        assert!(e.message.contains("unknown field `gian`"), "{e}");
        let e = parse_toml::<T>("s.toml", "name = \"x\"\n[[tracks]]\nname = \"a\"\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("tracks[0].gain"), "{e}");
        assert_eq!(e.line, Some(2), "{e}");
    }

    /// What a hand-written file holds and a line scanner gets wrong: comments after headers,
    /// dotted and quoted keys, `[` lines inside multi-line strings, arrays of tables.
    #[test]
    fn field_paths_survive_what_a_line_scanner_misses() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            ("name = \"x\"\n[[tracks]] # kick\nname = 3\ngain = 1\n", (3, 8), "tracks[0].name"),
            (
                "name = \"\"\"\n[[tracks]]\n[x]\n\"\"\"\n[[tracks]]\nname = \"a\"\ngain = 1\n[[tracks]]\nname = \"b\"\ngain = []\n",
                (10, 8),
                "tracks[1].gain",
            ),
            (
                "name = \"x\"\ntracks = [{ name = \"a\", gain = 1 }, { name = \"b\", gain = true }]\n",
                (2, 58),
                "tracks[1].gain",
            ),
            ("name = \"x\"\n[[tracks]]\n\"name\" = \"a\"\n'gain' = \"g\"\n", (4, 10), "tracks[0].gain"),
            (
                "name = \"x\"\n[[ tracks ]]\nname = \"a\"\ngain = 1\n[[tracks]]\nname.first = \"b\"\n",
                (6, 1),
                "tracks[1].name",
            ),
        ];
        for (text, (line, column), field) in cases {
            let e = parse_toml::<T>("s.toml", text).unwrap_err();
            assert_eq!((e.line, e.column), (Some(*line), Some(*column)), "{e}\n{text}");
            assert_eq!(e.field.as_deref(), Some(*field), "{e}\n{text}");
        }
    }

    #[test]
    fn a_mistake_inside_a_string_is_located_at_its_character() {
        let text = "a = 1\ngoal = \"snr_db > 3 and bitz\"\nml = \"\"\"\nfirst\nsecond\"\"\"\nesc = \"a\\tb\"\n";
        let e = at_string_char("l.toml", text, "goal", 15, "here").expect("located");
        assert_eq!((e.line, e.column), (Some(2), Some(24)));
        let e = at_string_char("l.toml", text, "ml", 8, "here").expect("located");
        assert_eq!((e.line, e.column), (Some(5), Some(3)), "the newline after the quotes is not in the string");
        assert!(at_string_char("l.toml", text, "esc", 2, "here").is_none(), "escapes: columns would lie");
    }

    #[test]
    fn nesting_beyond_the_limit_is_refused_before_parsing() {
        let deep = |n: usize| format!("name = \"x\"\nv = {}1{}\n", "[".repeat(n), "]".repeat(n));
        assert!(check_toml_nesting("d.toml", &deep(MAX_NESTING)).is_ok());
        let e = check_toml_nesting("d.toml", &deep(MAX_NESTING + 1)).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(MAX_NESTING + 5)), "{e}");
        assert_eq!(e.to_string(), format!("d.toml:2:{}: nesting deeper than 64", MAX_NESTING + 5));
        // Brackets in strings and comments are text, not nesting.
        let text = format!("s = \"{}\" # {}\nt = '''\n{}'''\n", "[".repeat(500), "{".repeat(500), "[".repeat(500));
        assert!(check_toml_nesting("d.toml", &text).is_ok());
        let inline = format!("v = {}{}", "{ a = ".repeat(100_000), "}".repeat(100_000));
        assert_eq!(check_toml_nesting("d.toml", &inline).unwrap_err().column, Some(4 + 6 * MAX_NESTING + 1));
        // Dotted keys nest tables: 64 parts pass, the 65th is refused, in a key or a header.
        let key = |n: usize| vec!["k"; n].join(" . ");
        assert!(check_toml_nesting("d.toml", &format!("{} = 1.5\n[{}]\n", key(64), key(64))).is_ok());
        let e = check_toml_nesting("d.toml", &format!("x = 1\n[{}]\n", key(100_000))).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(2 + 4 * MAX_NESTING)), "{e}");
        let e = check_toml_nesting("d.toml", &format!("a = {{ {} = 1 }}", key(65))).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(7 + 4 * MAX_NESTING)), "{e}");
    }
}
