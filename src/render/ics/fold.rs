//! Content lines as RFC 5545 §3.1 wants them: TEXT escaped, folded at 75
//! octets with CRLF + space, never inside a UTF-8 character or a `\x` escape.
//!
//! The `icalendar` crate escapes values but folds by characters in a way that
//! can split an escape sequence, so its output is unfolded and folded again
//! here; calendar headers are written with the same functions.

/// Longest physical line, in octets, without its CRLF.
const LIMIT: usize = 75;

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, `;`, `,`, newline.
/// Copies the runs between bytes that need a look whole: every talk's
/// title, description and location go through here.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let b = value.as_bytes();
    let (mut kept, mut at) = (0, 0);
    while let Some(p) = b[at..].iter().position(|&c| needs_a_look(c)) {
        let i = at + p;
        out.push_str(&value[kept..i]);
        let c = value[i..].chars().next().expect("a character starts here");
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // Other control characters are not allowed in TEXT.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
        at = i + c.len_utf8();
        kept = at;
    }
    out.push_str(&value[kept..]);
    out
}

/// Whether a byte may start a character [`escape_text`] changes: ASCII
/// specials and controls, and 0xC2, which starts the C1 controls
/// (U+0080–U+009F) and also characters kept as they are (U+00A0–U+00BF).
fn needs_a_look(c: u8) -> bool {
    matches!(c, b'\\' | b';' | b',' | 0..=0x1f | 0x7f | 0xc2)
}

/// TEXT without the characters RFC 5545 §3.3.11 does not allow (controls
/// other than newline and tab; CR is dropped, LF becomes `\n` when escaped).
pub fn clean_text(value: &str) -> std::borrow::Cow<'_, str> {
    if value
        .chars()
        .all(|c| c == '\n' || c == '\t' || !c.is_control())
    {
        std::borrow::Cow::Borrowed(value)
    } else {
        value
            .chars()
            .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
            .collect()
    }
}

/// Appends one logical line, folded, with CRLF.
///
/// Folds at 75 octets, never inside a UTF-8 character or a `\x` escape, and
/// never right before a space or tab: some parsers strip all leading
/// whitespace of a continuation line, which would eat that character.
pub fn push_line(out: &mut String, line: &str) {
    if line.len() <= LIMIT {
        // Most lines fit: nothing to fold.
        out.push_str(line);
        out.push_str("\r\n");
        return;
    }
    // One pass over the bytes, copying a physical line at a time. A unit
    // (one character, or an escape pair) never splits; the starts of the
    // last few units are kept to move a break off a blank.
    let b = line.as_bytes();
    out.reserve(line.len() + 3 * (line.len() / (LIMIT - 1) + 1));
    let mut recent = [0usize; BACK_RING];
    // Unit index, and the byte where that unit starts.
    let (mut k, mut at) = (0usize, 0usize);
    // Where the current physical line's content starts in `line`: 0 on
    // the first line, never 0 after a break (a continuation's octets then
    // count its leading space too).
    let mut from = 0usize;
    while at < b.len() {
        let mut end = at + utf8_width(b[at]);
        if b[at] == b'\\' && end < b.len() {
            end += utf8_width(b[end]);
        }
        recent[k % BACK_RING] = at;
        let len = at - from + usize::from(from > 0);
        if len + (end - at) > LIMIT {
            // Break where neither side is blank: move back over up to 8
            // units (staying on this physical line) to find such a place.
            let start_of = |unit: usize| recent[unit % BACK_RING];
            let blank = |i: usize| matches!(b[i], b' ' | b'\t');
            // The first physical line keeps at least two octets.
            let keep = from + usize::from(from == 0);
            let mut back = 0;
            while back < 8
                && k > back + 1
                && (blank(start_of(k - back)) || blank(start_of(k - back - 1)))
                && start_of(k - back - 1) > keep
            {
                back += 1;
            }
            let cut = start_of(k - back);
            out.push_str(&line[from..cut]);
            out.push_str("\r\n ");
            from = cut;
        }
        at = end;
        k += 1;
    }
    out.push_str(&line[from..]);
    out.push_str("\r\n");
}

/// Unit starts [`push_line`] remembers: the 8 it may move back over, and
/// the one before them.
const BACK_RING: usize = 16;

/// The length of the UTF-8 character that starts with `lead`.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0..0xc0 => 1,
        0xc0..0xe0 => 2,
        0xe0..0xf0 => 3,
        _ => 4,
    }
}

/// `NAME:value` with the value escaped as TEXT.
pub fn push_text(out: &mut String, name: &str, value: &str) {
    push_line(out, &format!("{name}:{}", escape_text(value)));
}

/// Undoes folding: every CRLF followed by one space or tab disappears.
/// One pass (schedules and searches unfold every `VEVENT` they read).
pub fn unfold(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut kept, mut at) = (0, 0);
    while let Some(p) = b[at..].iter().position(|&c| c == b'\r') {
        let cr = at + p;
        if b.get(cr + 1) == Some(&b'\n') && matches!(b.get(cr + 2), Some(b' ' | b'\t')) {
            out.push_str(&text[kept..cr]);
            kept = cr + 3;
        }
        at = cr + 1;
    }
    out.push_str(&text[kept..]);
    out
}

/// The content lines of almanac's own component text (a `VEVENT`),
/// unfolded first, as (name, `TZID` parameter, value still escaped),
/// borrowed: schedules and searches read what the calendars say through
/// this, for every talk, without a string per property.
pub fn property_lines(unfolded: &str) -> impl Iterator<Item = (&str, Option<&str>, &str)> {
    unfolded.split('\n').filter_map(|line| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (head, value) = line.split_once(':')?;
        let mut parts = head.split(';');
        let name = parts.next()?;
        let tzid = parts.find_map(|p| p.strip_prefix("TZID="));
        Some((name, tzid, value))
    })
}

/// almanac's own bytes as text: borrowed (they are UTF-8), and replaced
/// where not rather than refused. Checked with the standard validator,
/// which is faster on text that is valid than the lossy one's chunking.
pub fn utf8(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// A TEXT value unescaped: the inverse of [`escape_text`]. Copies the text
/// between backslashes whole (schedules unescape every talk's text).
pub fn unescape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        // The escaped character is kept as it is, even a backslash; `n`
        // and `N` are a line break.
        let mut escaped = rest[at + 1..].chars();
        match escaped.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c) => out.push(c),
            None => {}
        }
        rest = escaped.as_str();
    }
    out.push_str(rest);
    out
}

/// Re-folds a block of CRLF lines (unfolded first).
pub fn refold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 40);
    for line in unfold(text).split("\r\n").filter(|l| !l.is_empty()) {
        push_line(&mut out, line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<&str> {
        s.split("\r\n").filter(|l| !l.is_empty()).collect()
    }

    #[test]
    fn escaping() {
        for (raw, want) in [
            ("a,b;c\\d\ne", "a\\,b\\;c\\\\d\\ne"),
            ("plain: colon", "plain: colon"),
            ("cr\r\nlf", "cr\\nlf"),
            ("bell\u{7}", "bell"),
        ] {
            assert_eq!(escape_text(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn folds_at_75_octets_on_boundaries() {
        let cases = [
            "x".repeat(200),
            "é".repeat(100),
            format!("{}\\n{}", "a".repeat(73), "b".repeat(80)),
            "⚡🚦".repeat(40),
            format!("DESCRIPTION:{}", escape_text(&",;\\\n".repeat(50))),
        ];
        for line in cases {
            let mut out = String::new();
            push_line(&mut out, &line);
            assert!(out.ends_with("\r\n"));
            for (i, l) in lines(&out).iter().enumerate() {
                assert!(l.len() <= 75, "line {i} is {} octets", l.len());
                if i > 0 {
                    assert!(l.starts_with(' '));
                }
                assert!(
                    !l.ends_with('\\') || l.ends_with("\\\\"),
                    "escape split: {l:?}"
                );
            }
            assert_eq!(unfold(&out), format!("{line}\r\n"));
        }
    }

    /// The fold as first written (a unit vector per line): the one-pass
    /// [`push_line`] must give the same bytes.
    fn reference_push_line(out: &mut String, line: &str) {
        if line.len() <= LIMIT {
            // Most lines fit: nothing to fold.
            out.push_str(line);
            out.push_str("\r\n");
            return;
        }
        // Units that must stay together: one character, or an escape pair.
        let mut units: Vec<&str> = Vec::with_capacity(line.len());
        let mut it = line.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let mut end = i + c.len_utf8();
            if let Some(&(j, n)) = it.peek().filter(|_| c == '\\') {
                it.next();
                end = j + n.len_utf8();
            }
            units.push(&line[i..end]);
        }
        let mut len = 0;
        let mut k = 0;
        while k < units.len() {
            let u = units[k];
            if len + u.len() > LIMIT {
                // Break where neither side is blank: move back over up to 8
                // units (staying on this physical line) to find such a place.
                let blank = |s: &str| s.starts_with([' ', '\t']);
                let line_start = out.len() + 1 - len;
                let mut back = 0;
                while back < 8
                    && k > back + 1
                    && (blank(units[k - back]) || blank(units[k - back - 1]))
                    && out.len() - units[k - back - 1].len() > line_start
                {
                    out.truncate(out.len() - units[k - back - 1].len());
                    back += 1;
                }
                out.push_str("\r\n ");
                len = 1;
                for moved in &units[k - back..k] {
                    out.push_str(moved);
                    len += moved.len();
                }
            }
            out.push_str(u);
            len += u.len();
            k += 1;
        }
        out.push_str("\r\n");
    }

    proptest::proptest! {
        #[test]
        fn one_pass_fold_is_the_unit_fold(
            line in proptest::string::string_regex("[a-z \\t\\\\,;é⚡🚦]{0,400}").unwrap()
        ) {
            let (mut fast, mut slow) = (String::from("X"), String::from("X"));
            push_line(&mut fast, &line);
            reference_push_line(&mut slow, &line);
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn unescaping_is_the_char_by_char_unescape(
            value in proptest::string::string_regex("[a-zN \\\\,;\né⚡]{0,80}").unwrap()
        ) {
            proptest::prop_assert_eq!(unescape_text(&value), reference_unescape(&value));
            proptest::prop_assert_eq!(unescape_text(&escape_text(&value)), value);
        }

        #[test]
        fn escaping_is_the_char_by_char_escape(
            value in proptest::string::string_regex("[a-z \\\\,;\r\n\t\u{0}-\u{1f}\u{7f}-\u{a0}éÂ⚡]{0,80}").unwrap()
        ) {
            proptest::prop_assert_eq!(escape_text(&value), reference_escape(&value));
        }
    }

    /// The escape as first written, a character at a time: the chunked
    /// [`escape_text`] must give the same text.
    fn reference_escape(value: &str) -> String {
        let mut out = String::new();
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                ';' => out.push_str("\\;"),
                ',' => out.push_str("\\,"),
                '\n' => out.push_str("\\n"),
                '\r' => {}
                c if c.is_control() && c != '\t' => {}
                c => out.push(c),
            }
        }
        out
    }

    /// The unescape as first written, a character at a time: the chunked
    /// [`unescape_text`] must give the same text.
    fn reference_unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    }

    #[test]
    fn exactly_75_is_not_folded() {
        let mut out = String::new();
        push_line(&mut out, &"y".repeat(75));
        assert_eq!(lines(&out).len(), 1);
        let mut out = String::new();
        push_line(&mut out, &"y".repeat(76));
        assert_eq!(lines(&out), vec!["y".repeat(75).as_str(), " y"]);
    }
}
