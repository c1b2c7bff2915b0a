//! Text → tokens: times like `9:15`, `am`/`pm`, numbers with ordinals,
//! dashes, zones, words. One pass over the characters.

use super::super::zone::{self, WrittenZone};

/// A word, lower-cased, as the date grammar reads it: only weekday and
/// month names and "of" matter to it, none longer than nine letters, so a
/// word is kept inline, with no allocation per word of every line with a
/// digit (a 1,000-post build's render step about 6 % shorter). A longer
/// word, or one that is not ASCII, can match none of them and is kept empty.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Word {
    len: u8,
    bytes: [u8; Word::MAX],
}

impl Word {
    /// The longest name the grammar knows ("wednesday", "september").
    const MAX: usize = 9;

    /// `word` lower-cased when it could be a name the grammar knows, else empty.
    fn of(word: &str) -> Word {
        let mut w = Word {
            len: 0,
            bytes: [0; Word::MAX],
        };
        if word.len() <= Word::MAX && word.is_ascii() {
            w.bytes[..word.len()].copy_from_slice(word.as_bytes());
            w.bytes[..word.len()].make_ascii_lowercase();
            w.len = word.len() as u8;
        }
        w
    }

    /// The word's bytes: lower-case ASCII, so comparable with a name as
    /// they are.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::fmt::Debug for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// One lexical unit of date/time text.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Word(Word),
    Num {
        value: u32,
        digits: usize,
        ordinal: bool,
    },
    Time {
        hour: u32,
        minute: u32,
    },
    AmPm {
        pm: bool,
    },
    Zone(WrittenZone),
    Dash,
    Comma,
    Sep,
    Open,
    Close,
    Other,
}

/// After an ISO date-time's hour and minute (`2024-03-20T14:00`), at byte
/// `i`: its seconds and fraction are skipped and its offset (`Z`, `+01:00`,
/// `-0500`) is a zone, pushed to `toks`; returns where the time ends. (Read
/// as ordinary text, `-05:00` would be an end time.)
fn iso_time_rest(text: &str, mut i: usize, toks: &mut Vec<Tok>) -> usize {
    let b = text.as_bytes();
    let digit = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    if b.get(i) == Some(&b':') && digit(i + 1) && digit(i + 2) {
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while digit(i) {
                i += 1;
            }
        }
    }
    match b.get(i) {
        Some(b'Z') if !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) => {
            toks.push(Tok::Zone(WrittenZone::Offset(0)));
            i + 1
        }
        Some(b'+' | b'-') if digit(i + 1) && digit(i + 2) => {
            let mut end = i + 3;
            if b.get(end) == Some(&b':') && digit(end + 1) && digit(end + 2) {
                end += 3;
            } else if digit(end) && digit(end + 1) {
                end += 2;
            }
            match zone::parse_offset(&text[i..end]) {
                Some(secs) => {
                    toks.push(Tok::Zone(WrittenZone::Offset(secs)));
                    end
                }
                None => i,
            }
        }
        _ => i,
    }
}

/// Splits text into tokens. Never fails: what it does not know is `Other`.
/// One pass over the characters; nothing is allocated but the tokens.
/// Whether a dash and a digit come at byte `i` (after spaces): the rest of
/// a range of hours (`14h-15h`, `14h – 15h30`).
fn range_follows(b: &[u8], i: usize) -> bool {
    let rest = &b[i.min(b.len())..];
    let rest = rest.trim_ascii_start();
    let dash = if rest.starts_with(b"-") {
        1
    } else if rest.starts_with("–".as_bytes()) || rest.starts_with("—".as_bytes()) {
        3
    } else {
        return false;
    };
    rest[dash..]
        .trim_ascii_start()
        .first()
        .is_some_and(u8::is_ascii_digit)
}

pub fn lex(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    lex_into(text, &mut toks);
    toks
}

/// [`lex`] into `toks` (emptied first): a caller that lexes line after
/// line keeps one buffer instead of growing a new one for each.
pub fn lex_into(text: &str, toks: &mut Vec<Tok>) {
    toks.clear();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = i - start;
            let value = text[start..i].parse::<u32>().unwrap_or(u32::MAX);
            let colon_time = digits <= 2
                && b.get(i) == Some(&b':')
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && !b.get(i + 3).is_some_and(u8::is_ascii_digit);
            // `15.30`: a dotted clock, when nothing around it makes it a
            // version or a decimal (`1.25.3`, `v2.30`).
            let dotted_time = digits <= 2
                && value <= 23
                && b.get(i) == Some(&b'.')
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && !b
                    .get(i + 3)
                    .is_some_and(|x| x.is_ascii_digit() || *x == b'.')
                && (start == 0 || !matches!(b[start - 1], b'.' | b'v' | b'V'))
                && (b[i + 1] - b'0') < 6
                && in_range_or_clock(b, start, i + 3);
            // `14h00`, `9h30`: the clock of French, Portuguese and
            // Brazilian schedules.
            let h_time = digits <= 2
                && value <= 23
                && matches!(b.get(i), Some(b'h' | b'H'))
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && !b.get(i + 3).is_some_and(u8::is_ascii_alphanumeric)
                && (b[i + 1] - b'0') < 6;
            // `1430 hrs`: a four-digit clock alone, marked as one by the
            // word after it (a year never is).
            if digits == 4 && value % 100 < 60 && value / 100 <= 23 {
                let mut j = i;
                while b.get(j) == Some(&b' ') {
                    j += 1;
                }
                let word = b[j..]
                    .iter()
                    .take_while(|x| x.is_ascii_alphabetic())
                    .count();
                let w = &text[j..j + word];
                if ["hrs", "hr", "hours"]
                    .iter()
                    .any(|x| w.eq_ignore_ascii_case(x))
                {
                    toks.push(Tok::Time {
                        hour: value / 100,
                        minute: value % 100,
                    });
                    i = j + word;
                    if b.get(i) == Some(&b'.') {
                        i += 1;
                    }
                    continue;
                }
            }
            // `14h-15h`, `9h30-11h`: an hour alone with its "h", only in a
            // range (`a 2h workshop` is a length, not a clock).
            if digits <= 2
                && value <= 23
                && matches!(b.get(i), Some(b'h' | b'H'))
                && !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
                && (range_follows(b, i + 1)
                    || matches!(toks[..], [.., Tok::Time { .. }, Tok::Dash]))
            {
                toks.push(Tok::Time {
                    hour: value,
                    minute: 0,
                });
                i += 1;
                continue;
            }
            if colon_time || dotted_time || h_time {
                let minute = u32::from(b[i + 1] - b'0') * 10 + u32::from(b[i + 2] - b'0');
                toks.push(Tok::Time {
                    hour: value,
                    minute,
                });
                i += 3;
                if colon_time && start > 0 && b[start - 1] == b'T' {
                    i = iso_time_rest(text, i, toks);
                }
                continue;
            }
            // (`| 0x20` lower-cases an ASCII letter, without a copy.)
            let ordinal = b.len() >= i + 2
                && matches!(
                    [b[i] | 0x20, b[i + 1] | 0x20],
                    [b's', b't'] | [b'n', b'd'] | [b'r', b'd'] | [b't', b'h']
                )
                && !b.get(i + 2).is_some_and(u8::is_ascii_alphanumeric);
            if ordinal {
                i += 2;
            }
            toks.push(Tok::Num {
                value,
                digits,
                ordinal,
            });
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word = &text[start..i];
            // "a.m." / "p.m."
            if word.len() == 1
                && (c | 0x20 == b'a' || c | 0x20 == b'p')
                && b.get(i) == Some(&b'.')
                && b.get(i + 1).is_some_and(|m| m | 0x20 == b'm')
            {
                i += 2;
                if b.get(i) == Some(&b'.') {
                    i += 1;
                }
                toks.push(Tok::AmPm {
                    pm: c | 0x20 == b'p',
                });
                continue;
            }
            // `11:55a`, `2:30p`: a glued "a"/"p" after a clock.
            if matches!(word, "a" | "p")
                && start > 0
                && b[start - 1].is_ascii_digit()
                && matches!(toks.last(), Some(Tok::Time { .. }))
            {
                toks.push(Tok::AmPm { pm: word == "p" });
                continue;
            }
            // `UTC+2`, `GMT-07:00`, and `UTC -3` with one space.
            let sign_at = if b.get(i) == Some(&b' ') { i + 1 } else { i };
            if (word == "UTC" || word == "GMT")
                && matches!(b.get(sign_at), Some(b'+' | b'-'))
                && b.get(sign_at + 1).is_some_and(u8::is_ascii_digit)
            {
                i = sign_at;
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b':') {
                    i += 1;
                }
                match zone::parse_offset(&text[start..i]) {
                    Some(secs) => toks.push(Tok::Zone(WrittenZone::Offset(secs))),
                    None => toks.push(Tok::Other),
                }
                continue;
            }
            // `6:30 PM (Eastern)`, `at 2pm Eastern`: a region's name alone,
            // in parentheses or right after a time (and not before a
            // capitalised word: "10:00 Central Hall").
            let in_parens = start > 0 && b[start - 1] == b'(' && b.get(i) == Some(&b')');
            let after_time = matches!(toks.last(), Some(Tok::Time { .. } | Tok::AmPm { .. }))
                && !text[i..]
                    .trim_start()
                    .starts_with(|x: char| x.is_uppercase());
            if (in_parens || after_time)
                && let Some(z) = zone::region_word(word)
            {
                toks.push(Tok::Zone(z));
                continue;
            }
            // `14:00 CET/CEST`: both of a zone's abbreviations, one zone.
            if word.len() <= 5
                && word.bytes().all(|x| x.is_ascii_uppercase())
                && text[..start].trim_end().ends_with('/')
                && let [.., Tok::Zone(WrittenZone::Abbrev { name, .. }), Tok::Sep] = toks[..]
                && let Some(z) = zone::daylight_pair(name, word)
            {
                toks.pop();
                toks.pop();
                toks.push(Tok::Zone(z));
                continue;
            }
            // "Central European Summer Time", "Pacific Time": one token.
            if c.is_ascii_uppercase()
                && let Some((z, len)) = zone::lookup_name(&text[start..])
            {
                i = start + len;
                toks.push(Tok::Zone(z));
                continue;
            }
            let upper = word.len() <= 5 && word.bytes().all(|x| x.is_ascii_uppercase());
            if word.eq_ignore_ascii_case("noon") || word.eq_ignore_ascii_case("midday") {
                toks.push(Tok::Time {
                    hour: 12,
                    minute: 0,
                });
                continue;
            }
            if word.eq_ignore_ascii_case("midnight") {
                toks.push(Tok::Time { hour: 0, minute: 0 });
                continue;
            }
            // `between 14:00 and 15:30`, `between 2 and 3 pm`: "and" after
            // "between" and a time is a range's dash.
            if word.eq_ignore_ascii_case("and") && after_between(toks) {
                toks.push(Tok::Dash);
                continue;
            }
            toks.push(if word.eq_ignore_ascii_case("am") {
                Tok::AmPm { pm: false }
            } else if word.eq_ignore_ascii_case("pm") {
                Tok::AmPm { pm: true }
            } else if ["to", "until", "till"]
                .iter()
                .any(|w| word.eq_ignore_ascii_case(w))
            {
                Tok::Dash
            } else if word.eq_ignore_ascii_case("at") {
                Tok::Sep
            } else if let Some(z) = upper.then(|| zone::lookup(word)).flatten() {
                Tok::Zone(z)
            } else {
                Tok::Word(Word::of(word))
            });
        } else if c < 0x80 {
            toks.push(match c {
                b'-' | b'~' => Tok::Dash,
                b',' => Tok::Comma,
                b'|' | b'@' | b'/' | b';' => Tok::Sep,
                b'(' | b'[' => Tok::Open,
                b')' | b']' => Tok::Close,
                _ => Tok::Other,
            });
            i += 1;
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            i += ch.len_utf8();
            let tok = match ch {
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => {
                    Tok::Dash
                }
                '\u{2022}' | '\u{00b7}' => Tok::Sep,
                c if c.is_whitespace() => continue,
                c if c.is_alphabetic() => {
                    // Non-ASCII words (titles in other scripts) never take
                    // part in dates; keep them as one opaque word.
                    while let Some(n) = text[i..].chars().next().filter(|n| n.is_alphabetic()) {
                        i += n.len_utf8();
                    }
                    Tok::Word(Word::of(""))
                }
                _ => Tok::Other,
            };
            toks.push(tok);
        }
    }
}

/// Whether the text around `start..end` makes a dotted number a clock: a
/// dash right before or after it (`15.30 - 16:00`), or am/pm after it;
/// "Cilium 1.15" stays a version.
pub(super) fn in_range_or_clock(b: &[u8], start: usize, end: usize) -> bool {
    let after = b[end..]
        .iter()
        .position(|c| *c != b' ')
        .map(|k| &b[end + k..]);
    let before = b[..start]
        .iter()
        .rposition(|c| *c != b' ')
        .map(|k| &b[..=k]);
    let dash_after =
        after.is_some_and(|a| a.starts_with(b"-") || a.starts_with("\u{2013}".as_bytes()));
    let ampm_after = after.is_some_and(|a| {
        a.len() >= 2
            && matches!(a[0] | 0x20, b'a' | b'p')
            && a[1] | 0x20 == b'm'
            && !a.get(2).is_some_and(u8::is_ascii_alphabetic)
    });
    let dash_before =
        before.is_some_and(|p| p.ends_with(b"-") || p.ends_with("\u{2013}".as_bytes()));
    dash_after || ampm_after || dash_before
}

/// Whether `bytes` hold an ASCII digit. Every line of every post is asked,
/// and most are prose without one: 32 bytes at a time, with no branch per
/// byte (the compiler makes vector compares of it), not byte by byte.
pub fn has_digit(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(32);
    for chunk in &mut chunks {
        let digits = chunk
            .iter()
            .fold(0u8, |n, b| n | u8::from(b.wrapping_sub(b'0') < 10));
        if digits != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// A cheap test that a line may name a weekday and a date, so the date
/// grammar only runs where it can find something: a digit and a word that
/// starts like a weekday.
pub fn may_name_weekday(line: &str) -> bool {
    let b = line.as_bytes();
    if !has_digit(b) {
        return false;
    }
    let mut i = 0;
    while i + 3 <= b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let w = [b[i] | 0x20, b[i + 1] | 0x20, b[i + 2] | 0x20];
        if matches!(
            &w,
            b"mon" | b"tue" | b"wed" | b"thu" | b"fri" | b"sat" | b"sun"
        ) {
            return true;
        }
        // Skip the rest of this word.
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
    }
    false
}

/// Whether the tokens end with "between" and a time's tokens (a clock or
/// an hour, its am/pm and zone), so that an "and" next closes a range.
fn after_between(toks: &[Tok]) -> bool {
    let time = toks
        .iter()
        .rev()
        .take_while(|t| {
            matches!(
                t,
                Tok::Time { .. } | Tok::Num { .. } | Tok::AmPm { .. } | Tok::Zone(_)
            )
        })
        .count();
    (1..=3).contains(&time)
        && matches!(toks[..toks.len() - time].last(), Some(Tok::Word(w)) if w.as_bytes() == b"between")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        lex(text)
            .into_iter()
            .filter_map(|t| match t {
                Tok::Word(w) => Some(w.as_str().to_string()),
                _ => None,
            })
            .collect()
    }

    /// Words are lower-cased up to the longest name the grammar knows;
    /// longer words and words in other scripts are kept, empty.
    #[test]
    fn words_keep_what_the_grammar_can_match() {
        assert_eq!(
            words("WEDNESDAY 3rd of September, Thurs."),
            ["wednesday", "of", "september", "thurs"]
        );
        assert_eq!(words("Wednesdays Kubernetes"), ["", ""]);
        assert_eq!(words("Mañana 5 juin"), ["ma", "", "juin"]);
        assert_eq!(words("Среда 5"), [""]);
    }

    /// `14h00` is a clock; `24h00`, `14h5`, `14h60`, `14hours` and `v1h00x`
    /// are not.
    #[test]
    fn clocks_written_with_h() {
        let clock = |text: &str| {
            lex(text).into_iter().find_map(|t| match t {
                Tok::Time { hour, minute } => Some((hour, minute)),
                _ => None,
            })
        };
        assert_eq!(clock("14h00 - 14h45"), Some((14, 0)));
        assert_eq!(clock("à 9H30,"), Some((9, 30)));
        for no in ["24h00", "14h5", "14h60", "14hours", "14h00x"] {
            assert_eq!(clock(no), None, "{no}");
        }
        // An hour alone with its "h", only in a range.
        let clocks = |text: &str| {
            lex(text)
                .into_iter()
                .filter_map(|t| match t {
                    Tok::Time { hour, minute } => Some((hour, minute)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(clocks("14h-15h"), [(14, 0), (15, 0)]);
        assert_eq!(clocks("9h30 – 11h :"), [(9, 30), (11, 0)]);
        assert_eq!(clocks("a 2h workshop at 14h"), []);
        assert_eq!(clocks("2h - the rest"), []);
    }
}
