//! Enough Markdown for lesson texts: paragraphs, `#` headings, `-` lists, **bold**, *italic* and
//! `code`; anything else stays as written. Read into plain blocks and spans (drawn by
//! `ui::markdown`) or written as HTML for the printed handout.

use std::fmt::Write as _;

/// A block of a Markdown text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A heading.
    Heading(String),
    /// A paragraph (lines joined).
    Paragraph(String),
    /// A list item.
    Item(String),
}

/// Splits `text` into blocks.
#[must_use]
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para = String::new();
    let mut item: Option<String> = None;
    let flush = |para: &mut String, item: &mut Option<String>, out: &mut Vec<Block>| {
        if let Some(i) = item.take() {
            out.push(Block::Item(i));
        }
        if !para.is_empty() {
            out.push(Block::Paragraph(std::mem::take(para)));
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            flush(&mut para, &mut item, &mut out);
        } else if let Some(h) = t.strip_prefix('#') {
            flush(&mut para, &mut item, &mut out);
            out.push(Block::Heading(h.trim_start_matches('#').trim().to_string()));
        } else if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            flush(&mut para, &mut item, &mut out);
            item = Some(rest.to_string());
        } else if let Some(i) = &mut item {
            i.push(' ');
            i.push_str(t);
        } else {
            if !para.is_empty() {
                para.push(' ');
            }
            para.push_str(t);
        }
    }
    flush(&mut para, &mut item, &mut out);
    out
}

/// A run of text with its style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// **bold**
    pub strong: bool,
    /// *italic*
    pub italic: bool,
    /// `code`
    pub code: bool,
}

/// Splits a line into styled spans.
#[must_use]
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let (mut strong, mut italic) = (false, false);
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let push = |cur: &mut String, out: &mut Vec<Span>, strong: bool, italic: bool, code: bool| {
        if !cur.is_empty() {
            out.push(Span { text: std::mem::take(cur), strong, italic, code });
        }
    };
    while i < chars.len() {
        match chars[i] {
            '`' => {
                if let Some(end) = chars[i + 1..].iter().position(|&c| c == '`') {
                    push(&mut cur, &mut out, strong, italic, false);
                    let code: String = chars[i + 1..i + 1 + end].iter().collect();
                    out.push(Span { text: code, strong: false, italic: false, code: true });
                    i += end + 2;
                    continue;
                }
                cur.push('`');
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                push(&mut cur, &mut out, strong, italic, false);
                strong = !strong;
                i += 2;
                continue;
            }
            '*' if !chars.get(i + 1).is_some_and(|c| c.is_whitespace()) || italic => {
                push(&mut cur, &mut out, strong, italic, false);
                italic = !italic;
            }
            c => cur.push(c),
        }
        i += 1;
    }
    push(&mut cur, &mut out, strong, italic, false);
    out
}

/// Escapes `text` for HTML (text and attribute values alike).
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of Markdown as HTML: its spans, escaped, in `<strong>`, `<em>` and `<code>`.
#[must_use]
pub fn inline_html(text: &str) -> String {
    spans(text)
        .iter()
        .map(|s| {
            let mut t = escape_html(&s.text);
            if s.code {
                t = format!("<code>{t}</code>");
            }
            if s.italic {
                t = format!("<em>{t}</em>");
            }
            if s.strong {
                t = format!("<strong>{t}</strong>");
            }
            t
        })
        .collect()
}

/// A Markdown text as HTML: headings at `heading_level`, paragraphs, lists.
#[must_use]
pub fn to_html(text: &str, heading_level: u8) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for b in blocks(text) {
        let item = matches!(b, Block::Item(_));
        if in_list && !item {
            out.push_str("</ul>\n");
        }
        if item && !in_list {
            out.push_str("<ul>\n");
        }
        in_list = item;
        let _ = match b {
            Block::Heading(h) => writeln!(out, "<h{heading_level}>{}</h{heading_level}>", inline_html(&h)),
            Block::Paragraph(p) => writeln!(out, "<p>{}</p>", inline_html(&p)),
            Block::Item(i) => writeln!(out, "<li>{}</li>", inline_html(&i)),
        };
    }
    if in_list {
        out.push_str("</ul>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_keeps_the_markup() {
        assert_eq!(escape_html("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
        assert_eq!(
            to_html("# H <1>\n\nA **b** `<c>` *d*.\n\n- one\n- two & three\n\nEnd.", 3),
            "<h3>H &lt;1&gt;</h3>\n<p>A <strong>b</strong> <code>&lt;c&gt;</code> <em>d</em>.</p>\n<ul>\n\
             <li>one</li>\n<li>two &amp; three</li>\n</ul>\n<p>End.</p>\n"
        );
    }

    #[test]
    fn blocks_and_spans() {
        let b = blocks("# Title\n\nOne line\ncontinues.\n\n- first\n  more\n- second\n\nEnd.");
        assert_eq!(
            b,
            vec![
                Block::Heading("Title".into()),
                Block::Paragraph("One line continues.".into()),
                Block::Item("first more".into()),
                Block::Item("second".into()),
                Block::Paragraph("End.".into()),
            ]
        );
        let s = spans("a **b** *c* `d*e` 2 * 3");
        let texts: Vec<(&str, bool, bool, bool)> =
            s.iter().map(|s| (s.text.as_str(), s.strong, s.italic, s.code)).collect();
        assert_eq!(
            texts,
            vec![
                ("a ", false, false, false),
                ("b", true, false, false),
                (" ", false, false, false),
                ("c", false, true, false),
                (" ", false, false, false),
                ("d*e", false, false, true),
                (" 2 * 3", false, false, false),
            ]
        );
    }
}
