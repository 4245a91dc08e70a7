//! Lesson texts drawn with egui: the Markdown read by [`crate::lesson::text`] (paragraphs,
//! `#` headings, `-` lists, **bold**, *italic* and `code`).

use egui::text::{LayoutJob, TextFormat};
use egui::{FontId, RichText, Ui};

pub use crate::lesson::text::{Block, Span, blocks, spans};

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
                    // A row lays text out on one line: wrap it to what is left of the row.
                    let w = ui.available_width();
                    ui.add(egui::Label::new(job(ui, &t, w)).wrap());
                });
            }
        }
    }
}
