//! Markdown inline markup → the plain text the date grammar and the city
//! lookup read: links become their text, HTML tags, emphasis and escapes
//! go, non-breaking spaces become spaces. Every line of every post goes
//! through [`clean`].

/// Longest link (text and URL) recognised; longer brackets are not links.
/// Keeps `[[[[…` input linear.
const MAX_LINK_BYTES: usize = 4096;

/// Parses `[text](url)` at the start of `s`, nested brackets and parentheses
/// allowed; returns the text, the URL and the length consumed.
pub(super) fn parse_link(s: &str) -> Option<(String, String, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let mut depth = 0usize;
    let mut i = 0;
    let close = loop {
        if i > MAX_LINK_BYTES {
            return None;
        }
        match b.get(i)? {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            b'\n' if b.get(i + 1) == Some(&b'\n') => return None,
            _ => {}
        }
        i += 1;
    };
    if b.get(close + 1) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let mut j = close + 1;
    let end = loop {
        if j > MAX_LINK_BYTES {
            return None;
        }
        match b.get(j)? {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break j;
                }
            }
            b' ' | b'\n' | b'\t' => {
                // `(url "title")`: the URL ends at the space.
                if depth == 1 && b.get(j + 1) == Some(&b'"') {
                    let k = s[j..].find(")")? + j;
                    let url = s[close + 2..j].trim().to_string();
                    return (!url.is_empty()).then(|| (s[1..close].to_string(), url, k + 1));
                }
                return None;
            }
            _ => {}
        }
        j += 1;
    };
    let url = s[close + 2..end]
        .trim()
        .trim_matches(['<', '>'])
        .to_string();
    if url.is_empty() {
        return None;
    }
    Some((s[1..close].to_string(), url, end + 1))
}

/// Text for the date grammar: links become their text, HTML tags and
/// Markdown emphasis and escapes go, non-breaking spaces become spaces.
/// Copies the runs between bytes that may start markup whole: every line
/// of every post goes through here.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.bytes().position(may_start_markup) {
        out.push_str(&rest[..p]);
        rest = clean_one(text, &rest[p..], &mut out);
    }
    out.push_str(rest);
    out
}

/// Cleans what opens `rest` (the tail of `text`): a link, a tag, or one
/// character; returns what follows it.
fn clean_one<'a>(text: &str, rest: &'a str, out: &mut String) -> &'a str {
    let c = rest.chars().next().expect("a character starts here");
    if c == '['
        && let Some((t, _, len)) = parse_link(rest)
    {
        out.push(' ');
        out.push_str(&clean(&t));
        out.push(' ');
        return &rest[len..];
    }
    if c == '<' {
        let tag_like = rest[1..]
            .chars()
            .next()
            .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!');
        if tag_like && let Some(end) = rest.find('>') {
            out.push(' ');
            return &rest[end + 1..];
        }
    }
    match c {
        // `io_uring`, `snake_case`: an underscore inside a word is no
        // emphasis (CommonMark), and stays.
        '_' if intraword(text, text.len() - rest.len()) => out.push('_'),
        // Emphasis closing right before punctuation (`**Name**: Title`)
        // separates nothing: no space is left before the colon.
        '*' | '_'
            if rest
                .trim_start_matches(['*', '_'])
                .starts_with([':', ',', ';', '.', '!', '?', ')']) => {}
        '*' | '_' | '\\' | '`' => out.push(' '),
        '\u{a0}' | '\u{202f}' | '\u{2009}' => out.push(' '),
        _ => out.push(c),
    }
    &rest[c.len_utf8()..]
}

/// Whether the underscore at byte `at` of `text` is inside a word: a
/// letter or digit on each side.
fn intraword(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + 1..].chars().next();
    before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
}

/// Whether a byte may start what [`clean`] changes: a link, a tag,
/// emphasis, an escape, code, or (0xC2, 0xE2) a non-breaking or thin space.
fn may_start_markup(b: u8) -> bool {
    matches!(b, b'[' | b'<' | b'*' | b'_' | b'\\' | b'`' | 0xc2 | 0xe2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`clean`] a character at a time, every one through [`clean_one`]:
    /// the chunked one, which skips text that [`may_start_markup`] says
    /// holds no markup, must give the same text.
    fn reference_clean(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            rest = clean_one(text, rest, &mut out);
        }
        out
    }

    #[test]
    fn an_underscore_inside_a_word_stays() {
        assert_eq!(clean("io_uring, snake_case"), "io_uring, snake_case");
        assert_eq!(clean("_em_ and __init__ x"), " em  and   init   x");
        assert_eq!(clean("a _b"), "a  b");
    }

    proptest::proptest! {
        #[test]
        fn chunked_clean_is_the_char_by_char_clean(
            text in proptest::string::string_regex(
                "([a-z0-9 :,.)(!?;/]|\\[|\\]|<|>|\\*|_|\\\\|`|\u{a0}|\u{202f}|\u{2009}|\u{2010}|\u{a9}|é|\\[x\\]\\(https://y\\)|<b>|</i>){0,60}"
            ).unwrap()
        ) {
            proptest::prop_assert_eq!(clean(&text), reference_clean(&text));
        }
    }
}
