//! Times and ranges in tokens: `09:00 - 09:10 CET`, `9:10 - 9:35 AM`,
//! `1400-1425`, `noon`, with the zone written after them.

use super::super::zone::WrittenZone;
use super::lex::Tok;
use super::{Clock, TimeSpec};

/// A clock at `i`: `9:15`, `9:15am`, `9 am`; `(next index, clock)`.
/// A bare number counts only with am/pm after it, so years and days never
/// read as hours.
pub(super) fn clock_at(toks: &[Tok], i: usize, bare_ok: bool) -> Option<(usize, Clock)> {
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
pub(super) fn hhmm(tok: Option<&Tok>) -> Option<Clock> {
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
pub(super) fn hhmm_range(toks: &[Tok], i: usize) -> Option<(usize, Clock, Clock)> {
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

/// The time ranges in the tokens, from the first, as `(first token, one
/// past last, spec)`: read only as far as asked ([`super::scan`] asks for
/// the first).
pub(super) fn times(toks: &[Tok]) -> impl Iterator<Item = (usize, usize, TimeSpec)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < toks.len() {
            if let Some((j, start, end)) = hhmm_range(toks, i) {
                let (j, zone) = zone_at(toks, j);
                let found = (
                    i,
                    j,
                    TimeSpec {
                        start,
                        end: Some(end),
                        zone,
                    },
                );
                i = j;
                return Some(found);
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
            let found = (i, j, TimeSpec { start, end, zone });
            i = j;
            return Some(found);
        }
        None
    })
}

/// A zone written right after a time (`CET`, `(UTC)`); the index after it.
pub(super) fn zone_at(toks: &[Tok], j: usize) -> (usize, Option<WrittenZone>) {
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
