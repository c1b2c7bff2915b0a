//! Talks → iCalendar (RFC 5545, RFC 7986), as calendar apps subscribe to it.
//!
//! Each talk's `VEVENT` is rendered once (written directly in the form the
//! `icalendar` crate gives, which a test holds it to, and folded by
//! [`fold`]; a cancelled talk's, rarer, through the crate) and the same
//! text is reused in the talk's own
//! calendar, its event's calendar and the all-talks calendar. A calendar adds
//! the header properties and one [`vtimezone`] per IANA zone its events use.
//!
//! Calendars are made as [`CalendarParts`]: pieces of [`Bytes`] that share
//! the `VEVENT` and `VTIMEZONE` texts instead of copying them, so a site
//! with 200,000 talks holds each talk's text once.

pub mod alarm;
pub mod fold;
pub mod own;
pub mod vtimezone;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use icalendar::{Component, EventLike};

pub use crate::history::{Record, Revision};
use crate::talk::{Talk, TalkZone};
pub use own::{Naming, TalkCalendar};

/// What a calendar says about itself.
#[derive(Debug, Clone)]
pub struct CalendarMeta {
    pub name: String,
    pub description: String,
    /// Where this calendar is served (RFC 7986 `SOURCE`).
    pub source: String,
    pub refresh: chrono::Duration,
}

/// A rendered `VEVENT` and what calendars need to know to include it.
#[derive(Debug, Clone, PartialEq)]
pub struct IcsEvent {
    pub uid: String,
    /// The folded `VEVENT` block; once its event's calendar is made, a slice
    /// of that calendar's bytes (see [`CalendarParts::event_spans`]).
    pub text: Bytes,
    pub tz: Option<Tz>,
    pub year: i32,
    pub start: DateTime<Utc>,
}

impl IcsEvent {
    /// The order of calendars that keep the newest talks: by start, newest
    /// first, then by UID (so it never depends on the order events are read).
    pub fn newest_first(a: &IcsEvent, b: &IcsEvent) -> std::cmp::Ordering {
        b.start.cmp(&a.start).then_with(|| b.uid.cmp(&a.uid))
    }
}

/// The talk as a folded `VEVENT` block.
pub fn vevent(talk: &Talk, revision: Revision) -> IcsEvent {
    vevent_described(talk, &description(talk), revision)
}

/// [`vevent`] with the talk's [`description`] already made (the site makes
/// it once per talk for the revision history too).
///
/// Written directly, a line per property, in the form the `icalendar` crate
/// gives (properties sorted by name, TEXT values escaped, `TZID` as a
/// parameter), then folded: building and re-folding one of the crate's
/// objects per talk was a tenth of a build. A test holds the two equal.
pub fn vevent_described(talk: &Talk, description: &str, revision: Revision) -> IcsEvent {
    let (tz, start, end) = match talk.when.zone {
        TalkZone::Iana(tz) => (
            Some(tz),
            Stamp::Local(talk.when.start_local, tz),
            Stamp::Local(talk.when.end_local, tz),
        ),
        TalkZone::Fixed { .. } => (None, Stamp::Utc(talk.when.start), Stamp::Utc(talk.when.end)),
    };
    let modified = Stamp::Utc(revision.last_modified);
    let status = if revision.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    let mut out = String::with_capacity(640 + description.len() * 11 / 10);
    out.push_str("BEGIN:VEVENT\r\n");
    let mut line = String::with_capacity(256);
    let mut put = |name: &str, stamp: Option<&Stamp>, value: &str| {
        line.clear();
        line.push_str(name);
        if let Some(Stamp::Local(_, tz)) = stamp {
            line.push_str(";TZID=");
            line.push_str(tz.name());
        }
        line.push(':');
        match stamp {
            Some(s) => s.write(&mut line),
            None => line.push_str(value),
        }
        fold::push_line(&mut out, &line);
    };
    if let Some(track) = &talk.track {
        // A list value: the crate writes it as given, escaped by us.
        put("CATEGORIES", None, &fold::escape_text(track));
    }
    put("DESCRIPTION", None, &fold::escape_text(description));
    put("DTEND", Some(&end), "");
    put("DTSTAMP", Some(&modified), "");
    put("DTSTART", Some(&start), "");
    put("LAST-MODIFIED", Some(&modified), "");
    if let Some(loc) = &talk.location {
        put("LOCATION", None, &fold::escape_text(loc));
    }
    put("SEQUENCE", None, &revision.sequence.to_string());
    put("STATUS", None, status);
    put("SUMMARY", None, &fold::escape_text(&talk.title));
    put("TRANSP", None, "OPAQUE");
    put("UID", None, &fold::escape_text(&talk.uid));
    // A URI, not TEXT: unescaped (a control character cannot be in one).
    put(
        "URL",
        None,
        &fold::clean_text(&talk.url).replace(['\n', '\t'], ""),
    );
    out.push_str("END:VEVENT\r\n");
    IcsEvent {
        uid: talk.uid.clone(),
        text: Bytes::from(out),
        tz,
        year: talk.when.start_local.year(),
        start: talk.when.start,
    }
}

/// A `DATE-TIME` value: local time in a zone (`TZID` parameter), or UTC.
enum Stamp {
    Local(chrono::NaiveDateTime, Tz),
    Utc(DateTime<Utc>),
}

impl Stamp {
    /// `YYYYMMDDTHHMMSS`, with `Z` in UTC (chrono's form beyond year 9999).
    fn write(&self, out: &mut String) {
        use chrono::Timelike;
        use std::fmt::Write as _;
        let (t, z) = match self {
            Stamp::Local(t, _) => (*t, ""),
            Stamp::Utc(t) => (t.naive_utc(), "Z"),
        };
        let _ = if (0..=9999).contains(&t.year()) {
            write!(
                out,
                "{:04}{:02}{:02}T{:02}{:02}{:02}{z}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        } else {
            write!(out, "{}{z}", t.format("%Y%m%dT%H%M%S"))
        };
    }
}

/// A talk that left its post, as calendar apps must hear of it:
/// `STATUS:CANCELLED` with a higher `SEQUENCE`, times in UTC.
pub fn cancelled_vevent(uid: &str, r: &Record) -> IcsEvent {
    let at = |t: i64| DateTime::from_timestamp(t, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut e = icalendar::Event::new();
    e.uid(uid);
    e.timestamp(at(r.last_modified));
    e.last_modified(at(r.last_modified));
    e.sequence(r.sequence);
    e.summary(&fold::clean_text(&r.title));
    e.description(&format!("Cancelled.\n\n{}", r.url));
    e.url(&r.url);
    e.starts(at(r.start));
    e.ends(at(r.end));
    e.status(icalendar::EventStatus::Cancelled);
    e.add_property("TRANSP", "TRANSPARENT");
    IcsEvent {
        uid: uid.to_string(),
        text: Bytes::from(fold::refold(&e.to_string())),
        tz: None,
        year: at(r.start).year(),
        start: at(r.start),
    }
}

/// Speakers, abstract and link, as the description calendar apps show.
pub fn description(talk: &Talk) -> String {
    let mut parts = Vec::new();
    let speakers = talk.speakers_text();
    if !speakers.is_empty() {
        parts.push(format!("Speakers: {speakers}"));
    }
    let abstract_text = super::markdown::to_plain(&talk.abstract_md);
    if !abstract_text.is_empty() {
        parts.push(abstract_text);
    }
    parts.push(talk.url.clone());
    parts.join("\n\n")
}

/// A zone and the first and last year its VTIMEZONE must cover.
type ZoneKey = (Tz, i32, i32);

/// VTIMEZONE texts already computed, shared by every calendar of a build
/// (probing a zone's transitions is the one costly step).
#[derive(Debug, Default, Clone)]
pub struct ZoneCache {
    inner: Arc<Mutex<HashMap<ZoneKey, Bytes>>>,
}

impl ZoneCache {
    fn get(&self, tz: Tz, first: i32, last: i32) -> Bytes {
        let key = (tz, first, last);
        if let Some(v) = self
            .inner
            .lock()
            .map(|m| m.get(&key).cloned())
            .ok()
            .flatten()
        {
            return v;
        }
        let mut s = String::new();
        vtimezone::push_vtimezone(&mut s, tz, first, last);
        let v = Bytes::from(s);
        if let Ok(mut m) = self.inner.lock() {
            m.insert(key, v.clone());
        }
        v
    }
}

/// A calendar as the pieces it is made of: its header, one `VTIMEZONE`
/// per zone, the events' texts, the closing line. The zone and event pieces
/// are shared (reference-counted), not copied.
#[derive(Debug, Clone)]
pub struct CalendarParts {
    pub parts: Vec<Bytes>,
    /// Index of the first event piece in `parts`.
    events_from: usize,
}

impl CalendarParts {
    /// The whole calendar in one piece.
    pub fn joined(&self) -> Bytes {
        Bytes::from(self.parts.concat())
    }

    /// Where each event's text lies in [`CalendarParts::joined`], in the
    /// order the events were given.
    pub fn event_spans(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let mut at: usize = self.parts[..self.events_from].iter().map(Bytes::len).sum();
        self.parts[self.events_from..self.parts.len() - 1]
            .iter()
            .map(move |p| {
                at += p.len();
                at - p.len()..at
            })
    }
}

/// A whole calendar from rendered events (in the order given), in one piece.
pub fn calendar(meta: &CalendarMeta, events: &[&IcsEvent], zones: &ZoneCache) -> Bytes {
    calendar_parts(meta, events, zones).joined()
}

/// A calendar of the first of `newest_first` that fit in `max_bytes` (the
/// whole file, `VTIMEZONE`s included), listed oldest first; and how many
/// it kept. Google Calendar silently drops what lies past about 1 MB of a
/// subscribed calendar, so a subscription must stay under it.
pub fn calendar_within(
    meta: &CalendarMeta,
    newest_first: &[&IcsEvent],
    zones: &ZoneCache,
    max_bytes: usize,
) -> (Bytes, usize) {
    // A first guess from the events alone; then fewer until the whole fits
    // (leaving out events can only leave out zones, never add them).
    let mut n = 0;
    let mut total = 0;
    for e in newest_first {
        total += e.text.len();
        if total > max_bytes {
            break;
        }
        n += 1;
    }
    loop {
        let chosen: Vec<&IcsEvent> = newest_first[..n].iter().rev().copied().collect();
        let parts = calendar_parts(meta, &chosen, zones);
        let len: usize = parts.parts.iter().map(Bytes::len).sum();
        if len <= max_bytes || n == 0 {
            return (parts.joined(), n);
        }
        let mut excess = len - max_bytes;
        while excess > 0 && n > 0 {
            n -= 1;
            excess = excess.saturating_sub(newest_first[n].text.len());
        }
    }
}

/// The last line of every calendar.
const CALENDAR_END: &[u8] = b"END:VCALENDAR\r\n";

/// A whole calendar from rendered events (in the order given), as pieces.
pub fn calendar_parts(
    meta: &CalendarMeta,
    events: &[&IcsEvent],
    zones: &ZoneCache,
) -> CalendarParts {
    // Keyed by name so VTIMEZONEs come out in a stable order.
    let mut years: BTreeMap<&'static str, (Tz, i32, i32)> = BTreeMap::new();
    // A calendar must hold a component (RFC 5545 §3.6; sabre/vobject
    // refuses one without): a filter that chooses no talk gives UTC's
    // zone, the same whatever the year.
    if events.is_empty() {
        years.insert(Tz::UTC.name(), (Tz::UTC, 1970, 1970));
    }
    for ev in events {
        if let Some(tz) = ev.tz {
            let r = years.entry(tz.name()).or_insert((tz, ev.year, ev.year));
            r.1 = r.1.min(ev.year);
            r.2 = r.2.max(ev.year);
        }
    }
    let zone = match years.len() {
        1 => years.keys().next().copied(),
        _ => None,
    };
    let header = header(
        &meta.name,
        &meta.description,
        &meta.source,
        meta.refresh,
        zone,
    );
    let mut parts = Vec::with_capacity(2 + years.len() + events.len());
    parts.push(header);
    for (tz, first, last) in years.values() {
        parts.push(zones.get(*tz, *first, *last));
    }
    let events_from = parts.len();
    parts.extend(events.iter().map(|e| e.text.clone()));
    parts.push(Bytes::from_static(CALENDAR_END));
    CalendarParts { parts, events_from }
}

/// A calendar's header: everything before its `VTIMEZONE`s. `zone` is
/// the calendar's one zone, if all its events share one (`X-WR-TIMEZONE`).
pub(crate) fn header(
    name: &str,
    description: &str,
    source: &str,
    refresh: chrono::Duration,
    zone: Option<&str>,
) -> Bytes {
    let mut out = String::with_capacity(1024);
    fold::push_line(&mut out, "BEGIN:VCALENDAR");
    fold::push_line(&mut out, "VERSION:2.0");
    fold::push_line(
        &mut out,
        concat!(
            "PRODID:-//almanac//almanac ",
            env!("CARGO_PKG_VERSION"),
            "//EN"
        ),
    );
    fold::push_line(&mut out, "CALSCALE:GREGORIAN");
    // No METHOD: a subscribed calendar is not an iTIP message (RFC 5546),
    // and METHOD:PUBLISH would require an ORGANIZER that a post does not
    // have (libical's iTIP check flags every event); see the README.
    fold::push_text(&mut out, "NAME", name);
    fold::push_text(&mut out, "X-WR-CALNAME", name);
    fold::push_text(&mut out, "DESCRIPTION", description);
    fold::push_text(&mut out, "X-WR-CALDESC", description);
    fold::push_line(&mut out, &format!("SOURCE;VALUE=URI:{source}"));
    fold::push_line(&mut out, &format!("URL:{source}"));
    let refresh = iso_duration(refresh);
    fold::push_line(
        &mut out,
        &format!("REFRESH-INTERVAL;VALUE=DURATION:{refresh}"),
    );
    fold::push_line(&mut out, &format!("X-PUBLISHED-TTL:{refresh}"));
    if let Some(zone) = zone {
        fold::push_line(&mut out, &format!("X-WR-TIMEZONE:{zone}"));
    }
    Bytes::from(out.into_bytes())
}

/// `PT1H`, `PT30M`, `P1D` (RFC 5545 §3.3.6).
fn iso_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(60);
    if secs % 86_400 == 0 {
        format!("P{}D", secs / 86_400)
    } else if secs % 3600 == 0 {
        format!("PT{}H", secs / 3600)
    } else {
        format!("PT{}M", secs / 60)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::talk::When;
    use icalendar::{CalendarDateTime, Component, EventLike};
    use proptest::prelude::*;

    /// What [`vevent_described`] wrote when it built the `icalendar` crate's
    /// event and folded it again: the oracle the direct writer is held to.
    fn vevent_by_crate(talk: &Talk, description: &str, revision: Revision) -> IcsEvent {
        let mut e = icalendar::Event::new();
        e.uid(&talk.uid);
        e.timestamp(revision.last_modified);
        e.last_modified(revision.last_modified);
        e.sequence(revision.sequence);
        e.summary(&fold::clean_text(&talk.title));
        e.description(&fold::clean_text(description));
        e.url(&talk.url);
        if let Some(loc) = &talk.location {
            e.location(&fold::clean_text(loc));
        }
        if let Some(track) = &talk.track {
            // CATEGORIES is a list: the crate writes it unescaped, so escape here.
            e.add_property("CATEGORIES", fold::escape_text(track));
        }
        let (tz, start, end): (Option<Tz>, CalendarDateTime, CalendarDateTime) =
            match talk.when.zone {
                TalkZone::Iana(tz) => (
                    Some(tz),
                    CalendarDateTime::WithTimezone {
                        date_time: talk.when.start_local,
                        tzid: tz.name().to_string(),
                    },
                    CalendarDateTime::WithTimezone {
                        date_time: talk.when.end_local,
                        tzid: tz.name().to_string(),
                    },
                ),
                TalkZone::Fixed { .. } => (None, talk.when.start.into(), talk.when.end.into()),
            };
        e.starts(start);
        e.ends(end);
        if revision.cancelled {
            e.status(icalendar::EventStatus::Cancelled);
        } else {
            e.status(icalendar::EventStatus::Confirmed);
        }
        e.add_property("TRANSP", "OPAQUE");
        IcsEvent {
            uid: talk.uid.clone(),
            text: Bytes::from(fold::refold(&e.to_string())),
            tz,
            year: talk.when.start_local.year(),
            start: talk.when.start,
        }
    }

    proptest! {
        /// The direct writer gives the very bytes the crate's event, folded
        /// again, gave: whatever the text (escapes, long lines, multi-byte
        /// characters, control characters), zone, sequence and status.
        #[test]
        fn the_direct_writer_matches_the_crate(
            title in "[ -~é⚡,;\\\\\n\t\u{7}]{0,120}",
            description in "[ -~é⚡,;\\\\\n\r\t]{0,300}",
            location in proptest::option::of("[ -~é,;\\\\\n]{0,90}"),
            track in proptest::option::of("[ -~é,;\\\\]{0,40}"),
            url in "https://[!-~]{0,150}",
            zoned in any::<bool>(),
            sequence in 0u32..1000,
            cancelled in any::<bool>(),
            minutes in 0i64..5_000_000,
        ) {
            let mut t = talk(if zoned {
                TalkZone::Iana(chrono_tz::America::New_York)
            } else {
                TalkZone::Fixed { offset: -18000, label: "EST" }
            });
            t.title = title;
            t.location = location;
            t.track = track;
            t.url = url;
            t.when.start += chrono::Duration::minutes(minutes);
            t.when.start_local += chrono::Duration::minutes(minutes);
            let r = Revision {
                sequence,
                last_modified: t.when.start - chrono::Duration::days(3),
                cancelled,
            };
            let direct = vevent_described(&t, &description, r);
            let by_crate = vevent_by_crate(&t, &description, r);
            prop_assert_eq!(
                std::str::from_utf8(&direct.text).unwrap(),
                std::str::from_utf8(&by_crate.text).unwrap()
            );
            prop_assert_eq!(direct, by_crate);
        }
    }

    pub(super) fn talk(zone: TalkZone) -> Talk {
        let start = chrono::DateTime::parse_from_rfc3339("2024-03-19T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Talk {
            uid: "abc@p.almanac".into(),
            slug: "x-abc".into(),
            title: "Comma, semicolon; and a very long title that will need folding ⚡ somewhere"
                .into(),
            speakers: vec![],
            url: "https://s.io/e/1?a=b,c".into(),
            track: Some("Day 1, Room A".into()),
            abstract_md: "Line one\n\nLine two".into(),
            when: When {
                start,
                end: start + chrono::Duration::minutes(10),
                start_local: start.naive_utc() + chrono::Duration::hours(1),
                end_local: start.naive_utc() + chrono::Duration::minutes(70),
                zone,
                has_end: true,
            },
            location: Some("Paris".into()),
            line: 3,
            time_line: 3,
            how: Default::default(),
        }
    }

    pub(super) fn rev() -> Revision {
        Revision {
            sequence: 0,
            last_modified: DateTime::<Utc>::UNIX_EPOCH,
            cancelled: false,
        }
    }

    #[test]
    fn zoned_and_fixed_events() {
        let z = vevent(&talk(TalkZone::Iana(chrono_tz::Europe::Paris)), rev());
        let text = fold::unfold(std::str::from_utf8(&z.text).unwrap());
        assert!(
            text.contains("DTSTART;TZID=Europe/Paris:20240319T090000\r\n"),
            "{text}"
        );
        assert!(
            text.contains("SUMMARY:Comma\\, semicolon\\; and a very long"),
            "{text}"
        );
        assert!(text.contains("CATEGORIES:Day 1\\, Room A\r\n"), "{text}");
        assert!(
            text.contains("DESCRIPTION:Line one\\n\\nLine two\\n\\nhttps://s.io/e/1?a=b\\,c\r\n"),
            "{text}"
        );
        let f = vevent(
            &talk(TalkZone::Fixed {
                offset: 3600,
                label: "CET",
            }),
            rev(),
        );
        let f_text = std::str::from_utf8(&f.text).unwrap();
        assert!(f_text.contains("DTSTART:20240319T080000Z\r\n"), "{f_text}");
        assert!(f.tz.is_none());
        let meta = CalendarMeta {
            name: "N".into(),
            description: "D".into(),
            source: "http://x/c.ics".into(),
            refresh: chrono::Duration::hours(1),
        };
        let parts = calendar_parts(&meta, &[&z, &f], &ZoneCache::default());
        let joined = parts.joined();
        let spans: Vec<_> = parts.event_spans().collect();
        assert_eq!(joined.slice(spans[0].clone()), z.text);
        assert_eq!(joined.slice(spans[1].clone()), f.text);
        let cal = String::from_utf8(joined.to_vec()).unwrap();
        assert!(cal.contains("X-WR-TIMEZONE:Europe/Paris\r\n"));
        assert_eq!(cal.matches("BEGIN:VTIMEZONE").count(), 1);
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
        assert!(cal.lines().all(|l| l.len() <= 76));
    }

    /// The bound holds for the whole file, keeps the newest events (listed
    /// oldest first) and as many as fit: one more would not.
    #[test]
    fn a_calendar_within_a_byte_bound_keeps_the_newest_that_fit() {
        let meta = CalendarMeta {
            name: "N".into(),
            description: "D".into(),
            source: "http://x/c.ics".into(),
            refresh: chrono::Duration::hours(1),
        };
        let zones = ZoneCache::default();
        let events: Vec<IcsEvent> = (0..200)
            .map(|i| {
                let mut t = talk(TalkZone::Iana(chrono_tz::Europe::Paris));
                t.uid = format!("{i:03}@p.almanac");
                t.abstract_md = "x".repeat(i * 7);
                t.when.start -= chrono::Duration::days(i as i64);
                vevent(&t, rev())
            })
            .collect();
        let newest_first: Vec<&IcsEvent> = events.iter().collect();
        let whole = calendar_within(&meta, &newest_first, &zones, usize::MAX);
        assert_eq!(whole.1, 200);
        for max in [4096, 20_000, 77_777, whole.0.len() - 1] {
            let (bytes, kept) = calendar_within(&meta, &newest_first, &zones, max);
            assert!(bytes.len() <= max, "{} > {max}", bytes.len());
            assert!(kept > 0 && kept < 200);
            let one_more = calendar_parts(
                &meta,
                &newest_first[..=kept]
                    .iter()
                    .rev()
                    .copied()
                    .collect::<Vec<_>>(),
                &zones,
            )
            .joined();
            assert!(one_more.len() > max, "{kept} kept of {max} bytes");
            let text = String::from_utf8(bytes.to_vec()).unwrap();
            let first = text.find("UID:").unwrap();
            assert!(text[first..].starts_with(&format!("UID:{:03}@", kept - 1)));
            assert!(text.contains("UID:000@"));
        }
    }
}
