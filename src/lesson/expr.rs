//! The goal language: conditions on named quantities (comparisons, ranges, "within ... of",
//! and/or/not) and assignments for setups and solutions. Small and closed: data, not code.
//!
//! ```text
//! goal      := or
//! or        := and ("or" and)*
//! and       := unary ("and" unary)*
//! unary     := "not" unary | "(" or ")" | test
//! test      := name ("<" | "<=" | ">" | ">=" | "==" | "!=") value
//!            | name "in" value ".." value
//!            | name "within" number "of" value
//! assignment:= name "=" value
//! name      := word ["(" arg ")"] ("." word ["(" arg ")"])*      e.g. track(Drums).adc.sample_peak_dbfs
//! value     := number [unit] | word | name                        e.g. -6 dBFS, 14.1 kHz, 30k, tpdf, theory_snr_db
//! ```

use std::fmt;

use crate::lesson::quantity::{Arg, Quantity, Segment, Unit, resolve, unit_word};
use crate::textloc::MAX_NESTING;

/// A mistake in an expression, at a character position (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Column, 1-based, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at column {}: {}", self.column, self.message)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    Op(&'static str),
    LParen,
    RParen,
    Dot,
    DotDot,
    Star,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// Character offset, 0-based.
    at: usize,
}

fn err(at: usize, message: impl Into<String>) -> ExprError {
    ExprError { column: at + 1, message: message.into() }
}

fn tokenize(chars: &[char]) -> Result<Vec<Token>, ExprError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        let next = chars.get(i + 1).copied();
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => {
                i += 1;
                Tok::LParen
            }
            ')' => {
                i += 1;
                Tok::RParen
            }
            '*' => {
                i += 1;
                Tok::Star
            }
            '.' if next == Some('.') => {
                i += 2;
                Tok::DotDot
            }
            '.' => {
                i += 1;
                Tok::Dot
            }
            '<' | '>' | '=' | '!' => {
                let two: String = [c, next.unwrap_or(' ')].iter().collect();
                let (op, len) = match two.as_str() {
                    "<=" => ("<=", 2),
                    ">=" => (">=", 2),
                    "==" => ("==", 2),
                    "!=" => ("!=", 2),
                    _ if c == '<' => ("<", 1),
                    _ if c == '>' => (">", 1),
                    _ if c == '=' => ("=", 1),
                    _ => return Err(err(at, "`!` must be followed by `=`")),
                };
                i += len;
                Tok::Op(op)
            }
            '"' | '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == c)
                    .ok_or_else(|| err(at, "a quoted name is not closed"))?;
                let s: String = chars[i + 1..i + 1 + end].iter().collect();
                i += end + 2;
                Tok::Str(s)
            }
            c if c.is_ascii_digit()
                || (c == '-' && next.is_some_and(|d| d.is_ascii_digit() || d == '.'))
                || (c == '+' && next.is_some_and(|d| d.is_ascii_digit())) =>
            {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_ascii_digit() || (chars[j] == '.' && chars.get(j + 1) != Some(&'.')))
                {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                let mut value: f64 = s.parse().map_err(|_| err(at, format!("`{s}` is not a number")))?;
                // An attached k means thousands: 14.1k.
                if chars.get(j) == Some(&'k') && !chars.get(j + 1).is_some_and(char::is_ascii_alphanumeric) {
                    value *= 1000.0;
                    j += 1;
                }
                i = j;
                Tok::Num(value)
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '-') {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                i = j;
                Tok::Word(s)
            }
            other => return Err(err(at, format!("unexpected `{other}`"))),
        };
        out.push(Token { tok, at });
    }
    Ok(out)
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

/// The right side of a test.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A number (already in the quantity's unit).
    Num(f64),
    /// A name of a choice (`tpdf`, `steep`, `on`).
    Sym(String),
    /// Another quantity.
    Q(Quantity),
}

/// What a condition tests of its quantity.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// A comparison.
    Cmp(Op, Operand),
    /// A closed range.
    In(Operand, Operand),
    /// At most this far from a value.
    Within(f64, Operand),
}

/// One condition on one quantity.
#[derive(Clone, Debug, PartialEq)]
pub struct Atom {
    /// As written.
    pub text: String,
    /// The quantity.
    pub quantity: Quantity,
    /// The test.
    pub test: Test,
}

/// A goal: conditions joined by and/or/not.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// Every one.
    And(Vec<Cond>),
    /// At least one.
    Or(Vec<Cond>),
    /// Not.
    Not(Box<Cond>),
    /// A condition on a quantity.
    Atom(Atom),
}

/// A setting to apply: `bits = 8`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// As written.
    pub text: String,
    /// What to set.
    pub quantity: Quantity,
    /// The value (a number or a choice).
    pub value: Operand,
}

struct Parser {
    /// The text, as characters (token positions index it).
    chars: Vec<char>,
    toks: Vec<Token>,
    pos: usize,
    /// How many `not` and `(` enclose the current position.
    depth: usize,
}

/// Words that a numeric quantity also accepts as a value.
#[must_use]
pub fn extra_words(q: &Quantity) -> &'static [&'static str] {
    use crate::lesson::quantity::{ConvQ, DeskQ, TrackSetting};
    match q {
        Quantity::Conv(ConvQ::NoiseFloor) => &["off"],
        Quantity::Conv(ConvQ::AaCutoff) => &["auto"],
        Quantity::Conv(ConvQ::Bits) | Quantity::Track(_, TrackSetting::Bits) | Quantity::Desk(DeskQ::ExportBits) => {
            &["float"]
        }
        _ => &[],
    }
}

impl Parser {
    fn new(text: &str) -> Result<Self, ExprError> {
        let chars: Vec<char> = text.chars().collect();
        let toks = tokenize(&chars)?;
        Ok(Self { chars, toks, pos: 0, depth: 0 })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.chars.len(), |t| t.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.tok.clone());
        self.pos += 1;
        t
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<(), ExprError> {
        let at = self.here();
        match self.next() {
            Some(t) if &t == want => Ok(()),
            _ => Err(err(at, format!("expected {what}"))),
        }
    }

    fn name(&mut self) -> Result<(Quantity, usize), ExprError> {
        let start = self.here();
        let mut segments = Vec::new();
        loop {
            let at = self.here();
            let Some(Tok::Word(word)) = self.next() else {
                return Err(err(at, "expected the name of a quantity"));
            };
            let mut arg = None;
            if self.peek() == Some(&Tok::LParen) {
                self.pos += 1;
                let at = self.here();
                arg = Some(match self.next() {
                    Some(Tok::Num(n)) => {
                        let mut n = n;
                        if let Some(Tok::Word(u)) = self.peek()
                            && let Some((_, factor)) = unit_word(u)
                        {
                            n *= factor;
                            self.pos += 1;
                        }
                        Arg::Number(n)
                    }
                    Some(Tok::Word(w) | Tok::Str(w)) => Arg::Word(w),
                    Some(Tok::Star) => Arg::Word("*".into()),
                    _ => return Err(err(at, "expected a number or a name in brackets")),
                });
                self.expect(&Tok::RParen, "`)`")?;
            }
            segments.push(Segment { word, arg });
            if self.peek() == Some(&Tok::Dot) {
                self.pos += 1;
            } else {
                break;
            }
        }
        resolve(&segments).map(|q| (q, start)).map_err(|m| err(start, m))
    }

    /// A value for quantity `q`.
    fn value(&mut self, q: &Quantity) -> Result<Operand, ExprError> {
        let at = self.here();
        let unit = q.unit();
        match self.peek().cloned() {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                if let Unit::Choice(words) = unit {
                    return Err(err(at, format!("expected one of {} here, not a number", words.join(", "))));
                }
                let mut n = n;
                if let Some(Tok::Word(u)) = self.peek()
                    && let Some((family, factor)) = unit_word(u)
                {
                    if !unit.accepts(family) {
                        let want = if unit.suffix().is_empty() { "no unit" } else { unit.suffix() };
                        return Err(err(self.here(), format!("`{u}` does not fit here: this is measured in {want}")));
                    }
                    n *= factor;
                    self.pos += 1;
                }
                Ok(Operand::Num(n))
            }
            Some(Tok::Word(w)) => {
                let choices: &[&str] = match unit {
                    Unit::Choice(words) => words,
                    _ => extra_words(q),
                };
                if choices.contains(&w.as_str()) {
                    self.pos += 1;
                    return Ok(Operand::Sym(w));
                }
                if let Unit::Choice(words) = unit {
                    return Err(err(at, format!("`{w}` is not one of {}", words.join(", "))));
                }
                let (other, _) = self.name()?;
                if other.scope() != q.scope() {
                    return Err(err(at, "both sides must be on the same screen"));
                }
                if matches!(other.unit(), Unit::Choice(_)) {
                    return Err(err(at, "cannot compare a number with a choice"));
                }
                Ok(Operand::Q(other))
            }
            _ => Err(err(at, "expected a value")),
        }
    }

    fn test(&mut self) -> Result<Cond, ExprError> {
        let start = self.here();
        let (q, _) = self.name()?;
        let choice = matches!(q.unit(), Unit::Choice(_));
        let at = self.here();
        let test = match self.next() {
            Some(Tok::Op(op)) => {
                let op = match op {
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    _ => return Err(err(at, "use `==` to compare (`=` sets a value, in setups and solutions)")),
                };
                if choice && !matches!(op, Op::Eq | Op::Ne) {
                    return Err(err(at, "a choice can only be compared with == or !="));
                }
                Test::Cmp(op, self.value(&q)?)
            }
            Some(Tok::Word(w)) if w == "in" => {
                if choice {
                    return Err(err(at, "a choice has no range"));
                }
                let lo = self.value(&q)?;
                self.expect(&Tok::DotDot, "`..` between the ends of the range")?;
                Test::In(lo, self.value(&q)?)
            }
            Some(Tok::Word(w)) if w == "within" => {
                if choice {
                    return Err(err(at, "a choice has no distance"));
                }
                let at = self.here();
                let tol = match self.next() {
                    Some(Tok::Num(n)) if n >= 0.0 => n,
                    _ => return Err(err(at, "expected a tolerance: within 1 of ...")),
                };
                if let Some(Tok::Word(u)) = self.peek()
                    && unit_word(u).is_some()
                {
                    self.pos += 1;
                }
                if !self.is_word("of") {
                    return Err(err(self.here(), "expected `of`"));
                }
                self.pos += 1;
                Test::Within(tol, self.value(&q)?)
            }
            _ => return Err(err(at, "expected a comparison (<, <=, >, >=, ==, !=), `in` or `within`")),
        };
        let end = self.here();
        let text: String = self.chars[start..end].iter().collect();
        Ok(Cond::Atom(Atom { text: text.trim().to_string(), quantity: q, test }))
    }

    fn unary(&mut self) -> Result<Cond, ExprError> {
        let not = self.is_word("not");
        if !not && self.peek() != Some(&Tok::LParen) {
            return self.test();
        }
        // Each level is a few stack frames: a limit keeps any text from exhausting the stack.
        if self.depth == MAX_NESTING {
            return Err(err(self.here(), format!("nesting deeper than {MAX_NESTING} (`not` and brackets)")));
        }
        self.depth += 1;
        self.pos += 1;
        let c = if not {
            Cond::Not(Box::new(self.unary()?))
        } else {
            let c = self.or()?;
            self.expect(&Tok::RParen, "`)`")?;
            c
        };
        self.depth -= 1;
        Ok(c)
    }

    fn and(&mut self) -> Result<Cond, ExprError> {
        let mut parts = vec![self.unary()?];
        while self.is_word("and") {
            self.pos += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Cond::And(parts) })
    }

    fn or(&mut self) -> Result<Cond, ExprError> {
        let mut parts = vec![self.and()?];
        while self.is_word("or") {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Cond::Or(parts) })
    }

    fn done(&self) -> Result<(), ExprError> {
        if self.pos < self.toks.len() {
            return Err(err(self.here(), "unexpected text after the end (missing `and`/`or`?)"));
        }
        Ok(())
    }
}

/// Parses a goal.
///
/// # Errors
/// The first mistake, with its column.
pub fn parse_goal(text: &str) -> Result<Cond, ExprError> {
    let mut p = Parser::new(text)?;
    if p.toks.is_empty() {
        return Err(err(0, "the goal is empty"));
    }
    let c = p.or()?;
    p.done()?;
    Ok(c)
}

/// Parses an assignment (`bits = 8`).
///
/// # Errors
/// The first mistake, with its column; also a quantity that cannot be set.
pub fn parse_assignment(text: &str) -> Result<Assignment, ExprError> {
    let mut p = Parser::new(text)?;
    let (q, at) = p.name()?;
    if !q.settable() {
        return Err(err(at, "this is a measurement (or names several tracks): it cannot be set"));
    }
    p.expect(&Tok::Op("="), "`=`")?;
    let value = p.value(&q)?;
    if matches!(value, Operand::Q(_)) {
        return Err(err(at, "set a number or a choice, not another quantity"));
    }
    p.done()?;
    Ok(Assignment { text: text.trim().to_string(), quantity: q, value })
}

/// A value read from the model.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number.
    Num(f64),
    /// A choice.
    Sym(String),
    /// Not measurable now (no sine to test, a track that does not exist), with why.
    Missing(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The analysis writes "nothing there" as -400 dB.
            Self::Num(x) if x.is_infinite() || *x <= -399.0 => f.write_str(if *x < 0.0 { "-inf" } else { "inf" }),
            Self::Num(x) if x.abs() >= 1000.0 || x.fract() == 0.0 => write!(f, "{x:.0}"),
            // Small values (a DC offset, a probability) keep their first digits.
            Self::Num(x) if x.abs() < 0.01 => write!(f, "{x:.2e}"),
            Self::Num(x) => write!(f, "{x:.2}"),
            Self::Sym(s) => f.write_str(s),
            Self::Missing(_) => f.write_str("—"),
        }
    }
}

/// What goals are evaluated against.
pub trait Reader {
    /// The value of `q` now.
    fn read(&self, q: &Quantity) -> Value;
    /// How many tracks the desk has (for `track(*)`).
    fn track_count(&self) -> usize;
}

/// One condition's result, for the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct AtomResult {
    /// The condition as written.
    pub text: String,
    /// Its value now (a range over tracks for `track(*)`), with the unit.
    pub value: String,
    /// Met.
    pub ok: bool,
}

/// A goal's result.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Outcome {
    /// The whole goal is met.
    pub met: bool,
    /// Each condition.
    pub atoms: Vec<AtomResult>,
}

fn operand(o: &Operand, r: &dyn Reader, track: Option<usize>) -> Value {
    match o {
        Operand::Num(n) => Value::Num(*n),
        Operand::Sym(s) => Value::Sym(s.clone()),
        Operand::Q(q) => r.read(&track.map_or_else(|| q.clone(), |i| q.for_track(i))),
    }
}

fn test_one(test: &Test, v: &Value, r: &dyn Reader, track: Option<usize>) -> bool {
    let num = |o: &Operand| match operand(o, r, track) {
        Value::Num(x) => Some(x),
        _ => None,
    };
    match (test, v) {
        (Test::Cmp(op, o), Value::Num(x)) => match (op, num(o)) {
            (_, None) => matches!((op, operand(o, r, track)), (Op::Ne, Value::Sym(_))),
            (Op::Lt, Some(y)) => *x < y,
            (Op::Le, Some(y)) => *x <= y,
            (Op::Gt, Some(y)) => *x > y,
            (Op::Ge, Some(y)) => *x >= y,
            (Op::Eq, Some(y)) => (*x - y).abs() <= 1e-9 * y.abs().max(1.0),
            (Op::Ne, Some(y)) => (*x - y).abs() > 1e-9 * y.abs().max(1.0),
        },
        (Test::Cmp(op, o), Value::Sym(s)) => {
            let same = matches!(operand(o, r, track), Value::Sym(t) if &t == s);
            match op {
                Op::Eq => same,
                Op::Ne => !same,
                _ => false,
            }
        }
        (Test::In(lo, hi), Value::Num(x)) => match (num(lo), num(hi)) {
            (Some(a), Some(b)) => *x >= a.min(b) && *x <= a.max(b),
            _ => false,
        },
        (Test::Within(tol, o), Value::Num(x)) => num(o).is_some_and(|y| (x - y).abs() <= *tol),
        _ => false,
    }
}

fn show(v: &Value, unit: Unit) -> String {
    match v {
        Value::Num(_) if !unit.suffix().is_empty() => format!("{v} {}", unit.suffix()),
        // Why it cannot be measured: "— (record a take first)".
        Value::Missing(why) => format!("{v} ({why})"),
        _ => v.to_string(),
    }
}

fn eval_atom(a: &Atom, r: &dyn Reader) -> AtomResult {
    let unit = a.quantity.unit();
    if a.quantity.is_every() {
        let n = r.track_count();
        let values: Vec<Value> = (0..n).map(|i| r.read(&a.quantity.for_track(i))).collect();
        let ok = n > 0 && values.iter().enumerate().all(|(i, v)| test_one(&a.test, v, r, Some(i)));
        let nums: Vec<f64> =
            values.iter().filter_map(|v| if let Value::Num(x) = v { Some(*x) } else { None }).collect();
        let value = if nums.len() == values.len() && !nums.is_empty() {
            let (lo, hi) = nums.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            if (hi - lo).abs() < 1e-12 {
                show(&Value::Num(lo), unit)
            } else {
                format!("{} to {}", Value::Num(lo), show(&Value::Num(hi), unit))
            }
        } else {
            values.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        };
        return AtomResult { text: a.text.clone(), value, ok };
    }
    let v = r.read(&a.quantity);
    AtomResult { text: a.text.clone(), value: show(&v, unit), ok: test_one(&a.test, &v, r, None) }
}

impl Cond {
    /// Evaluates against `r`, with each condition's result.
    #[must_use]
    pub fn evaluate(&self, r: &dyn Reader) -> Outcome {
        let mut atoms = Vec::new();
        let met = self.eval_into(r, &mut atoms);
        Outcome { met, atoms }
    }

    /// Every condition is evaluated (no short cut), so the panel can show each one's value.
    #[allow(clippy::unnecessary_fold, reason = "all parts must be evaluated, for the report")]
    fn eval_into(&self, r: &dyn Reader, atoms: &mut Vec<AtomResult>) -> bool {
        match self {
            Self::And(parts) => parts.iter().fold(true, |acc, p| p.eval_into(r, atoms) && acc),
            Self::Or(parts) => parts.iter().fold(false, |acc, p| p.eval_into(r, atoms) || acc),
            Self::Not(c) => !c.eval_into(r, atoms),
            Self::Atom(a) => {
                let res = eval_atom(a, r);
                let ok = res.ok;
                atoms.push(res);
                ok
            }
        }
    }

    /// Every quantity the goal reads.
    #[must_use]
    pub fn quantities(&self) -> Vec<&Quantity> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Quantity>) {
        match self {
            Self::And(p) | Self::Or(p) => p.iter().for_each(|c| c.collect(out)),
            Self::Not(c) => c.collect(out),
            Self::Atom(a) => {
                out.push(&a.quantity);
                let ops: Vec<&Operand> = match &a.test {
                    Test::Cmp(_, o) | Test::Within(_, o) => vec![o],
                    Test::In(lo, hi) => vec![lo, hi],
                };
                for o in ops {
                    if let Operand::Q(q) = o {
                        out.push(q);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::quantity::{ConvQ, MeterQ, StageSel, Tap, TrackSel};

    struct Fixed;
    impl Reader for Fixed {
        fn read(&self, q: &Quantity) -> Value {
            match q {
                Quantity::Conv(ConvQ::Snr) => Value::Num(49.5),
                Quantity::Conv(ConvQ::TheorySnr) => Value::Num(49.9),
                Quantity::Conv(ConvQ::Bits) => Value::Num(8.0),
                Quantity::Conv(ConvQ::Dither) => Value::Sym("tpdf".into()),
                Quantity::Meter(StageSel::Track(TrackSel::Number(n), Tap::Adc), MeterQ::SamplePeak) => {
                    Value::Num(-12.0 + *n as f64)
                }
                _ => Value::Missing("not here".into()),
            }
        }
        fn track_count(&self) -> usize {
            4
        }
    }

    #[test]
    fn goals_parse_and_evaluate() {
        let g = parse_goal("snr_db within 1 dB of theory_snr_db and bits == 8 and dither == tpdf").expect("parses");
        let o = g.evaluate(&Fixed);
        assert!(o.met, "{o:?}");
        assert_eq!(o.atoms.len(), 3);
        assert_eq!(o.atoms[0].value, "49.50 dB");
        let g = parse_goal("track(*).adc.sample_peak_dbfs in -12..-6").expect("parses");
        let o = g.evaluate(&Fixed);
        assert!(o.met);
        assert_eq!(o.atoms[0].value, "-11 to -8 dBFS");
        assert!(!parse_goal("track(*).adc.sample_peak_dbfs < -9").expect("parses").evaluate(&Fixed).met);
        assert!(parse_goal("not (bits > 8) or snr_db > 60").expect("parses").evaluate(&Fixed).met);
        assert!(!parse_goal("level_at(14.1 kHz) > -60").expect("parses").evaluate(&Fixed).met, "missing is never met");
        assert_eq!(parse_goal("level_at(14.1k) > -60").map(|_| ()), Ok(()));
    }

    #[test]
    fn mistakes_are_reported_with_their_column() {
        for (text, column, needle) in [
            ("snr > 3", 1, "unknown quantity `snr`"),
            ("snr_db >", 9, "expected a value"),
            ("snr_db = 3", 8, "use `==`"),
            ("dither == triangular", 11, "not one of none, rpdf, tpdf"),
            ("dither < tpdf", 8, "only be compared"),
            ("snr_db > 3 Hz", 12, "does not fit"),
            ("snr_db > 3 dither == tpdf", 12, "unexpected text"),
            ("(snr_db > 3", 12, "`)`"),
            ("snr_db in 3 4", 13, "`..`"),
            ("snr_db > master.lufs_integrated", 10, "same screen"),
            ("snr_db @ 3", 8, "unexpected `@`"),
        ] {
            let e = parse_goal(text).expect_err(text);
            assert_eq!(e.column, column, "{text}: {e}");
            assert!(e.message.contains(needle), "{text}: {e}");
        }
        let e = parse_assignment("snr_db = 3").expect_err("a measurement");
        assert!(e.message.contains("cannot be set"), "{e}");
        assert!(parse_assignment("bits = float").is_ok());
        assert!(parse_assignment("track(Drums).preamp_db = 20 dB").is_ok());
        assert!(parse_assignment("track(*).fader_db = 0").is_err());
    }
}
