//! Enough Markdown for lesson texts: paragraphs, `#` headings, `-` lists, **bold**, *italic* and
//! `code`. Anything else shows as written.

use egui::text::{LayoutJob, TextFormat};
use egui::{FontId, RichText, Ui};

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

fn job(ui: &Ui, text: &str, width: f32) -> LayoutJob {
    let style = ui.style();
    let body = egui::TextStyle::Body.resolve(style);
    let mono = FontId::monospace(body.size - 1.0);
    let normal = style.visuals.text_color();
    let strong = style.visuals.strong_text_color();
    let mut job = LayoutJob::default();
    job.wrap.max_width = width;
    for s in spans(text) {
        let mut f = TextFormat::simple(if s.code { mono.clone() } else { body.clone() }, normal);
        if s.strong {
            // The default fonts have no bold face: strong text stands out by its colour.
            f.color = strong;
        }
        f.italics = s.italic;
        if s.code {
            f.background = style.visuals.code_bg_color;
        }
        job.append(&s.text, 0.0, f);
    }
    job
}

/// Draws `text` as Markdown in the available width.
pub fn markdown_ui(ui: &mut Ui, text: &str) {
    let width = ui.available_width();
    for b in blocks(text) {
        match b {
            Block::Heading(h) => {
                ui.add_space(4.0);
                ui.label(RichText::new(h).strong().size(egui::TextStyle::Body.resolve(ui.style()).size + 2.0));
            }
            Block::Paragraph(p) => {
                ui.label(job(ui, &p, width));
                ui.add_space(4.0);
            }
            Block::Item(t) => {
                ui.horizontal_top(|ui| {
                    let h = ui.text_style_height(&egui::TextStyle::Body);
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, h), egui::Sense::hover());
                    ui.painter().circle_filled(
                        egui::pos2(rect.center().x, rect.center().y),
                        2.5,
                        ui.visuals().text_color(),
                    );
                    let w = ui.available_width();
                    ui.label(job(ui, &t, w));
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
