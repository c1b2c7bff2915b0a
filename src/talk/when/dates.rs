//! Dates in tokens: `Tuesday, March 19, 2024`, `Monday, 23 March`,
//! `2024-03-19`, `18th May`, and weekdays with a day and no month.

use super::DateSpec;
use super::lex::{Tok, lex};

/// Weekday names and abbreviations, Monday first.
const DAYS: [&[&str]; 7] = [
    &["monday", "mon"],
    &["tuesday", "tue", "tues"],
    &["wednesday", "wed"],
    &["thursday", "thu", "thur", "thurs"],
    &["friday", "fri"],
    &["saturday", "sat"],
    &["sunday", "sun"],
];

/// A weekday name or abbreviation (lower case) → 0 = Monday … 6 = Sunday.
pub fn weekday(word: &str) -> Option<u32> {
    name_index(&DAYS, word.trim_end_matches('.').as_bytes())
}

/// The weekday that opens a line (`Monday: …`, `**Thu**, 11:30 …`), in
/// full or abbreviated; 0 = Monday.
pub fn opening_weekday(text: &str) -> Option<u32> {
    weekday(&text.split([' ', ',', ':']).next()?.to_ascii_lowercase())
}

/// The year at token `i`, if one is written there, and the token after the
/// date: after the year, else `i`.
fn year_or_not(toks: &[Tok], i: usize) -> (Option<i32>, usize) {
    match year_at(toks, i) {
        Some((y, end)) => (Some(y), end),
        None => (None, i),
    }
}

/// Which of `names`' entries lists `word`.
fn name_index(names: &[&[&str]], word: &[u8]) -> Option<u32> {
    names
        .iter()
        .position(|n| n.iter().any(|n| n.as_bytes() == word))
        .map(|p| p as u32)
}

/// A month's name or abbreviation (lower case) → 1 = January … 12.
pub(super) fn month(word: &[u8]) -> Option<u32> {
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
    name_index(&MONTHS, word).map(|m| m + 1)
}

/// The word at `i`, as lower-case ASCII bytes: compared as they are, not
/// checked as text first (every token of every line with a digit is asked).
pub(super) fn word_at(toks: &[Tok], i: usize) -> Option<&[u8]> {
    match toks.get(i) {
        Some(Tok::Word(w)) => Some(w.as_bytes()),
        _ => None,
    }
}

/// The weekday of the word at `i` (a lexed word has no dot to trim).
fn weekday_at(toks: &[Tok], i: usize) -> Option<u32> {
    word_at(toks, i).and_then(|w| name_index(&DAYS, w))
}

pub(super) fn day_at(toks: &[Tok], i: usize) -> Option<u32> {
    match toks.get(i) {
        Some(&Tok::Num { value, digits, .. }) if digits <= 2 && (1..=31).contains(&value) => {
            Some(value)
        }
        _ => None,
    }
}

/// A four-digit year at `i` (after an optional comma): `(year, next index)`.
pub(super) fn year_at(toks: &[Tok], i: usize) -> Option<(i32, usize)> {
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

/// The dates in the tokens, from the first, as `(first token, one past
/// last token, date)`: read only as far as asked.
pub(super) fn dates(toks: &[Tok]) -> impl Iterator<Item = (usize, usize, DateSpec)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < toks.len() {
            if let Some((end, spec)) = date_at(toks, i) {
                let found = (i, end, spec);
                i = end;
                return Some(found);
            }
            i += 1;
        }
        None
    })
}

/// Days written as a weekday and a day of the month with no month: "Two
/// sessions on Monday 18th and Tuesday 19th at 17:30". Each is `(weekday,
/// day)` (0 = Monday); the reader finds the month from the dates around it.
/// A weekday and day that [`scan`] reads as a whole date are not listed.
pub fn weekday_days(text: &str) -> Vec<(u32, u32)> {
    if !super::has_digit(text.as_bytes()) {
        return Vec::new();
    }
    let toks = lex(text);
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let Some(wd) = weekday_at(&toks, i) else {
            continue;
        };
        if date_at(&toks, i).is_some() {
            continue;
        }
        let mut j = if toks.get(i + 1) == Some(&Tok::Comma) {
            i + 2
        } else {
            i + 1
        };
        // `Wednesday the 12th`
        if word_at(&toks, j) == Some(b"the".as_slice()) {
            j += 1;
        }
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
pub(super) fn date_at(toks: &[Tok], i: usize) -> Option<(usize, DateSpec)> {
    let (wd, j) = match weekday_at(toks, i) {
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
    if let Some(m) = word_at(toks, j).and_then(month) {
        let k = if toks.get(j + 1) == Some(&Tok::Other) {
            j + 2
        } else {
            j + 1
        };
        if let Some(day) = day_at(toks, k) {
            // "November 10–11, 2024": the first day, in the year written
            // after the range; a weekday before it may name either end.
            if let Some((y, e)) = day_range_year(toks, k + 1) {
                return Some((
                    e,
                    DateSpec {
                        weekday: None,
                        month: m,
                        day,
                        year: Some(y),
                    },
                ));
            }
            let (year, end) = year_or_not(toks, k + 1);
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
    // "22–24 April 2024": the first day of a range, the month and year
    // written after its last (not "Day 1 — 7 October 2024", the event's
    // first day and its date).
    let numbers_a_day =
        j > 0 && word_at(toks, j - 1).is_some_and(|w| w.eq_ignore_ascii_case(b"day"));
    if let Some(day) = day_at(toks, j).filter(|_| !numbers_a_day)
        && toks.get(j + 1) == Some(&Tok::Dash)
        && day_at(toks, j + 2).is_some_and(|last| last > day)
        && let Some(m) = word_at(toks, j + 3).and_then(month)
    {
        let (year, end) = year_or_not(toks, j + 4);
        return Some((
            end,
            DateSpec {
                weekday: None,
                month: m,
                day,
                year,
            },
        ));
    }
    // D [of] Month [,] [YYYY]
    if let Some(day) = day_at(toks, j) {
        let k = if word_at(toks, j + 1) == Some(b"of".as_slice()) {
            j + 2
        } else {
            j + 1
        };
        if let Some(m) = word_at(toks, k).and_then(month) {
            let (year, end) = year_or_not(toks, k + 1);
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
    if let Some((end, month, day, year)) = numeric_date(toks, j, wd) {
        return Some((
            end,
            DateSpec {
                weekday: wd,
                month,
                day,
                year,
            },
        ));
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

/// `–11, 2024` after a month's day at `i`: the end of a range of days and
/// the year written after it, `(year, next index)`; only with a year (`10 -
/// 11` alone may be hours).
fn day_range_year(toks: &[Tok], i: usize) -> Option<(i32, usize)> {
    if toks.get(i) != Some(&Tok::Dash) {
        return None;
    }
    day_at(toks, i + 1)?;
    year_at(toks, i + 2)
}

/// A date in numbers with slashes or dots and a four-digit year, at token
/// `i`: `16/09/2024`, `16.09.2024`, `9/16/2024`, `2024/09/16`, as
/// `(one past its last token, month, day, year)`. Day-month or month-day
/// order is settled by a number above 12, or by the weekday written before
/// it (`wd`, 0 = Monday) when only one order falls on it; a date that
/// stays ambiguous (`03/04/2025` alone) is no date: a talk on the wrong
/// day is worse than one reported as missed. Without a year (`Mon 9/16`,
/// the year found later as for `Monday, September 16`), only after a
/// weekday and with a slash, and only a number above 12 settles the order.
fn numeric_date(toks: &[Tok], i: usize, wd: Option<u32>) -> Option<(usize, u32, u32, Option<i32>)> {
    let num = |k: usize| match toks.get(k) {
        Some(&Tok::Num {
            value,
            digits,
            ordinal: false,
        }) => Some((value, digits)),
        _ => None,
    };
    // A third number after the same separator makes it a date with a year
    // (`Tue 3/25 @ 10:45a`: the "@" is no separator of the date).
    let third = |sep: &Tok| {
        toks.get(i + 3) == Some(sep) && matches!(toks.get(i + 4), Some(Tok::Num { .. }))
    };
    // `Monday 16.06.`: dotted, day first, the dot after it closing it.
    let dotted = wd.is_some()
        && toks.get(i + 1) == Some(&Tok::Other)
        && toks.get(i + 3).is_none_or(|t| *t == Tok::Other)
        && !third(&Tok::Other);
    if wd.is_some() && (toks.get(i + 1) == Some(&Tok::Sep) && !third(&Tok::Sep) || dotted) {
        let ((a, da), (b, db)) = (num(i)?, num(i + 2)?);
        let (m, d) = match (a > 12, b > 12) {
            _ if dotted => (b, a),
            (false, true) => (a, b),
            (true, false) => (b, a),
            _ => return None,
        };
        // A leap year: any day a month can have.
        let fits = da <= 2 && db <= 2 && chrono::NaiveDate::from_ymd_opt(2024, m, d).is_some();
        return fits.then_some((i + 3, m, d, None));
    }
    let sep = toks
        .get(i + 1)
        .filter(|t| matches!(t, Tok::Sep | Tok::Other))?;
    if toks.get(i + 3) != Some(sep) {
        return None;
    }
    let ((a, da), (b, db), (c, dc)) = (num(i)?, num(i + 2)?, num(i + 4)?);
    let valid = |y: u32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y as i32, m, d);
    let year = |y: u32| (1900..=2200).contains(&y);
    // YYYY/MM/DD
    if da == 4 && db <= 2 && dc <= 2 && year(a) {
        return valid(a, b, c).map(|_| (i + 5, b, c, Some(a as i32)));
    }
    if da > 2 || db > 2 || dc != 4 || !year(c) {
        return None;
    }
    let day_month = valid(c, b, a).map(|date| (b, a, date));
    // `04.02.2025`: dots are the day-first countries' (no one writes the
    // month first with them).
    let dotted = *sep == Tok::Other;
    let month_day = valid(c, a, b).filter(|_| !dotted).map(|date| (a, b, date));
    let on_weekday = |(_, _, date): &(u32, u32, chrono::NaiveDate)| {
        use chrono::Datelike as _;
        wd == Some(date.weekday().num_days_from_monday())
    };
    let (m, d, _) = match (day_month, month_day) {
        // One order only: a weekday that disagrees is reported later.
        (Some(one), None) | (None, Some(one)) => one,
        // The same date either way (`05/05/2025`).
        (Some(x), Some(y)) if x.2 == y.2 => x,
        (Some(x), Some(y)) => match (on_weekday(&x), on_weekday(&y)) {
            (true, false) => x,
            (false, true) => y,
            _ => return None,
        },
        (None, None) => return None,
    };
    Some((i + 5, m, d, Some(c as i32)))
}

/// The numbers of a date written in numbers at the start of `w`
/// (`04/02/2025`): two short numbers and a four-digit year with the same
/// separator between them, `sep` or either of a slash and a dot when none
/// is given; `(first, second, year)`.
fn numbers_of_a_date(w: &[Tok], sep: Option<&Tok>) -> Option<(u32, u32, u32)> {
    let short = |t: &Tok| match *t {
        Tok::Num {
            value,
            digits: 1..=2,
            ..
        } => Some(value),
        _ => None,
    };
    let [first, s1, second, s2, year, ..] = w else {
        return None;
    };
    let Tok::Num {
        value: y,
        digits: 4,
        ..
    } = *year
    else {
        return None;
    };
    let sep_fits = sep.map_or(matches!(s1, Tok::Sep | Tok::Other), |sep| s1 == sep);
    if !sep_fits || s1 != s2 {
        return None;
    }
    Some((short(first)?, short(second)?, y))
}

/// Whether the tokens hold a date's shape in numbers (`04/02/2025`).
pub(super) fn has_numeric_date(toks: &[Tok]) -> bool {
    // Most texts have no four-digit number at all.
    toks.iter().any(|t| matches!(t, Tok::Num { digits: 4, .. }))
        && (0..toks.len()).any(|i| numbers_of_a_date(&toks[i..], None).is_some())
}

/// The two readings of the first date in numbers with slashes that reads
/// either way (`04/02/2025`): day first, then month first.
pub(super) fn either_way(toks: &[Tok]) -> Option<(DateSpec, DateSpec)> {
    (0..toks.len()).find_map(|i| {
        let (a, b, y) = numbers_of_a_date(&toks[i..], Some(&Tok::Sep))?;
        let date = |month: u32, day: u32| {
            chrono::NaiveDate::from_ymd_opt(y as i32, month, day)?;
            Some(DateSpec {
                month,
                day,
                year: Some(y as i32),
                weekday: None,
            })
        };
        Some((date(b, a)?, date(a, b)?)).filter(|_| a != b)
    })
}

/// How a post writes its dates in numbers with slashes, where one of
/// them settles it: `Some(true)` when one has its month first (`10/28/2024`),
/// `Some(false)` when one has its day first (`28/10/2024`), `None` when
/// none does or they disagree.
pub fn month_first(text: &str) -> Option<bool> {
    let (mut month_first, mut day_first) = (false, false);
    let mut toks = Vec::new();
    for line in text.lines().filter(|l| l.contains('/')) {
        super::lex::lex_into(line, &mut toks);
        for i in 0..toks.len() {
            if let Some((a, b, _)) = numbers_of_a_date(&toks[i..], Some(&Tok::Sep)) {
                month_first |= a <= 12 && (13..=31).contains(&b);
                day_first |= b <= 12 && (13..=31).contains(&a);
            }
        }
    }
    match (month_first, day_first) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (month, day, year) of the first date in `text`.
    fn read(text: &str) -> Option<(u32, u32, Option<i32>)> {
        let toks = lex(text);
        dates(&toks)
            .next()
            .map(|(_, _, d)| (d.month, d.day, d.year))
    }

    #[test]
    fn numeric_dates_in_either_order_when_it_is_settled() {
        assert_eq!(read("16/09/2024, 11:00"), Some((9, 16, Some(2024))));
        assert_eq!(read("16.09.2024"), Some((9, 16, Some(2024))));
        // Dotted: day first, always.
        assert_eq!(read("04.02.2025"), Some((2, 4, Some(2025))));
        assert_eq!(read("09.16.2024"), None);
        assert_eq!(read("9/16/2024"), Some((9, 16, Some(2024))));
        assert_eq!(read("2024/09/16"), Some((9, 16, Some(2024))));
        assert_eq!(read("05/05/2025"), Some((5, 5, Some(2025))));
        // Ambiguous alone; the weekday settles it (3 April 2025 was a
        // Thursday, 4 March a Tuesday).
        assert_eq!(read("03/04/2025"), None);
        assert_eq!(read("Thursday 03/04/2025"), Some((4, 3, Some(2025))));
        assert_eq!(read("Tue, 03/04/2025"), Some((3, 4, Some(2025))));
        assert_eq!(read("Sunday 03/04/2025"), None);
        // Not dates: no four-digit year, mixed separators, no such day.
        assert_eq!(read("16/09/24"), None);
        assert_eq!(read("16/09.2024"), None);
        assert_eq!(read("31/02/2024"), None);
        // Without a year: after a weekday, with a slash, the order settled.
        assert_eq!(read("Mon 9/16 11:00"), Some((9, 16, None)));
        assert_eq!(read("Tuesday 17/9"), Some((9, 17, None)));
        assert_eq!(read("Mon 3/4 11:00"), None);
        assert_eq!(read("Tue 3/25 @ 10:45a"), Some((3, 25, None)));
        assert_eq!(read("Monday 16.06."), Some((6, 16, None)));
        assert_eq!(read("Monday 04.06. 10:00"), Some((6, 4, None)));
        assert_eq!(read("16.06. 10:00"), None);
        assert_eq!(read("9/16 11:00"), None);
        assert_eq!(read("Mon 2/30"), None);
        assert_eq!(read("version 1.2.3"), None);
    }

    /// A post's one date with a number above 12 settles the order of its
    /// others; two that disagree, or none, settle nothing.
    #[test]
    fn the_order_of_a_posts_dates_in_numbers() {
        assert_eq!(
            month_first("- 10/28/2024 2:00 PM\n- 11/04/2024 2:00 PM"),
            Some(true)
        );
        assert_eq!(
            month_first("- 28/10/2024 14:00\n- 04/11/2024 14:00"),
            Some(false)
        );
        assert_eq!(month_first("- 04/11/2024 14:00"), None);
        assert_eq!(month_first("10/28/2024 and 28/10/2024"), None);
        assert_eq!(month_first("28.10.2024"), None);
        let toks = lex("04/02/2025 14:00");
        let (day_first, month_first) = either_way(&toks).unwrap();
        assert_eq!((day_first.month, day_first.day), (2, 4));
        assert_eq!((month_first.month, month_first.day), (4, 2));
        assert_eq!(either_way(&lex("05/05/2025")), None);
    }

    #[test]
    fn a_range_of_days_gives_its_first_day_the_year_after_it() {
        assert_eq!(read("November 10–11, 2024"), Some((11, 10, Some(2024))));
        assert_eq!(read("22–24 April 2024"), Some((4, 22, Some(2024))));
        assert_eq!(read("PyCon DE, 22-24 April"), Some((4, 22, None)));
        assert_eq!(
            read("Sunday and Monday, November 10-11, 2024"),
            Some((11, 10, Some(2024)))
        );
        // No year after it: `10 - 11` may be hours.
        assert_eq!(read("November 10 - 11 am"), Some((11, 10, None)));
    }
}
