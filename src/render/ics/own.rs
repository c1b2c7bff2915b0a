//! A talk's own calendar (`events/<slug>/<talk>.ics`), kept as what it is
//! made of rather than as bytes.
//!
//! Its `VTIMEZONE` and `VEVENT` are slices shared with its event's calendar;
//! what is its own is the header, about 750 bytes (the talk's title four
//! times over, its URL twice). Kept for every talk, that was 160 MB at
//! 200,000 talks, a sixth of a big site's memory, for files that are asked
//! for one at a time. So only what names the calendar is kept (about a
//! third of that), and the header is written again, in a microsecond or
//! two, each time the calendar is served or written.

use bytes::Bytes;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{CALENDAR_END, CalendarMeta, IcsEvent, ZoneCache};

/// What a talk's own calendar says about itself: its name, description,
/// URL and refresh interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Naming {
    /// The name, the description and the URL, one after the other: one
    /// allocation per talk instead of three.
    text: Box<str>,
    name_len: u32,
    description_len: u32,
    refresh_secs: i64,
}

impl Naming {
    pub fn new(meta: &CalendarMeta) -> Naming {
        Naming {
            text: [&*meta.name, &meta.description, &meta.source]
                .concat()
                .into(),
            name_len: meta.name.len() as u32,
            description_len: meta.description.len() as u32,
            refresh_secs: meta.refresh.num_seconds(),
        }
    }

    fn fields(&self) -> (&str, &str, &str) {
        let (name, rest) = self.text.split_at(self.name_len as usize);
        let (description, source) = rest.split_at(self.description_len as usize);
        (name, description, source)
    }
}

/// A talk's own calendar: its naming, its zone and its `VEVENT`.
#[derive(Debug, Clone)]
pub struct TalkCalendar {
    pub naming: Naming,
    /// The talk's zone and its `VTIMEZONE`, if it has one.
    zone: Option<(Tz, Bytes)>,
    /// A slice of its event's calendar (or the `VEVENT` itself, before).
    pub vevent: Bytes,
}

impl TalkCalendar {
    pub fn new(naming: Naming, event: &IcsEvent, zones: &ZoneCache) -> TalkCalendar {
        TalkCalendar {
            naming,
            zone: event
                .tz
                .map(|tz| (tz, zones.get(tz, event.year, event.year))),
            vevent: event.text.clone(),
        }
    }

    /// The calendar's pieces, as [`super::calendar_parts`] gives them for
    /// this one event: its header (written now), zone, `VEVENT`, last line.
    pub fn parts(&self) -> Vec<Bytes> {
        let (name, description, source) = self.naming.fields();
        let refresh = chrono::Duration::seconds(self.naming.refresh_secs);
        let zone_name = self.zone.as_ref().map(|(tz, _)| tz.name());
        let mut parts = Vec::with_capacity(4);
        parts.push(super::header(name, description, source, refresh, zone_name));
        if let Some((_, text)) = &self.zone {
            parts.push(text.clone());
        }
        parts.push(self.vevent.clone());
        parts.push(Bytes::from_static(CALENDAR_END));
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{rev, talk};
    use super::super::{calendar_parts, vevent};
    use super::*;
    use crate::talk::TalkZone;

    /// Made from its naming, a talk's calendar is byte for byte the
    /// calendar of its one event, with a zone or without, and whatever its
    /// name holds (long lines folded, text escaped, non-ASCII).
    #[test]
    fn a_talk_calendar_is_its_one_event_calendar() {
        let zones = ZoneCache::default();
        let zoned = vevent(&talk(TalkZone::Iana(chrono_tz::Europe::Paris)), rev());
        let fixed = TalkZone::Fixed {
            offset: 3600,
            label: "CET",
        };
        let utc = vevent(&talk(fixed), rev());
        assert!(zoned.tz.is_some() && utc.tz.is_none());
        let meta = CalendarMeta {
            name: "Keynote: eBPF, at scale; and more — ".repeat(3),
            description: "Über, a talk \\ of \"KubeCon\"".into(),
            source: format!("http://x/events/e/{}.ics", "t".repeat(80)),
            refresh: chrono::Duration::minutes(90),
        };
        for v in [&zoned, &utc] {
            let made = TalkCalendar::new(Naming::new(&meta), v, &zones).parts();
            assert_eq!(made, calendar_parts(&meta, &[v], &zones).parts);
        }
    }

    /// A talk's calendar is hashed when its bytes are first made, not when
    /// it is rendered: asked for first, or taken from the bytes `out/` is
    /// written from, its length and ETag are those of its bytes.
    #[test]
    fn a_talk_calendar_digest_is_of_its_bytes_whenever_made() {
        use crate::asset::Asset;
        use crate::output::Output;
        let zones = ZoneCache::default();
        let v = vevent(&talk(TalkZone::Iana(chrono_tz::Europe::Paris)), rev());
        let meta = CalendarMeta {
            name: "Keynote".into(),
            description: "A talk".into(),
            source: "http://x/events/e/t.ics".into(),
            refresh: chrono::Duration::minutes(90),
        };
        let output = Output::Talk {
            event: "e",
            talk: "t",
        };
        let make = || Asset::talk(output, TalkCalendar::new(Naming::new(&meta), &v, &zones));
        let (asked, written) = (make(), make());
        let (etag, len) = (asked.etag().to_string(), asked.len());
        let bytes = written.to_bytes();
        let held = Asset::uncompressed(output, vec![bytes.clone()]);
        assert_eq!((etag.as_str(), len), (held.etag(), bytes.len()));
        assert_eq!((written.etag(), written.len()), (held.etag(), bytes.len()));
        assert_eq!(asked.to_bytes(), bytes);
    }
}
