//! The date/time grammar: text as authors write it → a [`Found`] date and time.
//!
//! Two steps. [`lex`] turns cleaned text into tokens (times like `9:15`,
//! `am`/`pm`, numbers with ordinals, dashes, zones, words); [`scan`] finds
//! dates (`Tuesday, March 19, 2024`, `Monday, 23 March`, `2024-03-19`) and
//! time ranges (`09:00 - 09:10 CET`, `9:10 - 9:35 AM`, `4:30pm -⏎5:05pm`).
//! Nothing here knows the post: years, zones and 12-hour guesses are settled
//! in `resolve`. Linear in the input; no backtracking beyond a few tokens.

use super::zone::{self, WrittenZone};

/// One lexical unit of date/time text.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Word(String),
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

/// Splits text into tokens. Never fails: what it does not know is `Other`.
/// One pass over the characters; the only allocation per word is its
/// lower-case form.
pub fn lex(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
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
            if colon_time || dotted_time {
                let minute = u32::from(b[i + 1] - b'0') * 10 + u32::from(b[i + 2] - b'0');
                toks.push(Tok::Time {
                    hour: value,
                    minute,
                });
                i += 3;
                continue;
            }
            let ordinal = b.len() >= i + 2
                && matches!(
                    &b[i..i + 2].to_ascii_lowercase()[..],
                    b"st" | b"nd" | b"rd" | b"th"
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
                Tok::Word(word.to_ascii_lowercase())
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
                    let start = i - ch.len_utf8();
                    while let Some(n) = text[i..].chars().next().filter(|n| n.is_alphabetic()) {
                        i += n.len_utf8();
                    }
                    Tok::Word(text[start..i].to_lowercase())
                }
                _ => Tok::Other,
            };
            toks.push(tok);
        }
    }
    toks
}

/// Whether the text around `start..end` makes a dotted number a clock: a
/// dash right before or after it (`15.30 - 16:00`), or am/pm after it;
/// "Cilium 1.15" stays a version.
fn in_range_or_clock(b: &[u8], start: usize, end: usize) -> bool {
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

/// A cheap test that a line may name a weekday and a date, so the date
/// grammar only runs where it can find something: a digit and a word that
/// starts like a weekday.
pub fn may_name_weekday(line: &str) -> bool {
    let b = line.as_bytes();
    if !b.iter().any(u8::is_ascii_digit) {
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

/// A clock time as written; `pm` is `None` when no am/pm was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub hour: u32,
    pub minute: u32,
    pub pm: Option<bool>,
}

/// A time range (or a lone start) with the zone written after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSpec {
    pub start: Clock,
    pub end: Option<Clock>,
    pub zone: Option<WrittenZone>,
}

/// A calendar date as written; `year` and `weekday` are optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpec {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: Option<u32>,
    pub month: u32,
    pub day: u32,
    pub year: Option<i32>,
}

/// What a piece of text says about when something happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Found {
    pub date: Option<DateSpec>,
    pub time: Option<TimeSpec>,
    /// A zone written anywhere near the date (`Friday, November 15, 2024 (MST)`).
    pub date_zone: Option<WrittenZone>,
}

/// Whether a text without digits may still write a time.
fn names_an_hour(text: &str) -> bool {
    let has = |word: &str| {
        text.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    };
    has("noon") || has("midday") || has("midnight")
}

/// Finds the time range in `text` and the date that goes with it: the
/// nearest date before the time, else the first one after it.
pub fn scan(text: &str) -> Found {
    // Every date and time has a digit, but for "noon" and "midnight": most
    // lines of a post have neither, and are not lexed at all.
    if !text.bytes().any(|b| b.is_ascii_digit()) && !names_an_hour(text) {
        return Found::default();
    }
    let toks = lex(text);
    let times = find_times(&toks);
    let dates = find_dates(&toks);
    let Some(&(t_start, t_end, time)) = times.first() else {
        let date = dates.last().map(|&(_, _, d)| d);
        let date_zone = dates.last().and_then(|&(_, e, _)| zone_after(&toks, e));
        return Found {
            date,
            time: None,
            date_zone,
        };
    };
    let before = dates.iter().rev().find(|(_, e, _)| *e <= t_start);
    let after = dates.iter().find(|(s, _, _)| *s >= t_end);
    let chosen = before.or(after);
    Found {
        date: chosen.map(|&(_, _, d)| d),
        time: Some(time),
        date_zone: chosen.and_then(|&(_, e, _)| zone_after(&toks, e)),
    }
}

/// A zone right after a date, bare or in parentheses.
fn zone_after(toks: &[Tok], i: usize) -> Option<WrittenZone> {
    let mut j = i;
    while matches!(toks.get(j), Some(Tok::Open | Tok::Comma)) {
        j += 1;
    }
    match toks.get(j) {
        Some(Tok::Zone(z)) => Some(*z),
        _ => None,
    }
}

/// A weekday name or abbreviation (lower case) → 0 = Monday … 6 = Sunday.
pub fn weekday(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    const DAYS: [&[&str]; 7] = [
        &["monday", "mon"],
        &["tuesday", "tue", "tues"],
        &["wednesday", "wed"],
        &["thursday", "thu", "thur", "thurs"],
        &["friday", "fri"],
        &["saturday", "sat"],
        &["sunday", "sun"],
    ];
    DAYS.iter()
        .position(|names| names.contains(&w))
        .map(|p| p as u32)
}

fn month(word: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &["january", "jan"],
        &["february", "feb"],
        &["march", "mar"],
        &["april", "apr"],
        &["may"],
        &["june", "jun"],
        &["july", "jul"],
        &["august", "aug"],
        &["september", "sep", "sept"],
        &["october", "oct"],
        &["november", "nov"],
        &["december", "dec"],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|p| p as u32 + 1)
}

fn word_at(toks: &[Tok], i: usize) -> Option<&str> {
    match toks.get(i) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    }
}

fn day_at(toks: &[Tok], i: usize) -> Option<u32> {
    match toks.get(i) {
        Some(&Tok::Num { value, digits, .. }) if digits <= 2 && (1..=31).contains(&value) => {
            Some(value)
        }
        _ => None,
    }
}

/// A four-digit year at `i` (after an optional comma): `(year, next index)`.
fn year_at(toks: &[Tok], i: usize) -> Option<(i32, usize)> {
    let j = if toks.get(i) == Some(&Tok::Comma) {
        i + 1
    } else {
        i
    };
    match toks.get(j) {
        Some(&Tok::Num {
            value,
            digits: 4,
            ordinal: false,
        }) if (1900..=2200).contains(&value) => Some((value as i32, j + 1)),
        _ => None,
    }
}

/// Every date in the tokens as `(first token, one past last token, date)`.
fn find_dates(toks: &[Tok]) -> Vec<(usize, usize, DateSpec)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Some((end, spec)) = date_at(toks, i) {
            out.push((i, end, spec));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Days written as a weekday and a day of the month with no month: "Two
/// sessions on Monday 18th and Tuesday 19th at 17:30". Each is `(weekday,
/// day)` (0 = Monday); the reader finds the month from the dates around it.
/// A weekday and day that [`scan`] reads as a whole date are not listed.
pub fn weekday_days(text: &str) -> Vec<(u32, u32)> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let toks = lex(text);
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let Some(wd) = word_at(&toks, i).and_then(weekday) else {
            continue;
        };
        if date_at(&toks, i).is_some() {
            continue;
        }
        let j = if toks.get(i + 1) == Some(&Tok::Comma) {
            i + 2
        } else {
            i + 1
        };
        // A day, not a clock: `Monday 18th`, not `Monday 18:00` (a time
        // token), `Monday 8 am` nor `Monday 8 - 11` (a range of hours).
        let followed_by_range = matches!(toks.get(j + 1), Some(Tok::Dash | Tok::AmPm { .. }));
        if let Some(day) = day_at(&toks, j)
            && !followed_by_range
        {
            out.push((wd, day));
        }
    }
    out
}

/// A date starting at token `i`, with or without a weekday before it.
fn date_at(toks: &[Tok], i: usize) -> Option<(usize, DateSpec)> {
    let (wd, j) = match word_at(toks, i).and_then(weekday) {
        Some(wd) => {
            let mut j = i + 1;
            while matches!(toks.get(j), Some(Tok::Comma | Tok::Sep)) {
                j += 1;
            }
            (Some(wd), j)
        }
        None => (None, i),
    };
    // Month D[,] [YYYY]
    if let Some(m) = word_at(toks, j).and_then(|w| month(w.trim_end_matches('.'))) {
        let k = if toks.get(j + 1) == Some(&Tok::Other) {
            j + 2
        } else {
            j + 1
        };
        if let Some(day) = day_at(toks, k) {
            let (year, end) = match year_at(toks, k + 1) {
                Some((y, e)) => (Some(y), e),
                None => (None, k + 1),
            };
            return Some((
                end,
                DateSpec {
                    weekday: wd,
                    month: m,
                    day,
                    year,
                },
            ));
        }
    }
    // D [of] Month [,] [YYYY]
    if let Some(day) = day_at(toks, j) {
        let k = if word_at(toks, j + 1) == Some("of") {
            j + 2
        } else {
            j + 1
        };
        if let Some(m) = word_at(toks, k).and_then(|w| month(w.trim_end_matches('.'))) {
            let (year, end) = match year_at(toks, k + 1) {
                Some((y, e)) => (Some(y), e),
                None => (None, k + 1),
            };
            return Some((
                end,
                DateSpec {
                    weekday: wd,
                    month: m,
                    day,
                    year,
                },
            ));
        }
    }
    // YYYY-MM-DD
    if let (
        Some(&Tok::Num {
            value: y,
            digits: 4,
            ..
        }),
        Some(Tok::Dash),
        Some(&Tok::Num {
            value: m,
            digits: 1..=2,
            ..
        }),
        Some(Tok::Dash),
        Some(&Tok::Num {
            value: d,
            digits: 1..=2,
            ..
        }),
    ) = (
        toks.get(j),
        toks.get(j + 1),
        toks.get(j + 2),
        toks.get(j + 3),
        toks.get(j + 4),
    ) && (1900..=2200).contains(&y)
        && (1..=12).contains(&m)
    {
        return Some((
            j + 5,
            DateSpec {
                weekday: wd,
                month: m,
                day: d,
                year: Some(y as i32),
            },
        ));
    }
    None
}

/// A clock at `i`: `9:15`, `9:15am`, `9 am`; `(next index, clock)`.
/// A bare number counts only with am/pm after it, so years and days never
/// read as hours.
fn clock_at(toks: &[Tok], i: usize, bare_ok: bool) -> Option<(usize, Clock)> {
    let (hour, minute, bare) = match *toks.get(i)? {
        Tok::Time { hour, minute } => (hour, minute, false),
        Tok::Num {
            value,
            digits: 1..=2,
            ordinal: false,
        } => (value, 0, true),
        _ => return None,
    };
    match toks.get(i + 1) {
        Some(&Tok::AmPm { pm }) => Some((
            i + 2,
            Clock {
                hour,
                minute,
                pm: Some(pm),
            },
        )),
        _ if !bare || bare_ok => Some((
            i + 1,
            Clock {
                hour,
                minute,
                pm: None,
            },
        )),
        _ => None,
    }
}

/// A four-digit clock (`1400`), read only inside a range whose other end is
/// a clock too (`1400-1425`, `14:30-1455`, `1500-15:25`), so years and
/// numbers in titles never become times.
fn hhmm(tok: Option<&Tok>) -> Option<Clock> {
    match *tok? {
        Tok::Num {
            value,
            digits: 4,
            ordinal: false,
        } if value / 100 <= 23 && value % 100 <= 59 => Some(Clock {
            hour: value / 100,
            minute: value % 100,
            pm: None,
        }),
        _ => None,
    }
}

/// `1400-1425`, `14:30-1455`, `1500-15:25` at `i`: (one past the end, start, end).
fn hhmm_range(toks: &[Tok], i: usize) -> Option<(usize, Clock, Clock)> {
    if toks.get(i + 1) != Some(&Tok::Dash) {
        return None;
    }
    let colon = |t: Option<&Tok>| match t {
        Some(&Tok::Time { hour, minute }) => Some(Clock {
            hour,
            minute,
            pm: None,
        }),
        _ => None,
    };
    let year = |t: Option<&Tok>| {
        matches!(
            t,
            Some(Tok::Num {
                value: 1900..=2100,
                ..
            })
        )
    };
    let (start, end) = match (hhmm(toks.get(i)), hhmm(toks.get(i + 2))) {
        // "2023-2024" is a span of years.
        (Some(_), Some(_)) if year(toks.get(i)) && year(toks.get(i + 2)) => return None,
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, colon(toks.get(i + 2))?),
        (None, Some(e)) => (colon(toks.get(i))?, e),
        (None, None) => return None,
    };
    let minutes = |c: Clock| c.hour * 60 + c.minute;
    // A plausible session: it ends after it starts, within a working day.
    (minutes(end) > minutes(start) && minutes(end) - minutes(start) <= 8 * 60).then_some((
        i + 3,
        start,
        end,
    ))
}

/// Every time range in the tokens as `(first token, one past last, spec)`.
fn find_times(toks: &[Tok]) -> Vec<(usize, usize, TimeSpec)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Some((j, start, end)) = hhmm_range(toks, i) {
            let (j, zone) = zone_at(toks, j);
            out.push((
                i,
                j,
                TimeSpec {
                    start,
                    end: Some(end),
                    zone,
                },
            ));
            i = j;
            continue;
        }
        let Some((mut j, start)) = clock_at(toks, i, false).or_else(|| {
            // "3 - 5 pm": a bare start is a clock when a dashed end with am/pm follows.
            let (j, c) = clock_at(toks, i, true)?;
            let (_, end) =
                (toks.get(j) == Some(&Tok::Dash)).then(|| clock_at(toks, j + 1, false))??;
            end.pm.map(|_| (j, c))
        }) else {
            i += 1;
            continue;
        };
        let mut end = None;
        if toks.get(j) == Some(&Tok::Dash)
            && let Some((k, c)) = clock_at(toks, j + 1, false)
        {
            end = Some(c);
            j = k;
        }
        let (j, zone) = zone_at(toks, j);
        out.push((i, j, TimeSpec { start, end, zone }));
        i = j;
    }
    out
}

/// A zone written right after a time (`CET`, `(UTC)`); the index after it.
fn zone_at(toks: &[Tok], j: usize) -> (usize, Option<WrittenZone>) {
    let mut k = j;
    if toks.get(k) == Some(&Tok::Open) {
        k += 1;
    }
    match toks.get(k) {
        Some(Tok::Zone(z)) => {
            let mut j = k + 1;
            if toks.get(j) == Some(&Tok::Close) {
                j += 1;
            }
            (j, Some(*z))
        }
        _ => (j, None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn weekdays_with_a_day_and_no_month() {
        assert_eq!(
            super::weekday_days(
                "Two sessions on Monday 18th and Tuesday 19th at 17:30 to 20:30 UTC -3."
            ),
            vec![(0, 18), (1, 19)]
        );
        // A whole date, hours after a weekday, or no weekday: none.
        assert!(super::weekday_days("Monday, November 18th at 10:00").is_empty());
        assert!(super::weekday_days("Sunday 8 - 11:30 am").is_empty());
        assert!(super::weekday_days("Sunday 8 am").is_empty());
        assert!(super::weekday_days("the 18th at 10:00").is_empty());
    }

    use super::*;

    fn c(hour: u32, minute: u32, pm: Option<bool>) -> Clock {
        Clock { hour, minute, pm }
    }

    fn d(weekday: Option<u32>, month: u32, day: u32, year: Option<i32>) -> DateSpec {
        DateSpec {
            weekday,
            month,
            day,
            year,
        }
    }

    const CET: Option<WrittenZone> = Some(WrittenZone::Abbrev {
        name: "CET",
        offset: 3600,
    });
    const CEST: Option<WrittenZone> = Some(WrittenZone::Abbrev {
        name: "CEST",
        offset: 7200,
    });
    const MST: Option<WrittenZone> = Some(WrittenZone::Abbrev {
        name: "MST",
        offset: -25200,
    });

    type Row = (
        &'static str,
        Option<DateSpec>,
        Clock,
        Option<Clock>,
        Option<WrittenZone>,
    );

    /// Every shape from the seeds and the corpus `formats`, and the natural
    /// variations the issue lists.
    #[test]
    fn shapes() {
        let am = Some(false);
        let pm = Some(true);
        let table: Vec<Row> = vec![
            (
                "Tuesday, March 19, 2024, 09:00 - 09:10 CET",
                Some(d(Some(1), 3, 19, Some(2024))),
                c(9, 0, None),
                Some(c(9, 10, None)),
                CET,
            ),
            (
                "Tuesday, March 19, 2024 11:05 - 11:30 CET",
                Some(d(Some(1), 3, 19, Some(2024))),
                c(11, 5, None),
                Some(c(11, 30, None)),
                CET,
            ),
            (
                "Thursday, March 21 • 17:25 - 18:00",
                Some(d(Some(3), 3, 21, None)),
                c(17, 25, None),
                Some(c(18, 0, None)),
                None,
            ),
            (
                "Monday May 16, 2022 10:45 - 11:15 CEST",
                Some(d(Some(0), 5, 16, Some(2022))),
                c(10, 45, None),
                Some(c(11, 15, None)),
                CEST,
            ),
            (
                "9:10 am - 9:35 am MST",
                None,
                c(9, 10, am),
                Some(c(9, 35, am)),
                MST,
            ),
            (
                "Tuesday, November 12, 2024, 09:00 am - 09:10 am MST",
                Some(d(Some(1), 11, 12, Some(2024))),
                c(9, 0, am),
                Some(c(9, 10, am)),
                MST,
            ),
            (
                "Monday, October 24 • 9:15am - 9:20am",
                Some(d(Some(0), 10, 24, None)),
                c(9, 15, am),
                Some(c(9, 20, am)),
                None,
            ),
            (
                "Tuesday, May 17 2022 16:05 - 17:05 CEST",
                Some(d(Some(1), 5, 17, Some(2022))),
                c(16, 5, None),
                Some(c(17, 5, None)),
                CEST,
            ),
            (
                "**Wednesday, November 8 • 5:25 pm - 6:00 pm**",
                Some(d(Some(2), 11, 8, None)),
                c(5, 25, pm),
                Some(c(6, 0, pm)),
                None,
            ),
            (
                "09:00 - 09:05 AM",
                None,
                c(9, 0, None),
                Some(c(9, 5, am)),
                None,
            ),
            (
                "11:50 AM - 12:15 PM",
                None,
                c(11, 50, am),
                Some(c(12, 15, pm)),
                None,
            ),
            (
                "Cloud Native University - Monday, November 10, 10:40 - 11:05 AM",
                Some(d(Some(0), 11, 10, None)),
                c(10, 40, None),
                Some(c(11, 5, am)),
                None,
            ),
            (
                "Bill Mulligan, Isovalent at Cisco | Tuesday, 24 March | 14:30 - 15:00",
                Some(d(Some(1), 3, 24, None)),
                c(14, 30, None),
                Some(c(15, 0, None)),
                None,
            ),
            (
                "by Joe Elliott, Grafana Wednesday, October 26 • 4:30pm - 5:05pm",
                Some(d(Some(2), 10, 26, None)),
                c(4, 30, pm),
                Some(c(5, 5, pm)),
                None,
            ),
            (
                "Tuesday March 24, 2026 12:00 - 12:30CET",
                Some(d(Some(1), 3, 24, Some(2026))),
                c(12, 0, None),
                Some(c(12, 30, None)),
                CET,
            ),
            (
                "Thursday, June 16 • 14:10 -14:40",
                Some(d(Some(3), 6, 16, None)),
                c(14, 10, None),
                Some(c(14, 40, None)),
                None,
            ),
            (
                "(eBPF Day Monday, May 16, 2022 11:55 CEST)",
                Some(d(Some(0), 5, 16, Some(2022))),
                c(11, 55, None),
                None,
                CEST,
            ),
            (
                "Wednesday 18th May 12:30-13:15 CEST",
                Some(d(Some(2), 5, 18, None)),
                c(12, 30, None),
                Some(c(13, 15, None)),
                CEST,
            ),
            (
                "Tue, 19 Mar 2024 at 9:00 a.m. to 10:30 a.m. PDT",
                Some(d(Some(1), 3, 19, Some(2024))),
                c(9, 0, am),
                Some(c(10, 30, am)),
                Some(WrittenZone::Abbrev {
                    name: "PDT",
                    offset: -25200,
                }),
            ),
            (
                "March 19th, 2024 · 09:00 – 09:30 UTC+2",
                Some(d(None, 3, 19, Some(2024))),
                c(9, 0, None),
                Some(c(9, 30, None)),
                Some(WrittenZone::Offset(7200)),
            ),
            (
                "Tuesday, November 19th. 10:00 to 12:00 UTC -3.",
                Some(d(Some(1), 11, 19, None)),
                c(10, 0, None),
                Some(c(12, 0, None)),
                Some(WrittenZone::Offset(-3 * 3600)),
            ),
            (
                "2024-03-19 09:00—09:30 GMT-07:00",
                Some(d(None, 3, 19, Some(2024))),
                c(9, 0, None),
                Some(c(9, 30, None)),
                Some(WrittenZone::Offset(-25200)),
            ),
            (
                "9am - 10am (PST)",
                None,
                c(9, 0, am),
                Some(c(10, 0, am)),
                Some(WrittenZone::Abbrev {
                    name: "PST",
                    offset: -28800,
                }),
            ),
            (
                "Sept. 5 | 3 - 5 PM",
                Some(d(None, 9, 5, None)),
                c(3, 0, None),
                Some(c(5, 0, pm)),
                None,
            ),
            (
                "Friday, 27 of June, 10:00",
                Some(d(Some(4), 6, 27, None)),
                c(10, 0, None),
                None,
                None,
            ),
        ];
        for (text, date, start, end, zone) in table {
            let f = scan(text);
            let t = f.time.unwrap_or_else(|| panic!("no time in {text:?}"));
            assert_eq!(f.date, date, "date of {text:?}");
            assert_eq!(t.start, start, "start of {text:?}");
            assert_eq!(t.end, end, "end of {text:?}");
            assert_eq!(t.zone, zone, "zone of {text:?}");
        }
    }

    #[test]
    fn no_time_where_there_is_none() {
        for text in [
            "KubeCon 2024 in Paris",
            "Join us on Monday, November 10, for a morning of talks",
            "Cilium 1.15 has 470k lines",
            "",
            "Episode 45: KubeCon EU 2022 Preview",
        ] {
            assert_eq!(scan(text).time, None, "{text:?}");
        }
        let f = scan("### Friday, November 15, 2024 (MST)");
        assert_eq!(f.date, Some(d(Some(4), 11, 15, Some(2024))));
        assert_eq!(f.date_zone, MST);
    }

    #[test]
    fn invalid_values_are_kept_for_resolve_to_refuse() {
        let f = scan("Monday, March 18, 2024 25:00 - 26:00 CET");
        assert_eq!(f.time.unwrap().start.hour, 25);
        assert_eq!(
            scan("February 30, 2024 10:00").date,
            Some(d(None, 2, 30, Some(2024)))
        );
    }

    /// The shapes of the second corpus batch: four-digit and dotted clocks
    /// in ranges, noon and midnight; and what must stay no time.
    #[test]
    fn range_shapes() {
        let t = |text: &str| {
            scan(text).time.map(|t| {
                (
                    t.start.hour,
                    t.start.minute,
                    t.end.map(|e| (e.hour, e.minute)),
                )
            })
        };
        type Range = Option<(u32, u32, Option<(u32, u32)>)>;
        let table: [(&str, Range); 9] = [
            ("1400-1425: **Opening**", Some((14, 0, Some((14, 25))))),
            ("14:30-1455", Some((14, 30, Some((14, 55))))),
            ("1500-15:25", Some((15, 0, Some((15, 25))))),
            ("15.30 - 16:00", Some((15, 30, Some((16, 0))))),
            ("noon - 1pm", Some((12, 0, Some((1, 0))))),
            ("midnight", Some((0, 0, None))),
            ("Cilium 1.15 is out", None),
            ("2023-2024 season", None),
            ("version 2.30", None),
        ];
        for (text, want) in table {
            assert_eq!(t(text), want, "{text}");
        }
    }
}
