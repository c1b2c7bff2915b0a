//! `VTIMEZONE` components from the tz database, in the RRULE form Outlook
//! handles (RFC 5545 §3.6.5).
//!
//! chrono-tz does not expose the zone rules, so the transitions around the
//! years in use are found by probing offsets. They are grouped into rule
//! periods: consecutive years that change on the same "nth (or last)
//! weekday of the month at the same wall time" become one observance with an
//! `RRULE` (with `UNTIL` where the rule ended before the last year covered);
//! a transition that follows no yearly rule is an observance of its own.
//!
//! The earliest rule period starts as far back as the tz database keeps that
//! rule (down to 1970, the form Google, Apple and Outlook export), not in the
//! year before the first talk: some clients (ts-ics) leave a rule's first
//! `STANDARD` onset out and would otherwise read a March talk with the
//! summer offset.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use super::fold::push_line;

/// The first year a rule period is extended back to.
const EARLIEST_YEAR: i32 = 1970;

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

impl Transition {
    fn utc(&self) -> DateTime<Utc> {
        (self.local - Duration::seconds(i64::from(self.from))).and_utc()
    }
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
                let m = offset_at(tz, mid);
                if m.0 == prev.0 && m.2 == prev.2 {
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

/// A yearly rule: the nth (or, with `n == -1`, the last) `weekday` of
/// `month` at a wall time, from one offset to another.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    month: u32,
    weekday: Weekday,
    n: i32,
}

impl Rule {
    /// The day the rule falls on in `year`.
    fn day_in(&self, year: i32) -> Option<NaiveDate> {
        if self.n == -1 {
            let next = if self.month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, self.month + 1, 1)
            }?;
            let mut d = next.pred_opt()?;
            while d.weekday() != self.weekday {
                d = d.pred_opt()?;
            }
            Some(d)
        } else {
            NaiveDate::from_weekday_of_month_opt(year, self.month, self.weekday, self.n as u8)
        }
    }

    fn rrule(&self) -> String {
        let day = DAYS[self.weekday.num_days_from_monday() as usize];
        format!("FREQ=YEARLY;BYMONTH={};BYDAY={}{day}", self.month, self.n)
    }
}

/// The rules `d` fits: "last" when it is the last such weekday of its month
/// (the usual form of real rules, so it is tried first), and its nth weekday.
fn rules_of(d: NaiveDate) -> Vec<Rule> {
    let rule = |n| Rule {
        month: d.month(),
        weekday: d.weekday(),
        n,
    };
    let mut out = Vec::with_capacity(2);
    if d.checked_add_signed(Duration::days(7))
        .is_none_or(|x| x.month() != d.month())
    {
        out.push(rule(-1));
    }
    out.push(rule((d.day() as i32 - 1) / 7 + 1));
    out
}

/// A run of transitions of one kind, and the rule they all follow (if they
/// are more than one).
#[derive(Debug)]
struct Period<'a> {
    /// The transition the observance starts with (its `DTSTART`).
    start: Transition,
    members: Vec<&'a Transition>,
    rule: Option<Rule>,
}

/// Whether `t` continues a run whose last member is `prev`, under `rule`.
fn continues(prev: &Transition, t: &Transition, rule: &Rule) -> bool {
    t.local.year() == prev.local.year() + 1
        && t.local.time() == prev.local.time()
        && (t.from, t.to, &t.name) == (prev.from, prev.to, &prev.name)
        && rule.day_in(t.local.year()) == Some(t.local.date())
}

/// Splits the transitions of one kind (in time order) into rule periods.
fn periods<'a>(group: &[&'a Transition]) -> Vec<Period<'a>> {
    let mut out: Vec<Period<'a>> = Vec::new();
    for &t in group {
        if let Some(p) = out.last_mut() {
            let last = p.members[p.members.len() - 1];
            let rule = match &p.rule {
                Some(r) => Some(r.clone()),
                // A second member decides which of the first one's rules holds.
                None => rules_of(last.local.date())
                    .into_iter()
                    .find(|r| continues(last, t, r)),
            };
            if let Some(r) = rule.filter(|r| continues(last, t, r)) {
                p.rule = Some(r);
                p.members.push(t);
                continue;
            }
        }
        out.push(Period {
            start: t.clone(),
            members: vec![t],
            rule: None,
        });
    }
    out
}

/// The transition `rule` gives in `year`, if the tz database has exactly
/// that one there (same wall time and offsets as `like`).
fn rule_holds(tz: Tz, rule: &Rule, like: &Transition, year: i32) -> Option<Transition> {
    let local = rule.day_in(year)?.and_time(like.local.time());
    let t = Transition {
        local,
        ..like.clone()
    };
    let at = t.utc();
    let before = offset_at(tz, at - Duration::seconds(1));
    let after = offset_at(tz, at);
    (before.0 == like.from && after == (like.to, like.name.clone(), like.dst)).then_some(t)
}

/// Appends the VTIMEZONE for `tz`, correct for every instant of the years
/// `first..=last`.
pub fn push_vtimezone(out: &mut String, tz: Tz, first: i32, last: i32) {
    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{}", tz.name()));
    push_line(out, &format!("X-LIC-LOCATION:{}", tz.name()));
    let (from_year, to_year) = (first - 1, last + 1);
    let all = transitions(tz, from_year, to_year);
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
        push_line(out, "END:VTIMEZONE");
        return;
    }
    let mut kinds: Vec<(bool, Vec<Period>)> = [true, false]
        .into_iter()
        .map(|dst| {
            let group: Vec<&Transition> = all.iter().filter(|t| t.dst == dst).collect();
            (dst, periods(&group))
        })
        .collect();
    extend_back(tz, &mut kinds, from_year);
    for (dst, periods) in &kinds {
        let kind = if *dst { "DAYLIGHT" } else { "STANDARD" };
        for p in periods {
            push_line(out, &format!("BEGIN:{kind}"));
            push_line(out, &format!("TZOFFSETFROM:{}", utc_offset(p.start.from)));
            push_line(out, &format!("TZOFFSETTO:{}", utc_offset(p.start.to)));
            push_line(out, &format!("TZNAME:{}", p.start.name));
            push_line(
                out,
                &format!("DTSTART:{}", p.start.local.format("%Y%m%dT%H%M%S")),
            );
            if let Some(rule) = &p.rule {
                let end = p.members[p.members.len() - 1];
                // A rule that did not reach the last year covered ended.
                // UNTIL is a day after its last change, not the change
                // itself: any instant before the next year's would-be change
                // means the same (RFC 5545 §3.3.10), and ts-ics compares
                // UNTIL with the wall time, which would drop the last one.
                if end.local.year() < to_year {
                    let until = end.utc() + Duration::days(1);
                    push_line(
                        out,
                        &format!(
                            "RRULE:{};UNTIL={}",
                            rule.rrule(),
                            until.format("%Y%m%dT%H%M%SZ")
                        ),
                    );
                } else {
                    push_line(out, &format!("RRULE:{}", rule.rrule()));
                }
            }
            push_line(out, &format!("END:{kind}"));
        }
    }
    push_line(out, "END:VTIMEZONE");
}

/// Moves the start of every period that opens the covered years back to the
/// first year the tz database keeps its rule (all of them to the same year,
/// so the offsets stay paired), down to [`EARLIEST_YEAR`]. Where a rule
/// began after that, the changes of the year before it are added as
/// observances of their own, so every rule's first onset has one before it.
fn extend_back(tz: Tz, kinds: &mut [(bool, Vec<Period>)], from_year: i32) {
    let opening: Vec<(usize, usize)> = kinds
        .iter()
        .enumerate()
        .filter_map(|(k, (_, ps))| {
            let i = ps.iter().position(|p| p.start.local.year() == from_year)?;
            Some((k, i))
        })
        .collect();
    let rules: Option<Vec<Rule>> = opening
        .iter()
        .map(|&(k, i)| kinds[k].1[i].rule.clone())
        .collect();
    let year = match rules {
        Some(rules) if !rules.is_empty() => extend_rules(tz, kinds, &opening, &rules, from_year),
        _ => from_year,
    };
    if year > EARLIEST_YEAR {
        add_year_before(tz, kinds, year);
    }
}

/// Moves the opening periods' starts back while their rules hold; the year
/// they then start in.
fn extend_rules(
    tz: Tz,
    kinds: &mut [(bool, Vec<Period>)],
    opening: &[(usize, usize)],
    rules: &[Rule],
    from_year: i32,
) -> i32 {
    let mut year = from_year;
    let mut starts: Vec<Transition> = opening
        .iter()
        .map(|&(k, i)| kinds[k].1[i].start.clone())
        .collect();
    while year > EARLIEST_YEAR {
        let earlier: Option<Vec<Transition>> = opening
            .iter()
            .zip(rules)
            .map(|(&(k, i), r)| rule_holds(tz, r, &kinds[k].1[i].start, year - 1))
            .collect();
        let Some(e) = earlier else { break };
        starts = e;
        year -= 1;
    }
    for (&(k, i), s) in opening.iter().zip(starts) {
        kinds[k].1[i].start = s;
    }
    year
}

/// Adds the changes of the year before `year` as observances of their own.
fn add_year_before(tz: Tz, kinds: &mut [(bool, Vec<Period>)], year: i32) {
    let Some(earliest) = kinds
        .iter()
        .flat_map(|(_, ps)| ps.iter().map(|p| p.start.utc()))
        .min()
    else {
        return;
    };
    for t in transitions(tz, year - 1, year - 1) {
        if t.utc() >= earliest {
            continue;
        }
        if let Some((_, ps)) = kinds.iter_mut().find(|(dst, _)| *dst == t.dst) {
            let at = ps.partition_point(|p| p.start.utc() < t.utc());
            ps.insert(
                at,
                Period {
                    start: t,
                    members: Vec::new(),
                    rule: None,
                },
            );
        }
    }
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
        assert!(s.contains("BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19960331T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"), "{s}");
        assert!(s.contains("TZNAME:CET\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"), "{s}");
        // The rule before 1996 (summer time ended in September) is there as
        // the changes of its last year, so the first rule onset has one before it.
        assert!(
            s.contains("TZNAME:CET\r\nDTSTART:19950924T030000\r\nEND:STANDARD"),
            "{s}"
        );
    }

    #[test]
    fn a_rule_that_ended_has_until_and_the_next_rule_its_own_period() {
        // The US moved its changes in 2007.
        let s = render(chrono_tz::America::Denver, 2006, 2008);
        assert!(s.contains("DTSTART:19870405T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060403T090000Z\r\n"), "{s}");
        assert!(
            s.contains("DTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"),
            "{s}"
        );
        assert!(
            s.contains("DTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"),
            "{s}"
        );
        // Moscow kept summer time all year from 2011.
        let s = render(chrono_tz::Europe::Moscow, 2010, 2012);
        assert!(
            s.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;UNTIL=20100328T230000Z"),
            "{s}"
        );
        assert!(s.contains("TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0400\r\nTZNAME:MSK\r\nDTSTART:20110327T020000\r\nEND:STANDARD"), "{s}");
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
