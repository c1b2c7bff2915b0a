//! The C3VOC schedule JSON, written from typed structs borrowing the
//! schedule's data, in one serialisation (the version's hash is written
//! over a placeholder), where a `serde_json::Value` tree cost a fifth of a
//! build.
//!
//! Fields are declared in sorted order, as a `Value`'s map keeps them, so
//! the bytes (and so the version hash) are those the schedule always had.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Data, Slot, duration, id_number};
use crate::post::slugify;

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    generator: Generator,
    schedule: Schedule<'a>,
}

#[derive(Serialize)]
struct Generator {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Schedule<'a> {
    base_url: &'a str,
    conference: Conference<'a>,
    version: String,
}

#[derive(Serialize)]
struct Conference<'a> {
    acronym: &'a str,
    days: Vec<Day<'a>>,
    #[serde(rename = "daysCount")]
    days_count: usize,
    end: String,
    rooms: Vec<Room<'a>>,
    start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone_name: Option<&'a str>,
    timeslot_duration: &'static str,
    title: &'a str,
    tracks: Vec<Track<'a>>,
    url: &'a str,
}

#[derive(Serialize)]
struct Room<'a> {
    guid: String,
    name: &'a str,
}

#[derive(Serialize)]
struct Track<'a> {
    name: &'a str,
    slug: String,
}

#[derive(Serialize)]
struct Day<'a> {
    date: String,
    day_end: String,
    day_start: String,
    index: usize,
    rooms: BTreeMap<&'a str, Vec<Event<'a>>>,
}

#[derive(Serialize)]
struct Event<'a> {
    #[serde(rename = "abstract")]
    abstract_text: &'a str,
    date: &'a str,
    duration: String,
    end: &'a str,
    guid: &'a str,
    id: u64,
    language: Option<&'a str>,
    links: [&'a str; 0],
    persons: Vec<Person<'a>>,
    room: &'a str,
    slug: String,
    start: String,
    subtitle: &'static str,
    title: &'a str,
    track: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    name: &'a str,
}

impl Data<'_> {
    /// The JSON text and its `version`: a hash of the document with a
    /// placeholder of the version's length in its place (the XML carries
    /// the same version). One serialisation: the hash is written over the
    /// placeholder, the last string of the document.
    pub(super) fn versioned_json(&self, slots: &[Slot]) -> (String, String) {
        const PLACEHOLDER: &str = "0000000000000000";
        let mut doc = self.json(slots);
        doc.schedule.version = PLACEHOLDER.to_string();
        let mut text = serde_json::to_string_pretty(&doc).expect("plain structs serialise");
        let version = super::hash_hex(text.as_bytes(), PLACEHOLDER.len() / 2);
        let field = format!("\"version\": \"{PLACEHOLDER}\"");
        let at = text
            .rfind(&field)
            .expect("the schedule's version is its last field")
            + field.len()
            - PLACEHOLDER.len()
            - 1;
        text.replace_range(at..at + PLACEHOLDER.len(), &version);
        text.push('\n');
        (text, version)
    }

    fn json<'s>(&'s self, slots: &'s [Slot]) -> Doc<'s> {
        let days = self
            .days
            .iter()
            .map(|date| {
                let mut rooms: BTreeMap<&str, Vec<Event>> = BTreeMap::new();
                for s in slots.iter().filter(|s| s.day == *date) {
                    rooms.entry(&s.room).or_default().push(Event {
                        abstract_text: &s.abstract_text,
                        date: &s.start_text,
                        duration: duration(s),
                        end: &s.end_text,
                        guid: &s.guid,
                        id: id_number(s.id),
                        language: None,
                        links: [],
                        persons: s.speakers.iter().map(|n| Person { name: n }).collect(),
                        room: &s.room,
                        slug: format!("{}-{}", self.acronym, s.slug),
                        start: super::clock(s),
                        subtitle: "",
                        title: &s.title,
                        track: s.track.as_deref(),
                        kind: "talk",
                        url: &s.url,
                    });
                }
                let (day_start, day_end) = self.day_bounds(slots, *date);
                Day {
                    date: date.to_string(),
                    day_end,
                    day_start,
                    index: self.day_index(*date),
                    rooms,
                }
            })
            .collect();
        let conference = Conference {
            acronym: &self.acronym,
            days,
            days_count: self.days.len(),
            end: self
                .days
                .last()
                .map(ToString::to_string)
                .unwrap_or_default(),
            rooms: self
                .rooms
                .iter()
                .map(|r| Room {
                    guid: self.room_guid(r),
                    name: r,
                })
                .collect(),
            start: self
                .days
                .first()
                .map(ToString::to_string)
                .unwrap_or_default(),
            time_zone_name: self
                .zone
                .map(|tz| tz.name())
                .filter(|n| super::is_schema_zone(n)),
            timeslot_duration: "00:05",
            title: self.title,
            tracks: self
                .tracks
                .iter()
                .map(|t| Track {
                    name: t,
                    slug: slugify(t),
                })
                .collect(),
            url: &self.source_json,
        };
        Doc {
            schema: "https://c3voc.de/schedule/schema.json",
            generator: Generator {
                name: "almanac",
                version: env!("CARGO_PKG_VERSION"),
            },
            schedule: Schedule {
                base_url: &self.base_url,
                conference,
                version: String::new(),
            },
        }
    }
}
