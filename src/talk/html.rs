//! HTML blocks inside a post (Medium exports, cards, HTML tables) → the same
//! [`Unit`]s as Markdown, parsed by a real HTML5 parser (html5ever via
//! `scraper`), so unclosed tags, entities and nesting are read as a browser
//! reads them.
//!
//! html5ever keeps no source positions, so each unit's line is found by
//! looking for its first words in the block's source, moving forward only:
//! linear in the block, and right for the usual one-element-per-line HTML.

use std::sync::Arc;

use scraper::{ElementRef, Html, Node};

use super::doc::{Cell, Kind, Link, Unit, squash};

/// Elements whose text is a unit of its own.
const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
const BLOCKS: [&str; 12] = [
    "p",
    "li",
    "div",
    "section",
    "blockquote",
    "figcaption",
    "dt",
    "dd",
    "ul",
    "ol",
    "table",
    "article",
];

/// Deepest nesting walked; deeper content is read as text of its ancestor
/// (keeps hostile input linear and the stack bounded).
const MAX_DEPTH: usize = 64;

struct Reader<'a> {
    source: &'a str,
    first_line: usize,
    /// Byte offset in `source` searched from.
    cursor: usize,
    out: &'a mut Vec<Unit>,
}

/// Appends the units of one HTML block that starts on file line `first_line`.
pub fn read(source: &str, first_line: usize, out: &mut Vec<Unit>) {
    let doc = Html::parse_fragment(source);
    let mut r = Reader {
        source,
        first_line,
        cursor: 0,
        out,
    };
    r.walk(doc.root_element(), 0, None);
}

impl Reader<'_> {
    /// The file line of `text`, found at or after the cursor.
    fn line_of(&mut self, text: &str) -> usize {
        let needle: String = text
            .split_whitespace()
            .find(|w| w.chars().count() >= 2 && !w.contains('&'))
            .unwrap_or("")
            .chars()
            .take(16)
            .collect();
        if !needle.is_empty()
            && let Some(i) = self.source[self.cursor..].find(&needle)
        {
            self.cursor += i;
        }
        self.first_line + self.source[..self.cursor].matches('\n').count()
    }

    fn walk(&mut self, el: ElementRef<'_>, depth: usize, header: Option<Arc<[String]>>) {
        let name = el.value().name();
        if name == "script" || name == "style" {
            return;
        }
        if let Some(level) = HEADINGS.iter().position(|h| *h == name) {
            self.push(el, Kind::Heading(level as u8 + 1));
            return;
        }
        if name == "table" {
            self.table(el);
            return;
        }
        if depth >= MAX_DEPTH || !has_block_child(el) {
            match name {
                "li" => self.push(el, Kind::Item { first: true }),
                _ if BLOCKS.contains(&name) || name == "html" => {
                    self.push(el, Kind::Line { first: true })
                }
                _ => {}
            }
            return;
        }
        // Text before the first block child belongs to this element (a list
        // item's own line above its nested list).
        if name == "li" {
            let own: String = el
                .children()
                .take_while(|c| ElementRef::wrap(*c).is_none_or(|e| !is_block(e)))
                .map(|c| match (c.value(), ElementRef::wrap(c)) {
                    (Node::Text(t), _) => t.to_string(),
                    (_, Some(e)) => e.text().collect(),
                    _ => String::new(),
                })
                .collect();
            if !squash(&own).is_empty() {
                let line = self.line_of(&own);
                self.out
                    .push(unit(line, Kind::Item { first: true }, &own, el));
            }
        }
        for child in el.children() {
            match ElementRef::wrap(child) {
                Some(e) => self.walk(e, depth + 1, header.clone()),
                None => {
                    if let Node::Text(t) = child.value()
                        && !squash(t).is_empty()
                        && name != "li"
                    {
                        let line = self.line_of(t);
                        self.out.push(unit(line, Kind::Line { first: true }, t, el));
                    }
                }
            }
        }
    }

    fn push(&mut self, el: ElementRef<'_>, kind: Kind) {
        let text: String = el.text().collect();
        if squash(&text).is_empty() {
            return;
        }
        let line = self.line_of(&text);
        self.out.push(unit(line, kind, &text, el));
    }

    /// A table: each row a unit with its cells; the header is the first row
    /// made of `th` cells.
    fn table(&mut self, table: ElementRef<'_>) {
        let mut header: Option<Arc<[String]>> = None;
        let rows = table
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr");
        for row in rows {
            let cells: Vec<ElementRef<'_>> = row
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .collect();
            let all_th = !cells.is_empty() && cells.iter().all(|c| c.value().name() == "th");
            let texts: Vec<String> = cells
                .iter()
                .map(|c| squash(&c.text().collect::<String>()))
                .collect();
            if all_th && header.is_none() {
                header = Some(texts.into());
                continue;
            }
            let whole = texts.join(" | ");
            let line = self.line_of(texts.iter().find(|t| !t.is_empty()).map_or("", |t| t));
            let mut u = unit(line, Kind::Row, &whole, row);
            u.cells = cells
                .iter()
                .zip(texts)
                .map(|(c, text)| Cell {
                    text,
                    links: links(*c),
                })
                .collect();
            u.header = header.clone();
            self.out.push(u);
        }
    }
}

fn unit(line: usize, kind: Kind, text: &str, el: ElementRef<'_>) -> Unit {
    let lead_bold = el
        .children()
        .find(|c| !matches!(c.value(), Node::Text(t) if t.trim().is_empty()))
        .and_then(ElementRef::wrap)
        .filter(|e| matches!(e.value().name(), "strong" | "b"))
        .map(|e| squash(&e.text().collect::<String>()));
    Unit {
        line,
        kind,
        text: squash(text),
        source: squash(text),
        links: links(el),
        lead_bold,
        cells: Vec::new(),
        header: None,
    }
}

fn links(el: ElementRef<'_>) -> Vec<Link> {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "a")
        .filter_map(|a| {
            Some(Link {
                url: a.value().attr("href")?.to_string(),
                text: squash(&a.text().collect::<String>()),
            })
        })
        .collect()
}

fn is_block(e: ElementRef<'_>) -> bool {
    let n = e.value().name();
    BLOCKS.contains(&n) || HEADINGS.contains(&n) || n == "tr"
}

fn has_block_child(el: ElementRef<'_>) -> bool {
    el.children().filter_map(ElementRef::wrap).any(is_block)
}
