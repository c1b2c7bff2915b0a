//! The spans a line of Markdown sets off: links, bold text, titles in
//! italics or quotation marks, each with where it starts. What names a talk
//! in a sentence ([`super::sentence`]) or after a time
//! ([`super::schedule`]).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::doc::squash;

/// The titles a line sets off in italics or quotation marks (see
/// [`parsed_spans`]): `*Typing in practice*`, `"Title"`.
pub fn set_off_titles(md: &str) -> Vec<String> {
    spans(md)
        .into_iter()
        .filter(|s| s.quoted && s.url.is_none() && !s.bold)
        .map(|s| s.text)
        .collect()
}

/// The titles a line sets off in italics, bold or quotation marks, not
/// as a link's text: `*Why your CI is slow* with Dana Chu`.
pub fn emphasised_titles(md: &str) -> Vec<String> {
    spans(md)
        .into_iter()
        .filter(|s| (s.quoted || s.bold) && s.url.is_none())
        .map(|s| s.text)
        .collect()
}

/// Bold, quoted or linked text of a stretch of Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub url: Option<String>,
    pub bold: bool,
    pub quoted: bool,
    /// Nothing but markup and spaces before it in the stretch.
    pub opens: bool,
    /// Where it starts in the stretch (a byte offset).
    pub at: usize,
}

impl Span {
    /// A span whose text is still to be read.
    fn open(url: Option<String>, bold: bool, opens: bool, at: usize) -> Span {
        Span {
            text: String::new(),
            url,
            bold,
            quoted: false,
            opens,
            at,
        }
    }
}

/// The bold, quoted and linked spans of a stretch of Markdown, in order.
pub fn spans(md: &str) -> Vec<Span> {
    // A link needs a bracket (or `<` for an autolink), bold text an
    // asterisk or underscore, a quotation a quote mark (or an entity that
    // writes one): a stretch with none of them (most, between the times of
    // a schedule line) has no span, and needs no parser to say so.
    if !md.contains(['[', '<', '*', '_', '"', '&', '“']) {
        return Vec::new();
    }
    parsed_spans(md)
}

/// [`spans`] by the Markdown parser.
fn parsed_spans(md: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    // The link or bold text being read, and whether text came before it.
    let mut link: Option<Span> = None;
    let mut bold: Option<Span> = None;
    let mut italic: Option<Span> = None;
    let mut seen_text = false;
    for (ev, range) in Parser::new_ext(md, Options::empty()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some(Span::open(
                    Some(dest_url.to_string()),
                    false,
                    !seen_text,
                    range.start,
                ));
            }
            Event::End(TagEnd::Link) => {
                if let Some(mut l) = link.take() {
                    l.text = squash(&l.text);
                    l.quoted = is_quoted(&l.text);
                    if !l.text.is_empty() {
                        out.push(l);
                    }
                }
                seen_text = true;
            }
            Event::Start(Tag::Strong) => {
                if let Some(l) = link.as_mut() {
                    l.bold = true;
                } else {
                    bold = Some(Span::open(None, true, !seen_text, range.start));
                }
            }
            Event::End(TagEnd::Strong) => {
                if let Some(mut b) = bold.take() {
                    b.text = squash(&b.text);
                    if !b.text.is_empty() {
                        out.push(b);
                    }
                    seen_text = true;
                }
            }
            // `for *Rust for C# developers*`: a title in italics, as titles
            // of works are set; read as a quotation, and only when it looks
            // like one (two words or more, capitalised), not emphasis
            // ("we are *really excited*").
            Event::Start(Tag::Emphasis) if link.is_none() && bold.is_none() => {
                italic = Some(Span::open(None, false, !seen_text, range.start));
            }
            Event::End(TagEnd::Emphasis) => {
                if let Some(mut i) = italic.take() {
                    i.text = squash(&i.text);
                    i.quoted = i.text.split_whitespace().count() >= 2
                        && i.text.starts_with(|c: char| c.is_uppercase());
                    if i.quoted {
                        out.push(i);
                    }
                    seen_text = true;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(l) = link.as_mut() {
                    l.text.push_str(&t);
                } else if let Some(b) = bold.as_mut() {
                    b.text.push_str(&t);
                } else if let Some(i) = italic.as_mut() {
                    i.text.push_str(&t);
                } else {
                    out.extend(quotes(&t, range.start));
                    if !t.trim().is_empty() {
                        seen_text = true;
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(l) = link.as_mut() {
                    l.text.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// `"Title"` or `“Title”` in running text.
fn quotes(text: &str, at: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['"', '“']) {
        let close_char = if rest[open..].starts_with('“') {
            '”'
        } else {
            '"'
        };
        let after = &rest[open + rest[open..].chars().next().map_or(1, char::len_utf8)..];
        let Some(close) = after.find(close_char) else {
            break;
        };
        let inner = squash(&after[..close]);
        if inner.split_whitespace().count() >= 2 {
            out.push(Span {
                text: inner,
                url: None,
                bold: false,
                quoted: true,
                opens: false,
                at: at + (text.len() - rest.len()) + open,
            });
        }
        rest = &after[close + close_char.len_utf8()..];
    }
    out
}

fn is_quoted(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('"') && t.ends_with('"') && t.len() > 2)
        || (t.starts_with('“') && t.ends_with('”'))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Text without what can open a span has none, as the parser
        /// reads it too.
        #[test]
        fn no_span_without_its_marks(
            text in proptest::string::string_regex(
                "( |\n|    |[a-zA-Z0-9:,.)(?;/'@%$!#+=|-]|\\[|<|\\*|_|\"|&quot;|&ldquo;|“|\\\\){0,40}"
            ).unwrap()
        ) {
            let parsed = parsed_spans(&text);
            if !text.contains(['[', '<', '*', '_', '"', '&', '“']) {
                proptest::prop_assert!(parsed.is_empty());
            }
            proptest::prop_assert_eq!(spans(&text), parsed);
        }
    }
}
