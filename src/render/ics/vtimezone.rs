//! `VTIMEZONE` components from the tz database, in the RRULE form Outlook
//! handles (RFC 5545 §3.6.5).
//!
//! chrono-tz does not expose the zone rules, so the transitions around the
//! years in use are found by probing offsets; when every year follows the
//! same "nth (or last) weekday of month at local time" rule, one observance
//! with an `RRULE` is written, otherwise one observance per transition.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use super::fold::push_line;

/// One change of offset.
#[derive(Debug, Clone, PartialEq)]
struct Transition {
    /// Wall-clock time of the change, in the offset before it.
    local: NaiveDateTime,
    from: i32,
    to: i32,
    name: String,
    dst: bool,
}

fn offset_at(tz: Tz, t: DateTime<Utc>) -> (i32, String, bool) {
    let o = tz.offset_from_utc_datetime(&t.naive_utc());
    let total = (o.base_utc_offset() + o.dst_offset()).num_seconds() as i32;
    let name = o.abbreviation().map_or_else(
        || super::super::format_numeric_offset(total),
        str::to_string,
    );
    (total, name, !o.dst_offset().is_zero())
}

/// Transitions between the start of `first` and the end of `last` (years).
fn transitions(tz: Tz, first: i32, last: i32) -> Vec<Transition> {
    let mut out = Vec::new();
    let Some(start) = NaiveDate::from_ymd_opt(first, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
    else {
        return out;
    };
    let Some(end) = NaiveDate::from_ymd_opt(last, 12, 31).and_then(|d| d.and_hms_opt(23, 0, 0))
    else {
        return out;
    };
    let mut t = start.and_utc();
    let end = end.and_utc();
    let mut prev = offset_at(tz, t);
    while t < end {
        let next = t + Duration::days(1);
        let cur = offset_at(tz, next);
        if cur.0 != prev.0 || cur.2 != prev.2 {
            // Binary search the second of the change inside this day.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid).0 == prev.0 && offset_at(tz, mid).2 == prev.2 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(Transition {
                local: hi.naive_utc() + Duration::seconds(i64::from(prev.0)),
                from: prev.0,
                to: cur.0,
                name: cur.1.clone(),
                dst: cur.2,
            });
        }
        prev = cur;
        t = next;
    }
    out
}

/// `+0100`, `-0530`.
fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    if !a.is_multiple_of(60) {
        format!("{sign}{:02}{:02}{:02}", a / 3600, a % 3600 / 60, a % 60)
    } else {
        format!("{sign}{:02}{:02}", a / 3600, a % 3600 / 60)
    }
}

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// `BYDAY` for a date: the nth weekday of its month, or `-1` for the last.
fn by_day(d: NaiveDate) -> (i32, bool) {
    let n = (d.day() as i32 - 1) / 7 + 1;
    let days_in_month = NaiveDate::from_ymd_opt(
        if d.month() == 12 {
            d.year() + 1
        } else {
            d.year()
        },
        if d.month() == 12 { 1 } else { d.month() + 1 },
        1,
    )
    .and_then(|x| x.pred_opt())
    .map_or(31, |x| x.day());
    (n, d.day() + 7 > days_in_month)
}

/// Appends the VTIMEZONE for `tz` covering the years `first..=last`.
pub fn push_vtimezone(out: &mut String, tz: Tz, first: i32, last: i32) {
    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{}", tz.name()));
    push_line(out, &format!("X-LIC-LOCATION:{}", tz.name()));
    let all = transitions(tz, first - 1, last + 1);
    if all.is_empty() {
        let at = NaiveDate::from_ymd_opt(first, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(DateTime::<Utc>::UNIX_EPOCH, |d| d.and_utc());
        let (offset, name, dst) = offset_at(tz, at);
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        push_line(out, &format!("BEGIN:{kind}"));
        push_line(out, &format!("TZOFFSETFROM:{}", utc_offset(offset)));
        push_line(out, &format!("TZOFFSETTO:{}", utc_offset(offset)));
        push_line(out, &format!("TZNAME:{name}"));
        push_line(out, "DTSTART:19700101T000000");
        push_line(out, &format!("END:{kind}"));
    } else {
        for dst in [true, false] {
            let group: Vec<&Transition> = all.iter().filter(|t| t.dst == dst).collect();
            let Some(first_t) = group.first() else {
                continue;
            };
            let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
            let rule = yearly_rule(&group);
            let mut write = |t: &Transition, rrule: Option<&str>| {
                push_line(out, &format!("BEGIN:{kind}"));
                push_line(out, &format!("TZOFFSETFROM:{}", utc_offset(t.from)));
                push_line(out, &format!("TZOFFSETTO:{}", utc_offset(t.to)));
                push_line(out, &format!("TZNAME:{}", t.name));
                push_line(out, &format!("DTSTART:{}", t.local.format("%Y%m%dT%H%M%S")));
                if let Some(r) = rrule {
                    push_line(out, &format!("RRULE:{r}"));
                }
                push_line(out, &format!("END:{kind}"));
            };
            match rule {
                Some(r) => write(first_t, Some(&r)),
                None => group.iter().for_each(|t| write(t, None)),
            }
        }
    }
    push_line(out, "END:VTIMEZONE");
}

/// One RRULE that produces every transition of the group, if there is one:
/// same month, weekday, nth-or-last and wall time every consecutive year.
fn yearly_rule(group: &[&Transition]) -> Option<String> {
    let first = group.first()?;
    let d0 = first.local.date();
    let (n0, _) = by_day(d0);
    let same_shape = |t: &&&Transition| {
        t.local.time() == first.local.time()
            && t.local.month() == d0.month()
            && t.local.weekday() == d0.weekday()
            && t.from == first.from
            && t.to == first.to
            && t.name == first.name
    };
    if !group.iter().all(|t| same_shape(&t)) {
        return None;
    }
    let years: Vec<i32> = group.iter().map(|t| t.local.year()).collect();
    if years.windows(2).any(|w| w[1] != w[0] + 1) {
        return None;
    }
    let day = DAYS[d0.weekday().num_days_from_monday() as usize];
    let all_nth = group.iter().all(|t| by_day(t.local.date()).0 == n0);
    let all_last = group.iter().all(|t| by_day(t.local.date()).1);
    let n = if all_last {
        -1
    } else if all_nth {
        n0
    } else {
        return None;
    };
    Some(format!("FREQ=YEARLY;BYMONTH={};BYDAY={n}{day}", d0.month()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(tz: Tz, first: i32, last: i32) -> String {
        let mut s = String::new();
        push_vtimezone(&mut s, tz, first, last);
        s
    }

    #[test]
    fn europe_uses_last_sunday_rules() {
        let s = render(chrono_tz::Europe::Paris, 2024, 2024);
        assert!(s.contains("BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:20230326T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"), "{s}");
        assert!(s.contains("TZNAME:CET\r\nDTSTART:20231029T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"), "{s}");
    }

    #[test]
    fn us_uses_nth_sunday_rules() {
        let s = render(chrono_tz::America::Denver, 2024, 2024);
        assert!(s.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"), "{s}");
        assert!(s.contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"), "{s}");
    }

    #[test]
    fn zones_without_dst_have_one_standard() {
        let s = render(chrono_tz::Asia::Tokyo, 2025, 2025);
        assert!(s.contains("BEGIN:STANDARD\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nDTSTART:19700101T000000\r\nEND:STANDARD"), "{s}");
        assert!(!s.contains("DAYLIGHT"));
    }
}
