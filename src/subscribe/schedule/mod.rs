//! An event's schedule for conference apps (Giggity, EventFahrplan,
//! ConfClerk and the C3VOC tools): `events/<slug>/schedule.xml` (the
//! frab/Pentabarf format) and `events/<slug>/schedule.json` (the C3VOC
//! schedule JSON that frab and pretalx export).
//!
//! Made from the event's published `VEVENT`s and their facets, so a
//! schedule always says what the calendars say, and made when asked for
//! (and when `out/` is written), not kept: a site's schedules would double
//! what it holds in memory. Stable under edits: `guid`s derive from the
//! UIDs and integer `id`s from the talk IDs, so neither moves when talks
//! are added; `<version>` is a hash of the content.

mod json;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use quick_xml::escape::escape;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::facets::{Facets, TalkId};
use crate::post::slugify;
use crate::render::ics::fold::{property_lines, unescape_text as unescape, unfold, utf8};
use crate::snapshot::EventAssets;

/// One talk as the schedule shows it, with what both formats write of it
/// made once.
struct Slot<'a> {
    id: TalkId,
    uid: &'a str,
    title: String,
    abstract_text: String,
    speakers: Vec<String>,
    url: String,
    track: Option<String>,
    room: String,
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    zone: Option<Tz>,
    /// The local date of its start.
    day: NaiveDate,
    /// Its `guid`, from the UID.
    guid: String,
    /// Its slug after the event's acronym: its ID in lower-case letters and
    /// digits (the JSON schema's pattern allows no `.` and must end in one).
    slug: String,
    /// Its start and end in RFC 3339, with their offset.
    start_text: String,
    end_text: String,
}

/// An event's schedule in both formats: (XML, JSON).
pub fn schedules(ev: &EventAssets, config: &Config) -> (String, String) {
    let slots = slots(ev);
    let data = Data::new(ev, &slots, config);
    let (json, version) = data.versioned_json(&slots);
    (data.xml(&slots, &version), json)
}

/// An event's schedule in one format (`json`, else XML).
pub fn schedule(ev: &EventAssets, config: &Config, json: bool) -> String {
    let slots = slots(ev);
    let data = Data::new(ev, &slots, config);
    let (text, version) = data.versioned_json(&slots);
    match json {
        true => text,
        false => data.xml(&slots, &version),
    }
}

/// The live talks of an event (cancelled ones are not on a schedule), by start.
fn slots(ev: &EventAssets) -> Vec<Slot<'_>> {
    let mut out: Vec<Slot> = ev
        .vevents
        .iter()
        .zip(&ev.facets)
        .filter(|(_, f)| !f.cancelled)
        .filter_map(|(v, f)| slot(&v.uid, &unfold(&utf8(&v.text)), f, &ev.title))
        .collect();
    out.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(b.uid)));
    out
}

/// One talk from its unfolded `VEVENT` and facets; none without a start and an end.
fn slot<'a>(uid: &'a str, vevent: &str, f: &Facets, event_title: &str) -> Option<Slot<'a>> {
    // The first of each property, as a calendar app reads it.
    let (mut summary, mut description, mut url, mut location) = (None, None, None, None);
    let (mut dtstart, mut dtend) = (None, None);
    for (name, tzid, value) in property_lines(vevent) {
        let field = match name {
            "SUMMARY" => &mut summary,
            "DESCRIPTION" => &mut description,
            "URL" => &mut url,
            "LOCATION" => &mut location,
            "DTSTART" => &mut dtstart,
            "DTEND" => &mut dtend,
            _ => continue,
        };
        field.get_or_insert((tzid, value));
    }
    let text = |p: Option<(Option<&str>, &str)>| p.map(|(_, v)| unescape(v)).unwrap_or_default();
    let (start, zone) = when(dtstart?)?;
    let (end, _) = when(dtend?)?;
    let speakers: Vec<String> = f.speakers().map(str::to_string).collect();
    let url = uri(&text(url));
    let description = text(description);
    let track = f.track_name().map(str::to_string);
    let location = Some(text(location)).filter(|l| !l.is_empty());
    Some(Slot {
        id: f.id,
        uid,
        title: text(summary),
        abstract_text: abstract_of(&description, !speakers.is_empty(), &url),
        speakers,
        room: track
            .clone()
            .or(location)
            .unwrap_or_else(|| event_title.to_string()),
        track,
        url,
        day: start.date_naive(),
        guid: uuid(uid),
        slug: hash_hex(f.id.to_string().as_bytes(), 6),
        start_text: start.to_rfc3339(),
        end_text: end.to_rfc3339(),
        start,
        end,
        zone,
    })
}

/// What both formats say of the event as a whole.
struct Data<'a> {
    title: &'a str,
    acronym: String,
    slug: &'a str,
    base_url: String,
    source_xml: String,
    source_json: String,
    zone: Option<Tz>,
    /// Local dates, in order, each with its index (from 1).
    days: Vec<NaiveDate>,
    tracks: Vec<&'a str>,
    rooms: Vec<&'a str>,
}

impl<'a> Data<'a> {
    fn new(ev: &'a EventAssets, slots: &'a [Slot], config: &Config) -> Data<'a> {
        let mut days: Vec<NaiveDate> = slots.iter().map(|s| s.day).collect();
        days.sort();
        days.dedup();
        let mut tracks: Vec<&str> = slots.iter().filter_map(|s| s.track.as_deref()).collect();
        tracks.sort();
        tracks.dedup();
        let mut rooms: Vec<&str> = slots.iter().map(|s| s.room.as_str()).collect();
        rooms.sort();
        rooms.dedup();
        // The zone most of its talks are in.
        let mut zones: BTreeMap<&str, (usize, Tz)> = BTreeMap::new();
        for tz in slots.iter().filter_map(|s| s.zone) {
            zones.entry(tz.name()).or_insert((0, tz)).0 += 1;
        }
        let zone = zones.values().max_by_key(|(n, _)| *n).map(|(_, tz)| *tz);
        let base = format!("{}/events/{}", config.public_url, ev.slug);
        Data {
            title: &ev.title,
            acronym: acronym(&ev.slug),
            slug: &ev.slug,
            base_url: format!("{}/", config.public_url),
            source_xml: format!("{base}/schedule.xml"),
            source_json: format!("{base}/schedule.json"),
            zone,
            days,
            tracks,
            rooms,
        }
    }

    fn day_index(&self, date: NaiveDate) -> usize {
        self.days.iter().position(|d| *d == date).unwrap_or(0) + 1
    }

    /// The first start and the last end of a day's talks.
    fn day_bounds(&self, slots: &[Slot], date: NaiveDate) -> (String, String) {
        let of_day = slots.iter().filter(|s| s.day == date);
        let start = of_day.clone().map(|s| s.start).min();
        let end = of_day.map(|s| s.end).max();
        (
            start.map(|t| t.to_rfc3339()).unwrap_or_default(),
            end.map(|t| t.to_rfc3339()).unwrap_or_default(),
        )
    }

    fn room_guid(&self, room: &str) -> String {
        uuid(&format!("room\n{}\n{room}", self.slug))
    }

    fn xml(&self, slots: &[Slot], version: &str) -> String {
        let mut o = String::with_capacity(1024 + 1024 * slots.len());
        o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n");
        o.push_str(&format!(
            "  <generator name=\"almanac\" version=\"{}\"/>\n",
            env!("CARGO_PKG_VERSION")
        ));
        element(&mut o, 2, "url", &self.source_xml);
        element(&mut o, 2, "version", version);
        o.push_str("  <conference>\n");
        element(&mut o, 4, "title", self.title);
        element(&mut o, 4, "acronym", &self.acronym);
        if let (Some(first), Some(last)) = (self.days.first(), self.days.last()) {
            element(&mut o, 4, "start", &first.to_string());
            element(&mut o, 4, "end", &last.to_string());
        }
        element(&mut o, 4, "days", &self.days.len().to_string());
        element(&mut o, 4, "timeslot_duration", "00:05");
        element(&mut o, 4, "base_url", &self.base_url);
        if let Some(tz) = self.zone {
            element(&mut o, 4, "time_zone_name", tz.name());
        }
        for t in &self.tracks {
            let slug = slugify(t);
            o.push_str(&format!("    <track name=\"{}\"", escape(*t)));
            if is_xsd_slug(&slug) {
                o.push_str(&format!(" slug=\"{slug}\""));
            }
            o.push_str("/>\n");
        }
        o.push_str("  </conference>\n");
        for date in &self.days {
            let (start, end) = self.day_bounds(slots, *date);
            o.push_str(&format!(
                "  <day index=\"{}\" date=\"{date}\" start=\"{start}\" end=\"{end}\">\n",
                self.day_index(*date)
            ));
            for room in &self.rooms {
                let talks: Vec<&Slot> = slots
                    .iter()
                    .filter(|s| s.day == *date && s.room == *room)
                    .collect();
                if talks.is_empty() {
                    continue;
                }
                o.push_str(&format!(
                    "    <room name=\"{}\" guid=\"{}\">\n",
                    escape(*room),
                    self.room_guid(room)
                ));
                for s in talks {
                    self.xml_event(&mut o, s);
                }
                o.push_str("    </room>\n");
            }
            o.push_str("  </day>\n");
        }
        o.push_str("</schedule>\n");
        o
    }

    fn xml_event(&self, o: &mut String, s: &Slot) {
        let _ = writeln!(
            o,
            "      <event guid=\"{}\" id=\"{}\">",
            s.guid,
            id_number(s.id)
        );
        element(o, 8, "room", &s.room);
        element(o, 8, "title", &s.title);
        element(o, 8, "subtitle", "");
        element(o, 8, "type", "talk");
        element(o, 8, "date", &s.start_text);
        element(o, 8, "start", &clock(s));
        element(o, 8, "duration", &duration(s));
        element(o, 8, "abstract", &s.abstract_text);
        element(o, 8, "slug", &format!("{}-{}", self.acronym, s.slug));
        element(o, 8, "track", s.track.as_deref().unwrap_or_default());
        o.push_str("        <persons>\n");
        for name in &s.speakers {
            element(o, 10, "person", name);
        }
        o.push_str("        </persons>\n");
        if s.url.starts_with("http://") || s.url.starts_with("https://") {
            element(o, 8, "url", &s.url);
        }
        o.push_str("      </event>\n");
    }
}

/// `<name>text</name>`, indented, the text escaped.
fn element(o: &mut String, indent: usize, name: &str, text: &str) {
    const SPACES: &str = "            ";
    o.push_str(&SPACES[..indent.min(SPACES.len())]);
    o.push('<');
    o.push_str(name);
    o.push('>');
    o.push_str(&escape(xml_safe(text).as_ref()));
    o.push_str("</");
    o.push_str(name);
    o.push_str(">\n");
}

/// Text without the characters XML 1.0 does not allow (control characters
/// but tab and newline); borrowed when it has none, as nearly all text is.
fn xml_safe(text: &str) -> Cow<'_, str> {
    let banned = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(banned) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|c| !banned(*c)).collect())
}

/// A talk's start as `HH:MM`, its local clock time.
fn clock(s: &Slot) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", s.start.hour(), s.start.minute())
}

/// A link as a valid URI (RFC 3986): a `%` that starts no escape, and
/// characters a URI cannot hold, percent-encoded ("w=100%" in links that
/// browsers accept, XML Schema's anyURI does not).
fn uri(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    for (i, c) in url.char_indices() {
        let escape_start = c == '%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let allowed = c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=".contains(c);
        if allowed || escape_start {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `HH:MM`.
fn duration(s: &Slot) -> String {
    let minutes = (s.end - s.start).num_minutes().max(0);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The event's slug as the schemas' acronym: lower-case letters, digits
/// and `_` (the JSON schema allows `-` only in its first character), at
/// least four characters.
fn acronym(slug: &str) -> String {
    let mut a: String = slug
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' => c,
            _ => '_',
        })
        .collect();
    while a.len() < 4 {
        a.push('_');
    }
    a
}

/// The first `bytes` bytes of the SHA-256 of `data`, in hex.
fn hash_hex(data: &[u8], bytes: usize) -> String {
    faster_hex::hex_string(&Sha256::digest(data)[..bytes])
}

/// An `id` the schemas accept, from the talk's ID: positive and within a
/// signed 32-bit integer, as frab's are (apps store it in one).
fn id_number(id: TalkId) -> u64 {
    id.number() % (i32::MAX as u64 - 1) + 1
}

/// A UUID (RFC 9562 version 8, name-based on SHA-256) from a name: the same
/// name, the same UUID.
fn uuid(name: &str) -> String {
    let d = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = faster_hex::hex_string(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Whether the JSON schema's `time_zone_name` pattern takes the name.
fn is_schema_zone(name: &str) -> bool {
    if name == "UTC" {
        return true;
    }
    let Some((area, city)) = name.split_once('/') else {
        return false;
    };
    let word = |w: &str| {
        let mut c = w.chars();
        c.next().is_some_and(|f| f.is_ascii_uppercase())
            && c.next().is_some_and(|s| s.is_ascii_lowercase())
    };
    word(area) && area[1..].chars().all(|c| c.is_ascii_lowercase()) && word(city)
}

/// Whether the XSD's track slug pattern takes it.
fn is_xsd_slug(slug: &str) -> bool {
    slug.len() >= 2
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A `DTSTART`/`DTEND` (its `TZID` and value) as written: local with its
/// zone, or UTC.
fn when((tzid, value): (Option<&str>, &str)) -> Option<(DateTime<FixedOffset>, Option<Tz>)> {
    let utc = value.ends_with('Z');
    let naive = NaiveDateTime::parse_from_str(value.trim_end_matches('Z'), "%Y%m%dT%H%M%S").ok()?;
    match tzid.and_then(|t| t.parse::<Tz>().ok()) {
        Some(tz) if !utc => {
            let local = tz.from_local_datetime(&naive).earliest()?;
            Some((local.fixed_offset(), Some(tz)))
        }
        _ => Some((naive.and_utc().fixed_offset(), None)),
    }
}

/// The abstract inside a description made by `render::ics::description`:
/// "Speakers: …", the abstract, the link, separated by blank lines.
fn abstract_of(description: &str, has_speakers: bool, url: &str) -> String {
    let mut parts: Vec<&str> = description.split("\n\n").collect();
    if has_speakers && parts.first().is_some_and(|p| p.starts_with("Speakers: ")) {
        parts.remove(0);
    }
    if parts.last() == Some(&url) {
        parts.pop();
    }
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_valid_uris() {
        assert_eq!(
            uri("https://x/e?w=100%&a=%20b"),
            "https://x/e?w=100%25&a=%20b"
        );
        assert_eq!(uri("https://x/é space"), "https://x/%C3%A9%20space");
    }

    #[test]
    fn names_fit_the_schemas() {
        assert_eq!(acronym("cilium-kubecon-na-2024"), "cilium_kubecon_na_2024");
        assert_eq!(acronym("a"), "a___");
        let u = uuid("x@y.almanac");
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "8");
        assert_eq!(u, uuid("x@y.almanac"));
        assert!(is_schema_zone("Europe/Paris"));
        assert!(is_schema_zone("America/Los_Angeles"));
        assert!(is_schema_zone("UTC"));
        assert!(!is_schema_zone("Etc/GMT+3"));
        assert!(is_xsd_slug("cilium-ebpf-day"));
        assert!(!is_xsd_slug("2024-day"));
        assert!(!is_xsd_slug("a.b"));
    }

    #[test]
    fn the_abstract_is_the_middle_of_the_description() {
        let d = "Speakers: A (B)\n\nLine one\n\nLine two\n\nhttps://x/1";
        assert_eq!(abstract_of(d, true, "https://x/1"), "Line one\n\nLine two");
        assert_eq!(abstract_of("https://x/1", false, "https://x/1"), "");
        assert_eq!(
            abstract_of("Only text\n\nhttps://x/1", false, "https://x/1"),
            "Only text"
        );
    }

    #[test]
    fn times_keep_their_zone() {
        let text = "BEGIN:VEVENT\r\nDTSTART;TZID=America/Denver:20241112T090000\r\nDTEND:20241112T170000Z\r\nEND:VEVENT\r\n";
        let f: Vec<_> = property_lines(text).map(|(_, tzid, v)| (tzid, v)).collect();
        let (start, tz) = when(f[1]).unwrap();
        assert_eq!(start.to_rfc3339(), "2024-11-12T09:00:00-07:00");
        assert_eq!(tz, Some(chrono_tz::America::Denver));
        let (end, tz) = when(f[2]).unwrap();
        assert_eq!(end.to_rfc3339(), "2024-11-12T17:00:00+00:00");
        assert_eq!(tz, None);
    }
}
