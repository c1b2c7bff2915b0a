//! Which day an entry is on: day headings and date lines, weekdays alone,
//! weekdays with a day of the month and no month, years stated by headings.

use chrono::{Datelike, Duration, NaiveDate};

use super::super::doc::{Kind, Unit};
use super::super::when::{self, DateSpec, Found};
use super::lines::month_word;

/// A year a heading states without a date ("Scheduled Talks in 2024").
pub(super) fn heading_year(text: &str) -> Option<i32> {
    if when::scan(text).date.is_some() {
        return None;
    }
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .find(|y| (1990..=2100).contains(y))
}

/// A date with its year, when it has one.
pub(super) fn concrete(d: &DateSpec, year_hint: Option<i32>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year.or(year_hint)?, d.month, d.day)
}

/// [`concrete`], or for a date with no year known ("ElixirConf EU 2025 —
/// Kraków, May 15–16"), the first on or after the post's date
/// (`reference`), as the year of any date written without one is found:
/// the event's first day that weekdays count from, not the post's date.
pub(super) fn concrete_from(
    d: &DateSpec,
    year_hint: Option<i32>,
    reference: NaiveDate,
) -> Option<NaiveDate> {
    concrete(d, year_hint).or_else(|| {
        (reference.year()..=reference.year() + 1)
            .filter_map(|y| NaiveDate::from_ymd_opt(y, d.month, d.day))
            .find(|x| *x >= reference)
    })
}

/// The day a heading or short line sets for what follows: a date without a
/// time, or a weekday alone (the first such day on or after the previous
/// entry's day, else the post's date).
pub(super) fn day_of(
    u: &Unit,
    f: Found,
    reference: NaiveDate,
    year_hint: Option<i32>,
    last_day: Option<NaiveDate>,
) -> Option<DateSpec> {
    let heading = matches!(u.kind, Kind::Heading(_));
    let short = u.text.chars().count() <= 60;
    let bold_line = short && u.lead_bold.as_deref() == Some(&u.text);
    if f.time.is_some() {
        return None;
    }
    // `| **Wednesday, September 25** | | |`: a row that only names a day
    // heads the rows under it.
    if u.kind == Kind::Row {
        let mut filled = u.cells.iter().filter(|c| !c.text.trim().is_empty());
        return match (filled.next(), filled.next()) {
            (Some(c), None) if leading_date(&c.text) => f.date,
            _ => None,
        };
    }
    // A short line that opens with a date ("Tuesday, May 1, 2018 (before
    // KubeCon)", "June 24th, 2019").
    let opens_with_date = short
        && leading_date(&u.text)
        && f.date
            .is_some_and(|d| d.weekday.is_some() || d.year.is_some());
    if !(heading || bold_line || opens_with_date) {
        return None;
    }
    if let Some(d) = f.date {
        return Some(d);
    }
    // "#### Saturday", "Thursday": a weekday alone.
    let words: Vec<&str> = u.text.split_whitespace().collect();
    if words.len() > 3 {
        return None;
    }
    let w = words.iter().find_map(|w| weekday_of(w))?;
    let from = last_day.unwrap_or_else(|| {
        year_hint
            .filter(|y| *y != reference.year())
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            .unwrap_or(reference)
    });
    Some(next_weekday(from, w))
}

/// `### Day 2`, `**Day 2 – Workshops**`: a heading or bold line that
/// numbers the event's days and names no date; its number.
pub(super) fn day_number(u: &Unit, f: Found) -> Option<i64> {
    let heading = matches!(u.kind, Kind::Heading(_));
    let bold_line = u.lead_bold.as_deref() == Some(u.text.as_str());
    if !(heading || bold_line) || f.date.is_some() || f.time.is_some() {
        return None;
    }
    opening_day_number(&u.text).map(|(n, _)| n)
}

/// The number of the event's day that opens `text` (`Day 2`, `Day 2 –
/// Workshops`, `Day 2, 15:05`), 1 to 14, and the text after it.
fn opening_day_number(text: &str) -> Option<(i64, &str)> {
    const DAY: &str = "day ";
    text.get(..DAY.len())
        .filter(|d| d.eq_ignore_ascii_case(DAY))?;
    let rest = &text[DAY.len()..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if rest[digits..].starts_with(char::is_alphanumeric) {
        return None;
    }
    let n: i64 = rest[..digits].parse().ok()?;
    (1..=14).contains(&n).then_some((n, &rest[digits..]))
}

/// `Day 2, 15:05 [Title](…)` under "July 14th–15th": the event's day that
/// a line with a time opens with, counted from `first`, the date above it.
/// Only when the time follows the number: "Day 2 recap, 12:00" is a title.
pub fn day_of_the_event(text: &str, first: &DateSpec) -> Option<DateSpec> {
    let (n, rest) = opening_day_number(text)?;
    rest.trim_start_matches([' ', ',', ':', '-', '–', '—', '|', '·', '@'])
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| days_after(first, n - 1))
        .flatten()
}

/// The date `n` days after `first`, whose year may be unwritten: then any
/// leap year counts the days across a month's end, and the year is found
/// later, as for any date written without one.
pub(super) fn days_after(first: &DateSpec, n: i64) -> Option<DateSpec> {
    let d = NaiveDate::from_ymd_opt(first.year.unwrap_or(2024), first.month, first.day)?
        + Duration::days(n);
    Some(DateSpec {
        weekday: first.year.map(|_| wd_of(d)),
        month: d.month(),
        day: d.day(),
        year: first.year.map(|_| d.year()),
    })
}

/// Whether the text's first word belongs to a date.
pub(super) fn leading_date(text: &str) -> bool {
    text.split_whitespace().next().is_some_and(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        weekday_of(&w).is_some() || month_word(&w)
    })
}

/// The first `weekday` (0 = Monday) on or after `from`, as a full date.
pub(super) fn next_weekday(from: NaiveDate, weekday: u32) -> DateSpec {
    let mut d = from;
    while d.weekday().num_days_from_monday() != weekday {
        d += Duration::days(1);
    }
    DateSpec {
        weekday: Some(weekday),
        month: d.month(),
        day: d.day(),
        year: Some(d.year()),
    }
}

pub(super) fn weekday_of(word: &str) -> Option<u32> {
    let w = word
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_lowercase();
    // Whole names only: "Sun" or "Wed" in a title is not a day.
    (w.len() >= 6).then(|| when::weekday(&w)).flatten()
}

/// The date nearest `near` whose day of the month is `day` and whose
/// weekday is `weekday` (0 = Monday): "Monday 18th" in a post about
/// November 2024 is 18 November 2024. Only within two months either way: a
/// weekday and day further off is a misreading (`Tue 3/25` read as "Tue
/// 3"), and a talk months off is worse than one reported missing.
pub(super) fn nearest_weekday_day(near: NaiveDate, weekday: u32, day: u32) -> Option<NaiveDate> {
    const MAX_DAYS_OFF: i64 = 62;
    let first = near.with_day(1)?;
    (-3..=3)
        .filter_map(|k: i32| {
            let month = if k < 0 {
                first.checked_sub_months(chrono::Months::new(k.unsigned_abs()))
            } else {
                first.checked_add_months(chrono::Months::new(k as u32))
            }?;
            month.with_day(day)
        })
        .filter(|d| wd_of(*d) == weekday && (*d - near).num_days().abs() <= MAX_DAYS_OFF)
        .min_by_key(|d| ((*d - near).num_days().abs(), *d < near))
}

pub(super) fn wd_of(d: NaiveDate) -> u32 {
    d.weekday().num_days_from_monday()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Day 2, 15:05` is the day after the date above; "Day 2 recap, 12:00"
    /// is a title, and `**Day 2 – Workshops**` a heading's number.
    #[test]
    fn the_events_numbered_days() {
        let first = DateSpec {
            weekday: None,
            month: 7,
            day: 31,
            year: None,
        };
        let day = |text: &str| day_of_the_event(text, &first).map(|d| (d.month, d.day));
        assert_eq!(day("Day 2, 15:05 Cluster API"), Some((8, 1)));
        assert_eq!(day("Day 1 11:20 eBPF"), Some((7, 31)));
        assert_eq!(day("Day 2 recap, 12:00"), None);
        assert_eq!(day("Day 2nd, 12:00"), None);
        assert_eq!(
            opening_day_number("Day 2 – Workshops").map(|(n, _)| n),
            Some(2)
        );
        assert_eq!(opening_day_number("Daylight saving, 10:00"), None);
    }

    /// "Monday 18th" is the nearest such day, within two months either
    /// way; a Tuesday the 3rd three months off is no reading.
    #[test]
    fn weekday_and_day_near_the_event() {
        let near = NaiveDate::from_ymd_opt(2024, 11, 1).unwrap();
        assert_eq!(
            nearest_weekday_day(near, 0, 18),
            NaiveDate::from_ymd_opt(2024, 11, 18)
        );
        let march = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        assert_eq!(nearest_weekday_day(march, 1, 3), None);
        assert_eq!(
            nearest_weekday_day(march, 1, 25),
            NaiveDate::from_ymd_opt(2025, 2, 25)
        );
    }
}
