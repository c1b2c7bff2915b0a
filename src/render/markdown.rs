//! Markdown → HTML (for feeds) and → plain text (for calendar descriptions).
//!
//! Rendering is pulldown-cmark's; this module only prepares the source (Liquid
//! and Hugo tags, MDX lines) and rewrites relative links and images against
//! the post's address so they work inside a feed reader.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Replaces blog-engine tags that Markdown does not know: `{%youtube ID %}`
/// becomes a link to the video, other Liquid and Hugo tags go, MDX `import`
/// lines and `<Component … />` lines go.
pub fn prepare(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("import ") && t.contains(" from ") {
            continue;
        }
        if t.starts_with('<')
            && t.ends_with("/>")
            && t[1..].starts_with(|c: char| c.is_ascii_uppercase())
        {
            continue;
        }
        out.push_str(&replace_tags(line));
    }
    out
}

fn replace_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let liquid = rest.find("{%");
        let hugo = rest.find("{{<").or_else(|| rest.find("{{%"));
        let Some(start) = [liquid, hugo].into_iter().flatten().min() else {
            out.push_str(rest);
            return out;
        };
        let closing = if Some(start) == liquid { "%}" } else { "}}" };
        let Some(len) = rest[start..].find(closing) else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..start]);
        let inner = rest[start + 2..start + len]
            .trim_matches(|c: char| c == '<' || c == '>' || c == '%' || c.is_whitespace());
        let mut words = inner.split_whitespace();
        if let (Some(name), Some(id)) = (words.next(), words.next())
            && name.eq_ignore_ascii_case("youtube")
        {
            let id: String = id
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            out.push_str(&format!(
                "[Watch the video on YouTube](https://www.youtube.com/watch?v={id})"
            ));
        }
        rest = &rest[start + len + closing.len()..];
    }
}

/// Makes a link target absolute: root-relative against the site, relative
/// against the post's own address.
pub fn absolutize(url: &str, site_url: &str, post_url: &str) -> String {
    let u = url.trim();
    if u.is_empty()
        || u.starts_with('#')
        || u.contains("://")
        || u.starts_with("mailto:")
        || u.starts_with("data:")
    {
        return u.to_string();
    }
    if let Some(rest) = u.strip_prefix("//") {
        return format!("https://{rest}");
    }
    if u.starts_with('/') {
        return format!("{site_url}{u}");
    }
    let base = post_url.trim_end_matches('/');
    format!("{base}/{}", u.trim_start_matches("./"))
}

/// Markdown → HTML with absolute links and images.
pub fn to_html(md: &str, site_url: &str, post_url: &str) -> String {
    let src = prepare(md);
    let parser =
        Parser::new_ext(&src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|ev| {
            match ev {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(absolutize(&dest_url, site_url, post_url)),
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(absolutize(&dest_url, site_url, post_url)),
                    title,
                    id,
                }),
                Event::Html(h) => {
                    Event::Html(CowStr::from(absolutize_html(&h, site_url, post_url)))
                }
                Event::InlineHtml(h) => {
                    Event::InlineHtml(CowStr::from(absolutize_html(&h, site_url, post_url)))
                }
                other => other,
            }
        });
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// Post HTML as feed readers can take it (ammonia's allow-list): embeds
/// (`<iframe>`, `<video>`, `<audio>`, `<embed>`, `<object>`) become links to
/// what they embed, unknown tags (MDX components such as `<alert>`) are
/// unwrapped, scripts and styles go with their content, event handlers and
/// `javascript:` URLs never pass.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(None)
        // `[link]()` leaves an empty href: a reference to the feed itself.
        .attribute_filter(|_, attr, value| {
            (!(matches!(attr, "href" | "src") && value.trim().is_empty())).then_some(value.into())
        })
        .clean(&embeds_to_links(html))
        .to_string()
}

const EMBEDS: [&str; 5] = ["iframe", "video", "audio", "embed", "object"];

/// Each embed element replaced by a paragraph linking to its `src` (or
/// `data`); what it wrapped goes with it. A scan for the start tags only:
/// ammonia parses and cleans the result, so a malformed tag here can only
/// lose an embed, never let markup through.
fn embeds_to_links(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some((start, name)) = EMBEDS
        .iter()
        .filter_map(|n| {
            let i = lower[at..].find(&format!("<{n}"))? + at;
            let next = lower[i + 1 + n.len()..].chars().next();
            next.is_none_or(|c| c.is_whitespace() || c == '>' || c == '/')
                .then_some((i, *n))
        })
        .min()
    {
        let Some(tag_end) = lower[start..].find('>').map(|e| start + e + 1) else {
            break;
        };
        out.push_str(&html[at..start]);
        let tag = &html[start..tag_end];
        if let Some(url) = attribute(tag, "src").or_else(|| attribute(tag, "data")) {
            let title = attribute(tag, "title").unwrap_or(url);
            out.push_str(&format!("<p><a href=\"{url}\">{title}</a></p>"));
        }
        let close = format!("</{name}>");
        at = match lower[tag_end..].find(&close) {
            Some(c) if !tag.ends_with("/>") => tag_end + c + close.len(),
            _ => tag_end,
        };
    }
    out.push_str(&html[at..]);
    out
}

/// The value of `name="…"` (or single-quoted) in a start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| i + from) {
        from = i + name.len();
        let before_ok = lower[..i].ends_with(|c: char| c.is_whitespace());
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_at = tag.len() - rest.len() + 1;
        let value = tag[value_at..].trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let end = value[1..].find(quote)?;
        return Some(&value[1..1 + end]);
    }
    None
}

/// `src="…"` and `href="…"` inside raw HTML, made absolute.
fn absolutize_html(h: &str, site_url: &str, post_url: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut rest = h;
    while let Some(i) = ["src=\"", "href=\""]
        .iter()
        .filter_map(|a| rest.find(a).map(|i| i + a.len()))
        .min()
    {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push_str(&absolutize(&rest[..end], site_url, post_url));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Markdown → plain text: paragraphs separated by blank lines, list items
/// as `- item`, markup and HTML dropped, entities decoded.
pub fn to_plain(md: &str) -> String {
    // Most abstracts are one paragraph of words and plain punctuation,
    // which the parser would give back as they are, trimmed: setting it up
    // cost more than reading them (a twentieth of rendering a post).
    if is_plain_paragraph(md) {
        return md.trim().to_string();
    }
    parsed_plain(md)
}

/// Whether [`to_plain`] reads `md` as one paragraph of its own text: a
/// line the talk finder's titles call plain (no markup, entity, escape or
/// block start), without a blog engine's tag (`{%`, `{{<`), and not an MDX
/// `import`, which [`prepare`] rewrites or drops.
fn is_plain_paragraph(md: &str) -> bool {
    crate::talk::plain::is_plain_line(md)
        && !md.contains(['{', '}'])
        && !md.trim_start().starts_with("import ")
}

/// [`to_plain`] by the Markdown parser.
fn parsed_plain(md: &str) -> String {
    let src = prepare(md);
    let mut out = String::with_capacity(src.len());
    for ev in Parser::new(&src) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => out.push_str("- "),
            Event::End(TagEnd::Item) => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::BlockQuote(_),
            ) => out.push_str("\n\n"),
            _ => {}
        }
    }
    let mut cleaned = String::with_capacity(out.len());
    for para in out.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if !cleaned.is_empty() {
            cleaned.push_str("\n\n");
        }
        cleaned.push_str(para);
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-paragraph shortcut gives what the parser gives, for
        /// every text it takes.
        #[test]
        fn plain_paragraphs_read_as_the_parser_reads_them(
            text in proptest::string::string_regex(
                "(import |[0-9]{1,3}[.)] |[-+] | {1,4})?(    |\t| |[a-zA-Z0-9:,.)(?;/'\"@%$^{}\u{a0}\u{2003}é+-]|https://x\\.y/z|import | from |\\{%|\\{\\{<|\\{% youtube a1 %\\}|\\{\\{< note >\\}\\}){0,50}"
            ).unwrap()
        ) {
            if is_plain_paragraph(&text) {
                proptest::prop_assert_eq!(to_plain(&text), parsed_plain(&text));
            }
        }
    }

    #[test]
    fn liquid_and_mdx() {
        assert_eq!(
            prepare(
                "{%youtube 0-mD02qYXHg %}\nimport x from 'y'\n<BlogAuthor {...a} />\n{{< comment >}}text\n"
            ),
            "[Watch the video on YouTube](https://www.youtube.com/watch?v=0-mD02qYXHg)\ntext\n"
        );
    }

    #[test]
    fn links_become_absolute() {
        let html = to_html(
            "![c](./talks.png) [a](/x) [b](https://o/) <img src=\"/i.png\">",
            "https://s.io",
            "https://s.io/blog/p",
        );
        assert!(
            html.contains("src=\"https://s.io/blog/p/talks.png\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://s.io/x\""), "{html}");
        assert!(html.contains("href=\"https://o/\""), "{html}");
        assert!(html.contains("src=\"https://s.io/i.png\""), "{html}");
    }

    #[test]
    fn feed_html_is_sanitized() {
        let table = [
            (
                "<p>Watch:</p>\n<iframe width=\"560\" src=\"https://www.youtube.com/embed/x\" title=\"The talk\" allowfullscreen></iframe>",
                "<p>Watch:</p>\n<p><a href=\"https://www.youtube.com/embed/x\">The talk</a></p>",
            ),
            (
                "<alert severity=\"info\">Note <b>this</b></alert>",
                "Note <b>this</b>",
            ),
            (
                "<p onclick=\"x()\">hi<script>alert(1)</script></p>",
                "<p>hi</p>",
            ),
            ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
            (
                "<IFRAME SRC='https://e/v'/>after",
                "<p><a href=\"https://e/v\">https://e/v</a></p>after",
            ),
            ("<iframe>no source</iframe>x", "x"),
            ("<a href=\"\">link</a>", "<a>link</a>"),
        ];
        for (input, want) in table {
            assert_eq!(sanitize(input), want, "{input}");
        }
    }

    #[test]
    fn plain_text() {
        assert_eq!(
            to_plain("Para **one** &amp; [link](u).\n\n- a\n- b\n\n<br/>"),
            "Para one & link.\n\n- a\n- b"
        );
    }
}
