//! Settling a [`Candidate`]'s time: year, zone, 12-hour clock → UTC.
//!
//! The rules (and the order they are tried in) are the ones in the README:
//! a missing year is the first year on or after the post's date in which the
//! written weekday falls on that day; a missing zone comes from the post's
//! front matter, then the operator's rule, then the zone the post's other
//! talks write, then the default zone (with a warning). Contradictions are
//! errors: a talk is never published at a guessed hour.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

pub use super::how::{DateFrom, How, YearFrom, ZoneFrom, ZoneSource};
use super::when::{Clock, DateSpec};
use super::zone::{self, WrittenZone, format_offset};
use super::{Candidate, When};

/// What the post tells about zones, gathered before its talks are resolved.
#[derive(Debug, Clone, Copy)]
pub struct PostZones {
    pub iana: Option<(Tz, ZoneSource)>,
    /// The zone most of the post's talks write, for talks that write none.
    pub usual: Option<WrittenZone>,
    pub default: Tz,
    /// The post's date: missing years are counted from here.
    pub reference: NaiveDate,
    /// A year the post states for its event (in its title), used first for
    /// dates written without one.
    pub year_hint: Option<i32>,
    /// The zone of the city the post names, for talks with no other zone.
    pub city: Option<Tz>,
    pub default_duration: Duration,
    /// Whether the post's dates in numbers put the month first, where one
    /// of them settles it (`10/28/2024`): asked only by a talk whose date
    /// reads either way.
    pub month_first: Option<bool>,
}

/// A resolved time and how it was decided, or why there is none. Warnings
/// ride along with a success.
pub type Resolved = Result<(When, Vec<String>, How), String>;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Resolves one candidate against its post's zones.
///
/// # Errors
/// A message when the date, hour or zone is impossible or contradictory.
pub fn resolve(c: &Candidate, zones: &PostZones) -> Resolved {
    let mut warnings = Vec::new();
    let time = c.found.time.ok_or("no time")?;
    let (date, context_zone, date_from) = match (c.found.date, c.context) {
        (Some(d), _) => (d, None, DateFrom::Entry),
        // `04/02/2025 14:00`: the order the post's other dates settle;
        // else no date, and not the heading's (the entry wrote its own).
        (None, _) if c.found.unsettled_date => match (c.found.either_way, zones.month_first) {
            (Some((_, month_first)), Some(true)) => (month_first, None, DateFrom::PostOrder),
            (Some((day_first, _)), Some(false)) => (day_first, None, DateFrom::PostOrder),
            _ => {
                return Err("a date in numbers that reads as two days (day or month first): write the month's name, or the weekday before it".to_string());
            }
        },
        (None, Some((d, z))) => (d, z, DateFrom::Above),
        (None, None) => {
            return Err("a time but no date: write the day on the time line (\"Tuesday, March 19 • 10:00 - 10:30\") or in a heading above".to_string());
        }
    };
    let (day, year_from) = settle_date(&date, zones.reference, zones.year_hint)?;
    let on_entry = time.zone.or(c.found.date_zone).or(context_zone);
    let written = on_entry.or(c.stated_zone);
    // Times written in UTC or at an offset are an online event's, which can
    // be at night: no afternoon guess for them.
    let utc_like = matches!(
        written,
        Some(WrittenZone::Offset(_) | WrittenZone::Abbrev { offset: 0, .. })
    );
    let (start, end) = settle_clock(time.start, time.end, utc_like, &mut warnings)?;

    let start_local = day.and_time(start);
    let mut end_local = match end {
        Some(e) => day.and_time(e),
        None => start_local + zones.default_duration,
    };
    if end_local < start_local {
        end_local += Duration::days(1);
    }

    // A section headed by a city (`## KubeCon NA (Atlanta)`, in a post of
    // several cities) is in that city's zone, unless the entry writes one,
    // the post or a rule sets one, or the zone stated for it agrees.
    let section = c.section_city.filter(|&tz| {
        on_entry.is_none()
            && zones.iana.is_none()
            && c.stated_zone
                .is_none_or(|w| written_offset(w, start_local) != zone_offset(tz, start_local))
    });
    // `CST` in a Hong Kong post: China's, not US Central.
    let written = written.map(|w| match zones.iana.map(|(tz, _)| tz).or(zones.city) {
        Some(tz) if zone::is_ambiguous(w) => {
            zone_offset(tz, start_local).map_or(w, |o| zone::reading_at(w, o))
        }
        _ => w,
    });
    let (zone, mut zone_from) = match section {
        Some(tz) => (TalkZone::Iana(tz), ZoneFrom::Section(tz)),
        None => settle_zone(written, zones, start_local, &mut warnings)?,
    };
    if on_entry.is_none()
        && let ZoneFrom::Entry(w) = zone_from
    {
        zone_from = ZoneFrom::Stated(w);
    }
    let start_utc = to_utc(start_local, &zone, &mut warnings)?;
    let end_utc = to_utc(end_local, &zone, &mut warnings)?;
    let when = When {
        start: start_utc,
        end: end_utc,
        start_local,
        end_local,
        zone,
        has_end: end.is_some(),
    };
    let alternative = c
        .also
        .and_then(|also| Some((also.start, also.zone?)))
        .and_then(|(clock, other)| second_reading(&when, day, clock, other, &mut warnings));
    Ok((
        when,
        warnings,
        How {
            date: date_from,
            year: year_from,
            zone: zone_from,
            alternative,
        },
    ))
}

/// Checks a start written a second time in another zone (`10:00 PT /
/// 19:00 CEST`) against the instant read from the first. The two may fall
/// on different dates (`22:00 PT / 07:00 CEST`), so they are compared
/// within a day. When they disagree, the second reading comes back (the
/// post's other talks decide between them, see `talk::settle_disagreements`)
/// with a warning naming both.
fn second_reading(
    first: &When,
    day: NaiveDate,
    clock: Clock,
    zone: WrittenZone,
    warnings: &mut Vec<String>,
) -> Option<When> {
    let mut ignored = Vec::new();
    let utc_like = matches!(
        zone,
        WrittenZone::Offset(_) | WrittenZone::Abbrev { offset: 0, .. }
    );
    let (local, _) = settle_clock(clock, None, utc_like, &mut ignored).ok()?;
    let local = day.and_time(local);
    let alone = PostZones {
        iana: None,
        usual: None,
        default: chrono_tz::UTC,
        reference: day,
        year_hint: None,
        city: None,
        default_duration: Duration::zero(),
        month_first: None,
    };
    let (tz, _) = settle_zone(Some(zone), &alone, local, &mut ignored).ok()?;
    let other = to_utc(local, &tz, &mut ignored).ok()?;
    let apart = (other - first.start).num_minutes().rem_euclid(24 * 60);
    if apart == 0 {
        return None;
    }
    warnings.push(format!(
        "{} {} is not the same time as {} written first ({} minutes apart)",
        local.format("%H:%M"),
        zone.label(),
        first.start_local.format("%H:%M"),
        apart.min(24 * 60 - apart)
    ));
    let length = first.end - first.start;
    Some(When {
        start: other,
        end: other + length,
        start_local: local,
        end_local: local + length,
        zone: tz,
        has_end: first.has_end,
    })
}

/// Resolves a time written whole (front matter `talks:`): local start and
/// end, the offset written with them if any, against the post's zones. An
/// ISO offset names an instant, so it never contradicts the post's zone: it
/// is published in that zone when they agree, else at the offset.
///
/// # Errors
/// As [`resolve`].
pub fn exact(
    start_local: NaiveDateTime,
    end_local: Option<NaiveDateTime>,
    written: Option<i32>,
    zones: &PostZones,
) -> Resolved {
    let written = written.map(WrittenZone::Offset);
    let mut warnings = Vec::new();
    let end = end_local.unwrap_or(start_local + zones.default_duration);
    if end <= start_local {
        return Err(format!(
            "ends ({}) before it starts ({})",
            end.format("%Y-%m-%d %H:%M"),
            start_local.format("%Y-%m-%d %H:%M")
        ));
    }
    let (zone, zone_from) = match (written, zones.iana) {
        (Some(w @ WrittenZone::Offset(offset)), Some((tz, _)))
            if zone_offset(tz, start_local) != Some(offset) =>
        {
            (TalkZone::Fixed { offset, label: "" }, ZoneFrom::Entry(w))
        }
        _ => settle_zone(written, zones, start_local, &mut warnings)?,
    };
    let when = When {
        start: to_utc(start_local, &zone, &mut warnings)?,
        end: to_utc(end, &zone, &mut warnings)?,
        start_local,
        end_local: end,
        zone,
        has_end: end_local.is_some(),
    };
    let how = How {
        date: DateFrom::Listed,
        year: YearFrom::Written,
        zone: zone_from,
        alternative: None,
    };
    Ok((when, warnings, how))
}

/// The zone a talk is published in: an IANA zone (written as `TZID`) or a
/// fixed offset (written in UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TalkZone {
    Iana(Tz),
    Fixed { offset: i32, label: &'static str },
}

impl TalkZone {
    /// How the zone is shown to people next to a local time.
    pub fn label(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        match self {
            TalkZone::Iana(tz) => {
                let abbr = at.with_timezone(tz).format("%Z").to_string();
                if abbr.starts_with('+') || abbr.starts_with('-') {
                    format!("UTC{abbr}")
                } else {
                    abbr
                }
            }
            TalkZone::Fixed { offset, label } => {
                if label.is_empty() {
                    format_offset(*offset)
                } else {
                    (*label).to_string()
                }
            }
        }
    }
}

fn settle_zone(
    written: Option<WrittenZone>,
    zones: &PostZones,
    local: NaiveDateTime,
    warnings: &mut Vec<String>,
) -> Result<(TalkZone, ZoneFrom), String> {
    let fixed = |w: WrittenZone| match w {
        WrittenZone::Abbrev { name, offset } => TalkZone::Fixed {
            offset,
            label: name,
        },
        WrittenZone::Offset(offset) => TalkZone::Fixed { offset, label: "" },
        WrittenZone::Region { tz, .. } => TalkZone::Iana(tz),
    };
    match (written, zones.iana) {
        (Some(w @ (WrittenZone::Abbrev { .. } | WrittenZone::Offset(_))), Some((tz, source))) => {
            let offset = match w {
                WrittenZone::Abbrev { offset, .. } | WrittenZone::Offset(offset) => offset,
                WrittenZone::Region { .. } => unreachable!("matched above"),
            };
            match zone_offset(tz, local) {
                Some(o) if o == offset => Ok((TalkZone::Iana(tz), ZoneFrom::Agrees(w, tz, source))),
                other => {
                    let theirs = other.map_or("no single offset".to_string(), format_offset);
                    let msg = format!(
                        "{} ({}) contradicts the post's zone {} ({} on that date)",
                        w.label(),
                        format_offset(offset),
                        tz.name(),
                        theirs
                    );
                    match source {
                        ZoneSource::FrontMatter => Err(msg),
                        ZoneSource::Rule => {
                            warnings.push(format!("{msg}; using {} as written", w.label()));
                            Ok((fixed(w), ZoneFrom::Entry(w)))
                        }
                    }
                }
            }
        }
        (Some(w @ WrittenZone::Region { tz: region, name }), Some((tz, source))) => {
            match (zone_offset(region, local), zone_offset(tz, local)) {
                (a, b) if a == b => Ok((TalkZone::Iana(tz), ZoneFrom::Agrees(w, tz, source))),
                _ if source == ZoneSource::FrontMatter => Err(format!(
                    "{name} contradicts the post's zone {} on that date",
                    tz.name()
                )),
                _ => Ok((TalkZone::Iana(region), ZoneFrom::Entry(w))),
            }
        }
        (Some(w), None) => Ok((fixed(w), ZoneFrom::Entry(w))),
        (None, Some((tz, ZoneSource::FrontMatter))) => {
            Ok((TalkZone::Iana(tz), ZoneFrom::FrontMatter(tz)))
        }
        (None, Some((tz, ZoneSource::Rule))) => Ok((TalkZone::Iana(tz), ZoneFrom::Rule(tz))),
        (None, None) => match (zones.usual, zones.city) {
            (Some(w), _) => Ok((fixed(w), ZoneFrom::Usual(w))),
            (None, Some(tz)) => Ok((TalkZone::Iana(tz), ZoneFrom::City(tz))),
            // Warned of once per post, not here (`talk::default_zone_warning`).
            (None, None) => Ok((
                TalkZone::Iana(zones.default),
                ZoneFrom::Default(zones.default),
            )),
        },
    }
}

/// A written zone's UTC offset at a local time.
fn written_offset(w: WrittenZone, local: NaiveDateTime) -> Option<i32> {
    match w {
        WrittenZone::Abbrev { offset, .. } | WrittenZone::Offset(offset) => Some(offset),
        WrittenZone::Region { tz, .. } => zone_offset(tz, local),
    }
}

/// The zone's UTC offset at a local time, if that local time exists once.
fn zone_offset(tz: Tz, local: NaiveDateTime) -> Option<i32> {
    use chrono::Offset;
    tz.from_local_datetime(&local)
        .single()
        .map(|dt| dt.offset().fix().local_minus_utc())
}

fn to_utc(
    local: NaiveDateTime,
    zone: &TalkZone,
    warnings: &mut Vec<String>,
) -> Result<chrono::DateTime<chrono::Utc>, String> {
    match zone {
        TalkZone::Fixed { offset, .. } => {
            Ok((local - Duration::seconds(i64::from(*offset))).and_utc())
        }
        TalkZone::Iana(tz) => match tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(t) => Ok(t.with_timezone(&chrono::Utc)),
            chrono::LocalResult::Ambiguous(a, _) => {
                warnings.push(format!(
                    "{} happens twice in {} (clocks go back); using the first",
                    local.format("%H:%M"),
                    tz.name()
                ));
                Ok(a.with_timezone(&chrono::Utc))
            }
            chrono::LocalResult::None => Err(format!(
                "{} does not exist in {} on {} (clocks go forward)",
                local.format("%H:%M"),
                tz.name(),
                local.format("%Y-%m-%d")
            )),
        },
    }
}

/// Checks the written date and fills in its year.
fn settle_date(
    d: &DateSpec,
    reference: NaiveDate,
    year_hint: Option<i32>,
) -> Result<(NaiveDate, YearFrom), String> {
    let month = MONTHS
        .get((d.month as usize).wrapping_sub(1))
        .ok_or("no such month")?;
    let weekday = d.weekday.map(|w| WEEKDAYS[w as usize]);
    let wd_of = |date: NaiveDate| date.weekday().num_days_from_monday();
    match d.year {
        Some(y) => {
            let date = NaiveDate::from_ymd_opt(y, d.month, d.day)
                .ok_or_else(|| format!("{month} {}, {y} is not a date", d.day))?;
            match (d.weekday, weekday) {
                (Some(w), Some(name)) if wd_of(date) != w => Err(format!(
                    "{name} contradicts the date: {month} {}, {y} is a {}",
                    d.day,
                    WEEKDAYS[wd_of(date) as usize]
                )),
                _ => Ok((date, YearFrom::Written)),
            }
        }
        None => {
            if d.day > 31 || NaiveDate::from_ymd_opt(2024, d.month, d.day).is_none() {
                return Err(format!("{month} {} is not a date", d.day));
            }
            // The year the post states for its event (its title), when the
            // written weekday agrees with it.
            if let Some(date) = year_hint
                .and_then(|y| NaiveDate::from_ymd_opt(y, d.month, d.day))
                .filter(|date| d.weekday.is_none_or(|w| wd_of(*date) == w))
            {
                return Ok((date, YearFrom::Stated(date.year())));
            }
            // A weekday that fits no date in the year after the post's date
            // names a day before it (a post written after its event), not
            // one six years on: the post's year, else the year before.
            let fits = |y: i32| {
                NaiveDate::from_ymd_opt(y, d.month, d.day)
                    .filter(|date| d.weekday.is_none_or(|w| wd_of(*date) == w))
            };
            let within_a_year = (reference.year()..=reference.year() + 1)
                .filter_map(fits)
                .any(|date| date >= reference);
            if !within_a_year
                && let Some(date) = [reference.year(), reference.year() - 1]
                    .into_iter()
                    .find_map(fits)
            {
                return Ok((date, YearFrom::BeforePostDate(reference)));
            }
            for y in reference.year()..=reference.year() + 12 {
                let Some(date) = NaiveDate::from_ymd_opt(y, d.month, d.day) else {
                    continue;
                };
                if date < reference {
                    continue;
                }
                if d.weekday.is_none_or(|w| wd_of(date) == w) {
                    return Ok((date, YearFrom::AfterPostDate(reference)));
                }
            }
            Err(format!(
                "{} {month} {} does not fall on that weekday in any year after the post's date {}; add the year",
                weekday.unwrap_or(""),
                d.day,
                reference
            ))
        }
    }
}

/// 12-hour clocks to 24-hour times.
///
/// am/pm only on the end applies to the start too unless that puts the start
/// after the end (`11:50 - 12:15 PM`). No am/pm at all is a 24-hour clock,
/// except a start between 1:00 and 6:59 with an end no later than 12:59,
/// which no conference schedules: it is read as afternoon, with a warning.
fn settle_clock(
    start: Clock,
    end: Option<Clock>,
    clock24: bool,
    warnings: &mut Vec<String>,
) -> Result<(NaiveTime, Option<NaiveTime>), String> {
    let check = |c: Clock| -> Result<(), String> {
        let shown = format!("{}:{:02}", c.hour, c.minute);
        if c.minute > 59 {
            return Err(format!("time \"{shown}\" has no such minute"));
        }
        match c.pm {
            Some(_) if c.hour == 0 || c.hour > 12 => Err(format!(
                "time \"{shown}\" is not a 12-hour time but has am/pm"
            )),
            None if c.hour > 24 || (c.hour == 24 && c.minute > 0) => {
                Err(format!("time \"{shown}\" is not a valid hour"))
            }
            _ => Ok(()),
        }
    };
    check(start)?;
    if let Some(e) = end {
        check(e)?;
    }
    let to24 = |h: u32, pm: bool| if pm { h % 12 + 12 } else { h % 12 };
    let mins = |h: u32, m: u32| h * 60 + m;
    let (s, e) = match (start.pm, end.and_then(|e| e.pm)) {
        (Some(sp), Some(ep)) => (to24(start.hour, sp), end.map(|e| to24(e.hour, ep))),
        (Some(sp), None) => (to24(start.hour, sp), end.map(|e| e.hour)),
        (None, Some(ep)) => {
            let e = end.expect("end has am/pm, so it exists");
            let eh = to24(e.hour, ep);
            let same = to24(start.hour, ep);
            let sh = if start.hour > 12 {
                start.hour
            } else if mins(same, start.minute) <= mins(eh, e.minute) {
                same
            } else {
                to24(start.hour, !ep)
            };
            (sh, Some(eh))
        }
        (None, None) => {
            let afternoon = !clock24
                && (1..=6).contains(&start.hour)
                && end.is_none_or(|e| (1..=12).contains(&e.hour));
            if afternoon {
                warnings.push(format!(
                    "\"{}:{:02}\" has no am/pm; reading it as {}:{:02} (afternoon); write \"pm\" or a 24-hour time to be sure",
                    start.hour,
                    start.minute,
                    start.hour + 12,
                    start.minute
                ));
                (
                    start.hour + 12,
                    end.map(|e| if e.hour < 12 { e.hour + 12 } else { e.hour }),
                )
            } else {
                // "12:00-1:00", "11:30-1:15": a morning start and an end
                // "before" it on a 12-hour clock is an end after noon.
                let e = end.map(|e| {
                    let before = mins(e.hour, e.minute) < mins(start.hour, start.minute);
                    if before && (1..=7).contains(&e.hour) && (8..=12).contains(&start.hour) {
                        e.hour + 12
                    } else {
                        e.hour
                    }
                });
                (start.hour, e)
            }
        }
    };
    let t = |h: u32, m: u32| {
        NaiveTime::from_hms_opt(h % 24, m, 0).ok_or_else(|| format!("{h}:{m:02} is not a time"))
    };
    let start_t = t(s, start.minute)?;
    let end_t = match (e, end) {
        (Some(h), Some(c)) => Some(t(h, c.minute)?),
        _ => None,
    };
    Ok((start_t, end_t))
}

/// The weekday name for messages (0 = Monday).
pub fn weekday_name(w: Weekday) -> &'static str {
    WEEKDAYS[w.num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(h: u32, m: u32, pm: Option<bool>) -> Clock {
        Clock {
            hour: h,
            minute: m,
            pm,
        }
    }

    fn hm(t: NaiveTime) -> String {
        t.format("%H:%M").to_string()
    }

    #[test]
    fn twelve_hour_rules() {
        let am = Some(false);
        let pm = Some(true);
        let table = [
            (
                clock(9, 10, None),
                clock(9, 35, am),
                "09:10",
                "09:35",
                false,
            ),
            (
                clock(12, 20, None),
                clock(12, 30, pm),
                "12:20",
                "12:30",
                false,
            ),
            (
                clock(11, 50, am),
                clock(12, 15, pm),
                "11:50",
                "12:15",
                false,
            ),
            (
                clock(11, 0, None),
                clock(12, 15, pm),
                "11:00",
                "12:15",
                false,
            ),
            (clock(5, 0, None), clock(5, 30, pm), "17:00", "17:30", false),
            (
                clock(3, 35, None),
                clock(4, 10, None),
                "15:35",
                "16:10",
                true,
            ),
            (
                clock(12, 3, None),
                clock(12, 8, None),
                "12:03",
                "12:08",
                false,
            ),
            (
                clock(11, 0, None),
                clock(11, 35, None),
                "11:00",
                "11:35",
                false,
            ),
            (clock(9, 0, am), clock(9, 10, am), "09:00", "09:10", false),
            (clock(12, 0, am), clock(12, 30, am), "00:00", "00:30", false),
            (
                clock(17, 25, None),
                clock(18, 0, None),
                "17:25",
                "18:00",
                false,
            ),
        ];
        for (s, e, ws, we, warned) in table {
            let mut w = Vec::new();
            let (a, b) = settle_clock(s, Some(e), false, &mut w).unwrap();
            assert_eq!(
                (hm(a), hm(b.unwrap())),
                (ws.to_string(), we.to_string()),
                "{s:?} {e:?}"
            );
            assert_eq!(!w.is_empty(), warned, "{s:?}");
        }
        let mut w = Vec::new();
        assert!(settle_clock(clock(25, 0, None), None, false, &mut w).is_err());
        assert!(settle_clock(clock(13, 0, pm), None, false, &mut w).is_err());
        assert!(settle_clock(clock(10, 61, None), None, false, &mut w).is_err());
    }

    #[test]
    fn years_and_weekdays() {
        let r = NaiveDate::from_ymd_opt(2025, 1, 23).unwrap();
        let d = |wd, m, day, y| DateSpec {
            weekday: wd,
            month: m,
            day,
            year: y,
        };
        // The corpus typo: a 2025 post date, "Monday, 23 March" is 2026.
        assert_eq!(
            settle_date(&d(Some(0), 3, 23, None), r, None)
                .unwrap()
                .0
                .to_string(),
            "2026-03-23"
        );
        assert_eq!(
            settle_date(&d(None, 3, 23, None), r, None)
                .unwrap()
                .0
                .to_string(),
            "2025-03-23"
        );
        assert_eq!(
            settle_date(&d(None, 1, 2, None), r, None)
                .unwrap()
                .0
                .to_string(),
            "2026-01-02"
        );
        assert!(
            settle_date(&d(Some(0), 3, 19, Some(2024)), r, None)
                .unwrap_err()
                .contains("Tuesday")
        );
        assert!(settle_date(&d(None, 2, 30, Some(2024)), r, None).is_err());
        assert!(settle_date(&d(None, 2, 30, None), r, None).is_err());
        assert_eq!(
            settle_date(&d(Some(1), 2, 29, None), r, None)
                .unwrap()
                .0
                .to_string(),
            "2028-02-29"
        );
    }
}
