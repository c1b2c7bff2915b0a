//! A post body read as a document: Markdown (CommonMark with GFM tables,
//! pulldown-cmark) and the HTML inside it (html5ever, through `scraper`)
//! → one flat list of [`Unit`]s in document order, each with its source line.
//!
//! A unit is what a reader takes as one line of a schedule: a heading, a
//! line of a paragraph or list item, or a table row with its cells and the
//! header cells of its table. Markup is gone from the text; links are kept
//! beside it. Nothing here knows about times: `schedule` reads the units.

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::markup::clean;

/// What kind of block a unit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading(u8),
    /// A line of a list item; `first` when it opens the item.
    Item {
        first: bool,
    },
    /// A line of a paragraph (or of an HTML block that is not a list or table).
    Line {
        first: bool,
    },
    /// A table row (Markdown or HTML).
    Row,
}

/// A link inside a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub text: String,
    pub url: String,
}

/// One cell of a table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub links: Vec<Link>,
}

/// One line of the document as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// 1-based line in the file.
    pub line: usize,
    pub kind: Kind,
    /// Plain text: markup removed, whitespace collapsed.
    pub text: String,
    /// The Markdown source of the line (for titles that keep their link).
    pub source: String,
    pub links: Vec<Link>,
    /// Text written in bold at the start of the unit, if any.
    pub lead_bold: Option<String>,
    /// Table rows: the cells, and the header cells of the table.
    pub cells: Vec<Cell>,
    pub header: Option<Arc<[String]>>,
}

impl Unit {
    fn new(line: usize, kind: Kind, source: &str) -> Unit {
        Unit {
            line,
            kind,
            text: squash(&clean(strip_markers(source))),
            source: source.to_string(),
            links: links_in(source),
            lead_bold: lead_bold(source),
            cells: Vec::new(),
            header: None,
        }
    }
}

/// Collapses runs of whitespace to one space, trimmed.
pub fn squash(s: &str) -> String {
    fn join<'a>(words: impl Iterator<Item = &'a str>, out: &mut String) {
        for w in words {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    let mut out = String::with_capacity(s.len());
    // Byte by byte where that splits the same: ASCII text without a
    // vertical tab (the one ASCII character that Unicode counts as
    // whitespace and `split_ascii_whitespace` does not). Every unit of
    // every post is squashed.
    if s.is_ascii() && !s.contains('\x0b') {
        join(s.split_ascii_whitespace(), &mut out);
    } else {
        join(s.split_whitespace(), &mut out);
    }
    out
}

/// The line without list markers, heading `#`s, blockquote `>`s (a slice
/// of it: every unit of every post goes through here, twice).
fn strip_markers(line: &str) -> &str {
    let mut s = line.trim_start();
    loop {
        let before = s;
        s = s.trim_start_matches('>').trim_start();
        for m in ["- ", "* ", "+ "] {
            if let Some(r) = s.strip_prefix(m) {
                s = r.trim_start();
            }
        }
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && digits < 4
            && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))
            && s.as_bytes().get(digits + 1) == Some(&b' ')
        {
            s = s[digits + 2..].trim_start();
        }
        if s.starts_with('#') {
            s = s.trim_start_matches('#').trim_start();
        }
        if s == before {
            break;
        }
    }
    s.trim_end_matches('#')
}

/// Markdown links (inline and reference-style text) in a line.
fn links_in(source: &str) -> Vec<Link> {
    let mut out = Vec::new();
    // No bracket and no tag: no link (most lines), and no parser to build.
    if !source.contains(['[', '<']) {
        return out;
    }
    let parser = Parser::new_with_broken_link_callback(
        source,
        Options::empty(),
        Some(|_: pulldown_cmark::BrokenLink<'_>| {
            // A reference defined elsewhere in the post: keep its label.
            Some(("#".into(), "".into()))
        }),
    );
    let mut current: Option<(String, String)> = None;
    for ev in parser {
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => {
                current = Some((String::new(), dest_url.to_string()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((text, url)) = current.take() {
                    out.push(Link {
                        text: squash(&text),
                        url,
                    });
                }
            }
            Event::InlineHtml(h) => {
                // `<a href="…">` written inline.
                if let Some(url) = attr(&h, "href") {
                    current = Some((String::new(), url));
                } else if h.trim().eq_ignore_ascii_case("</a>")
                    && let Some((text, url)) = current.take()
                {
                    out.push(Link {
                        text: squash(&text),
                        url,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// `name="value"` in a tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let i = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[i..].find('"')?;
    Some(tag[i..i + end].to_string())
}

/// Bold text that opens the line (`**9:00 am**`, `**Date:**`).
fn lead_bold(source: &str) -> Option<String> {
    let s = strip_markers(source).trim_start();
    for (open, close) in [
        ("**", "**"),
        ("__", "__"),
        ("<strong>", "</strong>"),
        ("<b>", "</b>"),
    ] {
        if let Some(rest) = s.strip_prefix(open) {
            let end = rest.find(close)?;
            return Some(squash(&clean(&rest[..end])));
        }
    }
    None
}

/// Byte offset of each line start in `body`.
fn line_starts(body: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset).max(1) - 1
}

/// Reads a post body; `first_line` is the file line of its first line.
pub fn read(body: &str, first_line: usize) -> Vec<Unit> {
    let starts = line_starts(body);
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out = Vec::new();
    // The innermost block each event belongs to.
    let mut stack: Vec<Tag<'_>> = Vec::new();
    let mut table: Option<TableState> = None;
    let mut html: Option<Range<usize>> = None;
    let parser = Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter();
    for (ev, range) in parser {
        match ev {
            Event::Start(tag) => {
                match &tag {
                    Tag::Heading { level, .. } => {
                        let l = line_of(&starts, range.start);
                        out.push(Unit::new(
                            l + first_line,
                            Kind::Heading(*level as u8),
                            lines[l],
                        ));
                    }
                    Tag::Paragraph | Tag::Item if !in_table(&stack) => {
                        let item = matches!(tag, Tag::Item);
                        let inside_item = stack.iter().any(|t| matches!(t, Tag::Item));
                        if item || !inside_item {
                            push_lines(&mut out, &lines, &starts, range.clone(), first_line, item);
                        }
                    }
                    Tag::Table(_) => table = Some(TableState::default()),
                    Tag::TableHead => {
                        if let Some(t) = table.as_mut() {
                            t.in_head = true;
                        }
                    }
                    Tag::TableRow => {
                        if let Some(t) = table.as_mut() {
                            t.row = Vec::new();
                            t.row_line = line_of(&starts, range.start);
                        }
                    }
                    Tag::TableCell => {
                        if let Some(t) = table.as_mut() {
                            t.row.push(range.clone());
                            if t.in_head && t.row.len() == 1 {
                                t.row_line = line_of(&starts, range.start);
                            }
                        }
                    }
                    Tag::HtmlBlock => html = Some(range.clone()),
                    _ => {}
                }
                stack.push(tag);
            }
            Event::End(end) => {
                stack.pop();
                match end {
                    TagEnd::TableHead => {
                        if let Some(t) = table.as_mut() {
                            t.header = Some(
                                t.row
                                    .iter()
                                    .map(|r| squash(&clean(&body[r.clone()])))
                                    .collect(),
                            );
                            t.in_head = false;
                        }
                    }
                    TagEnd::TableRow => {
                        if let Some(t) = table.as_mut() {
                            let cells: Vec<Cell> = t
                                .row
                                .iter()
                                .map(|r| Cell {
                                    text: squash(&clean(&body[r.clone()])),
                                    links: links_in(&body[r.clone()]),
                                })
                                .collect();
                            let l = t.row_line;
                            let mut u = Unit::new(l + first_line, Kind::Row, lines[l]);
                            u.cells = cells;
                            u.header = t.header.clone();
                            out.push(u);
                        }
                    }
                    TagEnd::Table => table = None,
                    TagEnd::HtmlBlock => {
                        if let Some(r) = html.take() {
                            let l = line_of(&starts, r.start);
                            super::html::read(&body[r], l + first_line, &mut out);
                        }
                    }
                    _ => {}
                }
            }
            Event::Html(_) if html.is_none() => {}
            _ => {}
        }
    }
    out
}

#[derive(Default)]
struct TableState {
    in_head: bool,
    row: Vec<Range<usize>>,
    row_line: usize,
    header: Option<Arc<[String]>>,
}

fn in_table(stack: &[Tag<'_>]) -> bool {
    stack.iter().any(|t| matches!(t, Tag::Table(_)))
}

/// Each source line of a paragraph or list item's own text (up to a nested
/// list) as a unit.
fn push_lines(
    out: &mut Vec<Unit>,
    lines: &[&str],
    starts: &[usize],
    range: Range<usize>,
    first_line: usize,
    item: bool,
) {
    let first = line_of(starts, range.start);
    let last = line_of(starts, range.end.saturating_sub(1).max(range.start));
    for (l, raw) in lines.iter().enumerate().take(last + 1).skip(first) {
        if raw.trim().is_empty() {
            if item {
                continue;
            }
            break;
        }
        let marker = {
            let t = raw.trim_start();
            t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ")
        };
        // A nested list item is read as its own item.
        if l > first && item && marker {
            break;
        }
        let kind = if item {
            Kind::Item { first: l == first }
        } else {
            Kind::Line { first: l == first }
        };
        out.push(Unit::new(l + first_line, kind, raw));
    }
}

#[cfg(test)]
mod tests {
    use super::squash;

    #[test]
    fn squash_splits_as_unicode_whitespace_does() {
        for s in [
            "",
            "  a  b\tc\r\nd  ",
            "a\u{b}b",
            "a\u{c}b",
            "a\u{a0}b\u{2003}c",
            "Café  au\tlait",
            "\u{b}",
        ] {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squash(s), want, "{s:?}");
        }
    }
}
