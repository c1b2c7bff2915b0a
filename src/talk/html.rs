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
    /// Newlines in `source[..cursor]`.
    lines_before: usize,
    /// Bytes the searches may still read: a few times the block, so a post
    /// whose units are not found in its source stays linear.
    budget: usize,
    out: &'a mut Vec<Unit>,
}

/// Elements nested deeper than this have their tags dropped before parsing
/// (their text stays). html5ever's tree builder looks through the stack of
/// open elements for many tags, so its time grows with the square of the
/// depth: 100,000 nested `<div>`s took 30 s. No post nests anywhere near it.
const MAX_PARSE_DEPTH: usize = 256;

/// Elements commonly left unclosed (`<p>`, `<li>`): not counted as depth,
/// so sloppy but ordinary HTML is never flattened.
const SELF_ENDING: [&str; 24] = [
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "br", "img",
    "hr", "input", "meta", "link", "wbr", "area", "base", "col", "embed", "source", "track",
];

/// Text and inline elements read between blocks, to be one line.
#[derive(Default)]
struct Run {
    text: String,
    links: Vec<Link>,
    /// Decided by the first thing with text: bold (its text) or not.
    lead_bold: Option<Option<String>>,
}

impl Run {
    fn text(&mut self, t: &str) {
        if self.lead_bold.is_none() && !t.trim().is_empty() {
            self.lead_bold = Some(None);
        }
        self.text.push_str(t);
    }

    fn element(&mut self, e: ElementRef<'_>) {
        let t = text_of(e);
        if self.lead_bold.is_none() && !t.trim().is_empty() {
            self.lead_bold = Some(matches!(e.value().name(), "strong" | "b").then(|| squash(&t)));
        }
        self.text.push_str(&t);
        self.links.extend(links(e));
    }
}

/// Appends the units of one HTML block that starts on file line `first_line`.
pub fn read(source: &str, first_line: usize, out: &mut Vec<Unit>) {
    let flat = within_depth(source);
    let source = &flat[..];
    let doc = Html::parse_fragment(source);
    let mut r = Reader {
        source,
        first_line,
        cursor: 0,
        lines_before: 0,
        budget: 8 * source.len() + 4096,
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
        let mut end = (self.cursor + self.budget).min(self.source.len());
        while !self.source.is_char_boundary(end) {
            end -= 1;
        }
        let window = &self.source[self.cursor..end];
        if !needle.is_empty() {
            match window.find(&needle) {
                Some(i) => {
                    self.budget -= i + needle.len();
                    self.lines_before += window[..i].matches('\n').count();
                    // Past the match: the next unit starts after this one, so
                    // two items opening with the same time get their own lines.
                    self.cursor += i + needle.len();
                }
                None => self.budget -= window.len(),
            }
        }
        self.first_line + self.lines_before
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
                _ if BLOCKS.contains(&name) && has_break(el) => self.lines(el),
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
                    (_, Some(e)) => text_of(e),
                    _ => String::new(),
                })
                .collect();
            if !squash(&own).is_empty() {
                let line = self.line_of(&own);
                self.out
                    .push(unit(line, Kind::Item { first: true }, &own, el));
            }
        }
        // Text and inline elements between blocks (`<span class="time">…
        // </span>` above a card's `<h3>`) are a line each run (in a list
        // item, its own line was read above).
        let first = self.out.len();
        let mut run = Run::default();
        for child in el.children() {
            match ElementRef::wrap(child) {
                Some(e) if is_block(e) || has_block_child(e) => {
                    self.flush(std::mem::take(&mut run), name);
                    self.walk(e, depth + 1, header.clone());
                }
                Some(e) if e.value().name() == "br" => run.text(" "),
                Some(e) => run.element(e),
                None => {
                    if let Node::Text(t) = child.value() {
                        run.text(t);
                    }
                }
            }
        }
        self.flush(run, name);
        self.time_before_title(first);
    }

    /// `<p><strong>Date:</strong> March 5, 2025<br><strong>Time:</strong>
    /// 2:00 PM</p>`: a paragraph whose breaks make lines, read as the lines
    /// of a Markdown paragraph with hard breaks are (the first opens it).
    fn lines(&mut self, el: ElementRef<'_>) {
        let mut run = Run::default();
        let mut first = true;
        for child in el.children() {
            match ElementRef::wrap(child) {
                Some(e) if e.value().name() == "br" => {
                    first &= !self.push_run(std::mem::take(&mut run), Kind::Line { first });
                }
                Some(e) => run.element(e),
                None => {
                    if let Node::Text(t) = child.value() {
                        run.text(t);
                    }
                }
            }
        }
        self.push_run(run, Kind::Line { first });
    }

    /// A run of text and inline elements as one line, unless `container`
    /// is a list item.
    fn flush(&mut self, run: Run, container: &str) {
        if container != "li" {
            self.push_run(run, Kind::Line { first: true });
        }
    }

    /// A run as a unit of `kind`, unless it has no text: whether it was one.
    fn push_run(&mut self, run: Run, kind: Kind) -> bool {
        let text = squash(&run.text);
        if text.is_empty() {
            return false;
        }
        let line = self.line_of(&run.text);
        self.out.push(Unit {
            line,
            kind,
            source: text.clone(),
            text,
            links: run.links,
            lead_bold: run.lead_bold.flatten(),
            cells: Vec::new(),
            header: None,
        });
        true
    }

    /// `<div><span>Sept. 25, 11:40 – 12:10 BST</span><h3>Title</h3><p>Jane
    /// Roe</p></div>`: a card that shows its time above its title is read
    /// title first, as cards are (the units from `first` on are the
    /// card's); only a small card whose other lines hold no time.
    fn time_before_title(&mut self, first: usize) {
        const MAX_CARD_UNITS: usize = 6;
        const MAX_TIME_BYTES: usize = 80;
        let units = &mut self.out[first..];
        let has_time = |u: &Unit| super::when::scan(&u.text).time.is_some();
        if (2..=MAX_CARD_UNITS).contains(&units.len())
            && units[0].kind == (Kind::Line { first: true })
            && matches!(units[1].kind, Kind::Heading(_))
            && units[0].text.len() <= MAX_TIME_BYTES
            && has_time(&units[0])
            && !units[1..].iter().any(has_time)
        {
            units.swap(0, 1);
        }
    }

    fn push(&mut self, el: ElementRef<'_>, kind: Kind) {
        let text = text_of(el);
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
            let texts: Vec<String> = cells.iter().map(|c| squash(&text_of(*c))).collect();
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

/// `source` with the tags of elements nested deeper than [`MAX_PARSE_DEPTH`]
/// replaced by spaces (one pass; borrowed when nothing is that deep).
fn within_depth(source: &str) -> std::borrow::Cow<'_, str> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut drop: Vec<std::ops::Range<usize>> = Vec::new();
    let mut at = 0;
    while let Some(i) = bytes[at..].iter().position(|&b| b == b'<').map(|i| at + i) {
        let Some(len) = bytes[i..].iter().position(|&b| b == b'>') else {
            break;
        };
        let tag = &source[i + 1..i + len];
        at = i + len + 1;
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || SELF_ENDING.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        if closing {
            if depth > MAX_PARSE_DEPTH {
                drop.push(i..at);
            }
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MAX_PARSE_DEPTH {
                drop.push(i..at);
            }
        }
    }
    if drop.is_empty() {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut from = 0;
    for r in drop {
        out.push_str(&source[from..r.start]);
        // Spaces, not nothing: words on both sides stay apart, lines stay put.
        out.push(' ');
        from = r.end;
    }
    out.push_str(&source[from..]);
    std::borrow::Cow::Owned(out)
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

/// The element's text, with a `<time datetime="2024-03-20T14:00:00+01:00">`
/// that shows a time read as its machine-readable date and time: the
/// attribute states the offset the shown text ("March 20, 2:00 PM") leaves
/// out. One that shows a date only is a publication date (`<time
/// class="dt-published" datetime="2018-12-04T21:04:38.092Z">December 4,
/// 2018</time>`): its hidden instant is no talk's, and stays hidden.
fn text_of(el: ElementRef<'_>) -> String {
    fn walk(el: ElementRef<'_>, out: &mut String) {
        for child in el.children() {
            match (child.value(), ElementRef::wrap(child)) {
                (Node::Text(t), _) => out.push_str(t),
                // `<td>4 Feb 2025<br/>10:30</td>`: a break or a block
                // separates words, as a browser shows them ("202510:30"
                // is no date).
                (_, Some(e)) if e.value().name() == "br" || is_block(e) => {
                    out.push(' ');
                    walk(e, out);
                    out.push(' ');
                }
                (_, Some(e)) => match e.value().attr("datetime").filter(|d| {
                    e.value().name() == "time"
                        && d.len() <= 40
                        && d.contains('T')
                        && super::when::scan(&e.text().collect::<String>())
                            .time
                            .is_some()
                }) {
                    Some(iso) => {
                        out.push(' ');
                        out.push_str(iso.trim());
                        out.push(' ');
                    }
                    None => walk(e, out),
                },
                _ => {}
            }
        }
    }
    let mut out = String::new();
    walk(el, &mut out);
    out
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

/// Whether a `<br>` is among the element's children.
fn has_break(el: ElementRef<'_>) -> bool {
    el.children()
        .filter_map(ElementRef::wrap)
        .any(|e| e.value().name() == "br")
}

fn has_block_child(el: ElementRef<'_>) -> bool {
    el.children().filter_map(ElementRef::wrap).any(is_block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_opening_alike_keep_their_own_lines() {
        let html = "<ul>\n<li><b>2:35pm:</b> <a href=a>One</a></li>\n<li><b>2:35pm:</b> <a href=b>Two</a></li>\n</ul>";
        let mut units = Vec::new();
        read(html, 10, &mut units);
        let lines: Vec<(usize, &str)> = units.iter().map(|u| (u.line, u.text.as_str())).collect();
        assert_eq!(lines, [(11, "2:35pm: One"), (12, "2:35pm: Two")]);
    }

    #[test]
    fn a_break_or_a_block_in_a_cell_separates_words() {
        let html = "<table><tr><th>When</th><th>Talk</th></tr>\n<tr><td>4 Feb 2025<br/>10:30</td><td><p>Open</p><p>AI</p></td></tr></table>";
        let mut units = Vec::new();
        read(html, 1, &mut units);
        let cells: Vec<&str> = units[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(cells, ["4 Feb 2025 10:30", "Open AI"]);
    }

    #[test]
    fn inline_text_between_blocks_is_a_line_and_a_time_above_a_title_goes_under_it() {
        let html = "<div class=card>\n<span class=time>Sept. 25, 11:40 – 12:10 BST</span>\n<h3>Loki 3.0</h3>\n<p>Jane <a href=/j>Roe</a></p>\n</div>";
        let mut units = Vec::new();
        read(html, 1, &mut units);
        let lines: Vec<(usize, &str)> = units.iter().map(|u| (u.line, u.text.as_str())).collect();
        assert_eq!(
            lines,
            [
                (3, "Loki 3.0"),
                (2, "Sept. 25, 11:40 – 12:10 BST"),
                (4, "Jane Roe")
            ]
        );
        // Two times in the card: left in document order.
        let html = "<div><span>10:00</span><h3>A</h3><p>11:00</p></div>";
        let mut units = Vec::new();
        read(html, 1, &mut units);
        assert_eq!(units[0].text, "10:00");
    }

    #[test]
    fn only_what_is_nested_too_deep_is_flattened() {
        let ordinary = "<div><p>One<p>Two<ul><li>a<li>b</ul><br><img src=x></div>";
        assert!(matches!(
            within_depth(ordinary),
            std::borrow::Cow::Borrowed(_)
        ));
        let n = MAX_PARSE_DEPTH + 10;
        let deep = "<div>x ".repeat(n) + &"</div>".repeat(n);
        let flat = within_depth(&deep);
        assert_eq!(flat.matches("<div>").count(), MAX_PARSE_DEPTH);
        assert_eq!(flat.matches("</div>").count(), MAX_PARSE_DEPTH);
        assert_eq!(flat.matches("x ").count(), n);
        // The units are still read, with their text.
        let mut units = Vec::new();
        read(&deep, 1, &mut units);
        assert!(!units.is_empty());
    }
}
