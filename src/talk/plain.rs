//! Inline Markdown → plain text, for what names a talk (its title, a
//! byline, a heading): markup removed, entities decoded, whitespace
//! collapsed.

use super::doc::squash;

/// Inline Markdown → plain text (headings, link text): markup removed,
/// entities decoded.
pub fn plain_inline(md: &str) -> String {
    // Most titles are one line of words and plain punctuation, which the
    // parser would give back as they are: its setting up costs more than
    // reading them (it is asked several times for every talk).
    if is_plain_line(md) {
        return squash(md);
    }
    markdown_inline(md)
}

/// Whether CommonMark reads `md` as one paragraph of its own text: one
/// line, no byte that can open inline markup, an entity or an escape, and
/// no start that opens a block (a list item, quote, heading, fence, HTML).
/// Also the first test of `render::markdown::to_plain`'s shortcut for
/// abstracts.
pub fn is_plain_line(md: &str) -> bool {
    let first = md.trim_start().bytes().next();
    !first.is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+'))
        && !md.bytes().any(|b| {
            matches!(
                b,
                b'\n'
                    | b'\r'
                    | b'\0'
                    | b'\\'
                    | b'`'
                    | b'*'
                    | b'_'
                    | b'['
                    | b']'
                    | b'<'
                    | b'>'
                    | b'&'
                    | b'!'
                    | b'~'
                    | b'#'
                    | b'|'
                    | b'='
            )
        })
}

/// [`plain_inline`] by the Markdown parser.
fn markdown_inline(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    for ev in Parser::new(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push(' '),
            Event::Start(Tag::Item) => {}
            _ => {}
        }
    }
    squash(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_and_entities_are_decoded() {
        assert_eq!(
            plain_inline("**Bold** &amp; `code` <b>x</b>"),
            "Bold & code x"
        );
        assert_eq!(
            plain_inline("  A  title:  (with) \"quotes\"  "),
            "A title: (with) \"quotes\""
        );
    }

    proptest::proptest! {
        /// The plain-line shortcut gives what the parser gives, for every
        /// text it takes.
        #[test]
        fn plain_lines_read_as_the_parser_reads_them(
            text in proptest::string::string_regex(
                "(    |\t| |[a-zA-Z0-9:,.)(?;/'\"@%$^{}\u{a0}\u{2003}é+-]|https://x\\.y/z){0,50}"
            ).unwrap()
        ) {
            if is_plain_line(&text) {
                proptest::prop_assert_eq!(plain_inline(&text), markdown_inline(&text));
            }
        }
    }
}
