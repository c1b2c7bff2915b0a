//! The date/time grammar: text as authors write it → a [`Found`] date and time.
//!
//! Two steps. [`lex`] turns cleaned text into tokens (times like `9:15`,
//! `am`/`pm`, numbers with ordinals, dashes, zones, words); [`scan`] finds
//! dates (`Tuesday, March 19, 2024`, `Monday, 23 March`, `2024-03-19`) and
//! time ranges (`09:00 - 09:10 CET`, `9:10 - 9:35 AM`, `4:30pm -⏎5:05pm`).
//! Nothing here knows the post: years, zones and 12-hour guesses are settled
//! in `resolve`. Linear in the input; no backtracking beyond a few tokens.

use std::cell::RefCell;

mod dates;
mod lex;
mod times;

use super::zone::WrittenZone;
use dates::dates;
pub use dates::{month_first, opening_weekday, weekday, weekday_days};
pub use lex::{Tok, has_digit, lex, may_name_weekday};
use times::times;

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
    /// The text writes a date in numbers that reads as two days
    /// (`04/02/2025`, with nothing to settle the order) and no other: the
    /// entry must not take a date from above instead.
    pub unsettled_date: bool,
    /// Such a date's two readings, day first and month first, when both
    /// are dates: the post's other dates in numbers may settle which.
    pub either_way: Option<(DateSpec, DateSpec)>,
}

/// Whether a text without digits may still write a time: "noon",
/// "midday" or "midnight", in any case. One pass, comparing only where an
/// `n` or an `m` starts (most units of a post are asked).
fn names_an_hour(text: &str) -> bool {
    let b = text.as_bytes();
    let at = |i: usize, word: &[u8]| {
        b.get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    (0..b.len()).any(|i| match b[i] | 0x20 {
        b'n' => at(i, b"noon"),
        b'm' => at(i, b"midday") || at(i, b"midnight"),
        _ => false,
    })
}

/// The most tokens [`with_tokens`]'s buffer keeps between texts: a long
/// paragraph's worth.
const MAX_KEPT_TOKENS: usize = 1 << 14;

/// Finds the time range in `text` and the date that goes with it: the
/// nearest date before the time, else the first one after it.
pub fn scan(text: &str) -> Found {
    // Every date and time has a digit, but for "noon" and "midnight": most
    // lines of a post have neither, and are not lexed at all.
    if !has_digit(text.as_bytes()) && !names_an_hour(text) {
        return Found::default();
    }
    with_tokens(text, found_in)
}

/// `read` of `text`'s tokens, lexed into this thread's buffer: one buffer
/// for the hundreds of thousands of lines a build reads, instead of one
/// grown for each.
pub fn with_tokens<R>(text: &str, read: impl FnOnce(&[Tok]) -> R) -> R {
    thread_local! {
        static TOKS: RefCell<Vec<Tok>> = const { RefCell::new(Vec::new()) };
    }
    TOKS.with_borrow_mut(|toks| {
        lex::lex_into(text, toks);
        let r = read(toks);
        // A huge text (a hostile post) does not keep its tokens' memory.
        if toks.capacity() > MAX_KEPT_TOKENS {
            *toks = Vec::new();
        }
        r
    })
}

/// [`scan`]'s reading of the tokens: the first time, and the nearest date
/// before it or else the first after it; with no time, the last date.
fn found_in(toks: &[Tok]) -> Found {
    let Some((t_start, t_end, time)) = times(toks).next() else {
        let last = dates(toks).last();
        let unsettled_date = last.is_none() && dates::has_numeric_date(toks);
        return Found {
            date: last.map(|(_, _, d)| d),
            time: None,
            date_zone: last.and_then(|(_, e, _)| zone_after(toks, e)),
            unsettled_date,
            either_way: unsettled_date.then(|| dates::either_way(toks)).flatten(),
        };
    };
    // Dates come in order and do not overlap: once one starts after the
    // time, none later can end before it.
    let (mut before, mut after) = (None, None);
    for date in dates(toks) {
        if date.1 <= t_start {
            before = Some(date);
        } else if date.0 >= t_end {
            after = Some(date);
            break;
        }
    }
    let chosen = before.or(after);
    let unsettled_date = chosen.is_none() && dates::has_numeric_date(toks);
    Found {
        date: chosen.map(|(_, _, d)| d),
        time: Some(time),
        date_zone: chosen.and_then(|(_, e, _)| zone_after(toks, e)),
        unsettled_date,
        either_way: unsettled_date.then(|| dates::either_way(toks)).flatten(),
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

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// The quick tests that keep most lines from the grammar say what
        /// byte-by-byte reading says, wherever the digit or the word falls.
        #[test]
        fn quick_tests_agree_with_reading_every_byte(
            text in proptest::string::string_regex(
                "([a-zA-Z ,.:/é\u{a0}—-]|[0-9]|noon|NOON|MidDay|midnight|mid|no){0,80}"
            ).unwrap()
        ) {
            let b = text.as_bytes();
            proptest::prop_assert_eq!(super::has_digit(b), b.iter().any(u8::is_ascii_digit));
            let has = |word: &str| {
                b.windows(word.len()).any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
            };
            proptest::prop_assert_eq!(
                super::names_an_hour(&text),
                has("noon") || has("midday") || has("midnight")
            );
        }
    }

    /// Every digit, at every place of a text longer than two of the digit
    /// test's chunks, and next to the bytes on either side of the digits.
    #[test]
    fn every_digit_anywhere_is_found() {
        let blank = "/:".repeat(35);
        assert!(!super::has_digit(blank.as_bytes()));
        for digit in b'0'..=b'9' {
            for at in 0..blank.len() {
                let mut text = blank.clone().into_bytes();
                text[at] = digit;
                assert!(super::has_digit(&text), "{}", digit as char);
            }
        }
    }

    /// `CET/CEST` is the zone that changes between them; a region's name
    /// right after a time is its zone, but not before a capitalised word.
    #[test]
    fn zone_pairs_and_region_names_after_a_time() {
        use super::super::zone::WrittenZone;
        let zone = |text: &str| super::scan(text).time.and_then(|t| t.zone);
        assert!(matches!(
            zone("October 15, 14:00 CET/CEST"),
            Some(WrittenZone::Region {
                tz: chrono_tz::Europe::Berlin,
                ..
            })
        ));
        assert!(matches!(
            zone("October 15, 2pm Eastern"),
            Some(WrittenZone::Region { name: "ET", .. })
        ));
        assert!(matches!(
            zone("October 15, 14:00 Central European Time"),
            Some(WrittenZone::Region {
                tz: chrono_tz::Europe::Berlin,
                ..
            })
        ));
        assert_eq!(zone("October 15, 10:00 Central Hall"), None);
        // Not a pair: the first is kept.
        assert!(matches!(
            zone("October 15, 14:00 CET/PDT"),
            Some(WrittenZone::Abbrev { name: "CET", .. })
        ));
    }

    /// A date in numbers that reads either way is unsettled, so that its
    /// entry takes no other date; a weekday or a number above 12 settles it.
    #[test]
    fn dates_in_numbers_that_read_either_way() {
        assert!(super::scan("04/02/2025 14:00").unsettled_date);
        assert!(super::scan("04/02/2025").unsettled_date);
        assert!(!super::scan("Tuesday 04/02/2025 14:00").unsettled_date);
        assert!(!super::scan("28/02/2025 14:00").unsettled_date);
        assert!(!super::scan("04.02.2025 14:00").unsettled_date);
        assert!(!super::scan("version 1.2, 14:00").unsettled_date);
    }

    /// `between 14:00 and 15:30` is a range; other "and"s join nothing.
    #[test]
    fn between_one_time_and_another() {
        let range = |text: &str| {
            super::scan(text)
                .time
                .map(|t| (t.start.hour, t.start.minute, t.end.map(|e| (e.hour, e.pm))))
        };
        assert_eq!(
            range("on 29 May 2024 between 14:00 and 15:30 CEST"),
            Some((14, 0, Some((15, None))))
        );
        assert_eq!(
            range("May 29 between 2 and 3 pm"),
            Some((2, 0, Some((3, Some(true)))))
        );
        assert_eq!(range("May 29 at 14:00 and 16:00"), Some((14, 0, None)));
        assert_eq!(
            range("between sessions, May 29 at 14:00 and then"),
            Some((14, 0, None))
        );
    }

    /// A four-digit clock is read alone only when marked as one (`1430
    /// hrs`): a year stays a year.
    #[test]
    fn four_digit_clocks_marked_by_hrs() {
        let t = super::scan("1430 hrs IST, Thursday 5 December")
            .time
            .unwrap();
        assert_eq!((t.start.hour, t.start.minute), (14, 30));
        assert!(t.zone.is_some());
        assert!(super::scan("Thursday 5 December 2024").time.is_none());
        assert!(super::scan("2460 hrs").time.is_none());
    }

    /// An ISO date-time's offset is its zone, never an end time; its
    /// seconds and fraction are read past.
    #[test]
    fn iso_offsets_are_zones() {
        use super::super::zone::WrittenZone;
        for (text, offset) in [
            ("2024-03-21T10:30:00-05:00", -5 * 3600),
            ("2024-03-21T10:30+0530", 5 * 3600 + 1800),
            ("2024-03-21T10:30:00.000Z", 0),
        ] {
            let t = super::scan(text).time.unwrap();
            assert_eq!((t.start.hour, t.start.minute), (10, 30), "{text}");
            assert!(t.end.is_none(), "{text}");
            assert_eq!(t.zone, Some(WrittenZone::Offset(offset)), "{text}");
        }
    }

    /// The hours written without a digit, in any case, anywhere; and what
    /// only looks like them.
    #[test]
    fn hours_named_without_a_digit() {
        for text in ["at NOON", "MidDay break", "until midnight.", "(Noon)"] {
            assert!(super::names_an_hour(text), "{text}");
        }
        for text in ["no on", "mid day", "midda", "moon", "nightly", ""] {
            assert!(!super::names_an_hour(text), "{text}");
        }
    }

    #[test]
    fn a_glued_a_or_p_after_a_clock_is_am_or_pm() {
        let t = scan("Wed 11/13, 2:30p").time.unwrap();
        assert_eq!((t.start.hour, t.start.pm), (2, Some(true)));
        let t = scan("11:55a: Talk").time.unwrap();
        assert_eq!(t.start.pm, Some(false));
        // Not after a bare number ("Room 5a") nor spaced ("10:00 a talk").
        assert!(scan("Room 5a").time.is_none());
        assert_eq!(scan("10:00 a talk").time.unwrap().start.pm, None);
    }

    #[test]
    fn a_numbered_day_then_its_date_is_no_range_of_days() {
        let d = scan("Day 1 — 7 October 2024").date.unwrap();
        assert_eq!((d.day, d.month, d.year), (7, 10, Some(2024)));
        let d = scan("22–24 April 2024").date.unwrap();
        assert_eq!((d.day, d.month), (22, 4));
    }

    #[test]
    fn weekdays_with_a_day_and_no_month() {
        assert_eq!(
            super::weekday_days(
                "Two sessions on Monday 18th and Tuesday 19th at 17:30 to 20:30 UTC -3."
            ),
            vec![(0, 18), (1, 19)]
        );
        assert_eq!(
            super::weekday_days("[Talk A](x): Wednesday the 12th at 11:55 am"),
            vec![(2, 12)]
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
