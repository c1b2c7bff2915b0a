//! Property test: any text survives folding and escaping. Each case renders a
//! talk whose title, description and track are arbitrary text, then reads the
//! calendar back with an independent parser (the `ical` crate), unescapes the
//! values (RFC 5545 §3.3.11) and compares. Every physical line stays within
//! 75 octets and CRLF-terminated.

use almanac::render::ics::{self, CalendarMeta, Revision, ZoneCache};
use almanac::talk::{Talk, TalkZone, When};
use chrono::{DateTime, Utc};
use proptest::prelude::*;

fn talk(title: &str, abstract_md: &str, track: &str) -> Talk {
    let start = DateTime::parse_from_rfc3339("2024-03-19T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    Talk {
        uid: "prop@p.almanac".into(),
        slug: "prop".into(),
        title: title.into(),
        speakers: vec![],
        url: "https://example.org/t".into(),
        track: Some(track.into()),
        abstract_md: abstract_md.into(),
        when: When {
            start,
            end: start + chrono::Duration::minutes(30),
            start_local: start.naive_utc() + chrono::Duration::hours(1),
            end_local: start.naive_utc() + chrono::Duration::minutes(90),
            zone: TalkZone::Iana(chrono_tz::Europe::Paris),
            has_end: true,
        },
        location: Some(title.into()),
        line: 1,
        time_line: 1,
        how: Default::default(),
    }
}

/// RFC 5545 §3.3.11 TEXT unescaping, written independently of almanac's escaper.
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut it = v.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a value is expected to read back as: CR and control characters are
/// not allowed in TEXT and are dropped by almanac.
///
/// The `ical` crate drops every colon at the start of a value
/// (`trim_start_matches(':')`, a bug of that parser: RFC 5545 allows them),
/// so leading colons are not compared; it also drops whitespace at the end of
/// some values, so trailing whitespace is not compared either. Whitespace
/// *inside* a value is: almanac never folds next to a space or tab.
fn expected(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    kept.trim_start_matches(':')
        .trim_end_matches([' ', '\t'])
        .to_string()
}

/// The parsed value, with the same ends left out as in [`expected`].
fn read_back(value: &str) -> String {
    unescape(value).trim_end_matches([' ', '\t']).to_string()
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Plenty of the characters that need escaping or are multi-byte.
    proptest::string::string_regex(
        "[a-zA-Z0-9 ,;:\\\\\"'\\n\\t\\r\u{e9}\u{26a1}\u{1f6a6}\u{4e2d}\u{0}-\u{1f}]{0,300}",
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_survives_a_round_trip(title in text_strategy(), track in text_strategy()) {
        let t = talk(&title, "", &track);
        let ev = ics::vevent(&t, Revision { sequence: 0, last_modified: DateTime::<Utc>::UNIX_EPOCH, cancelled: false });
        let meta = CalendarMeta { name: title.clone(), description: track.clone(), source: "https://example.org/c.ics".into(), refresh: chrono::Duration::hours(1) };
        let cal = ics::calendar(&meta, &[&ev], &ZoneCache::default());
        let cal = std::str::from_utf8(&cal).expect("calendars are UTF-8");

        prop_assert!(cal.ends_with("\r\n"));
        for line in cal.split("\r\n").filter(|l| !l.is_empty()) {
            prop_assert!(line.len() <= 75, "line of {} octets", line.len());
            prop_assert!(!line.contains('\r') && !line.contains('\n'));
        }

        let parsed = ical::IcalParser::new(std::io::BufReader::new(cal.as_bytes()))
            .next()
            .expect("one calendar")
            .expect("the independent parser accepts it");
        let name = parsed.properties.iter().find(|p| p.name == "NAME").and_then(|p| p.value.clone()).unwrap_or_default();
        prop_assert_eq!(read_back(&name), expected(&title));
        let event = &parsed.events[0];
        let get = |n: &str| event.properties.iter().find(|p| p.name == n).and_then(|p| p.value.clone()).unwrap_or_default();
        prop_assert_eq!(read_back(&get("SUMMARY")), expected(&title));
        prop_assert_eq!(read_back(&get("LOCATION")), expected(&title));
        prop_assert_eq!(read_back(&get("CATEGORIES")), expected(&track));
        prop_assert_eq!(get("DTSTART"), "20240319T090000");
    }
}
