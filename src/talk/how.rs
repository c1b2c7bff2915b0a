//! How a talk's date, year and zone were decided, and from which line:
//! what `almanac explain` prints, so an author can fix a post in a minute.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::When;
use super::zone::{self, WrittenZone};

/// Where the post's IANA zone came from; decides how a contradiction is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSource {
    /// The author's own `timezone:` in front matter: a written abbreviation
    /// that disagrees is an error.
    FrontMatter,
    /// The operator's `events:` rule: the author's written abbreviation wins,
    /// with a warning (the rule may be for the wrong city or event).
    Rule,
}

/// How a talk's date, year and zone were decided: what `almanac explain`
/// tells an author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct How {
    pub date: DateFrom,
    pub year: YearFrom,
    pub zone: ZoneFrom,
    /// The instant the same start written in a second zone gives, when the
    /// two disagree (`5:45AM UTC / 10:45AM PDT`).
    pub alternative: Option<When>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFrom {
    /// Written with the time, on the entry.
    Entry,
    /// The nearest day heading or date line above, or the one date the
    /// post's prose gives.
    Above,
    /// Front matter `talks:`.
    Listed,
    /// Written on the entry in numbers that read either way (`04/02/2025`),
    /// in the order the post's other such dates settle (`10/28/2024`).
    PostOrder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearFrom {
    Written,
    /// The year the post's title (or, undated, its text) states.
    Stated(i32),
    /// The first year on or after the post's date with that day (and weekday).
    AfterPostDate(NaiveDate),
    /// The latest year up to the post's with that day and weekday, when no
    /// year within one after the post's date has them (a post written after
    /// its event).
    BeforePostDate(NaiveDate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneFrom {
    /// Written on the entry (or its date line).
    Entry(WrittenZone),
    /// Stated once for the section or post, or in the table's time header.
    Stated(WrittenZone),
    /// Written on the entry and agreeing with the post's IANA zone, which
    /// is used (for its DST rules).
    Agrees(WrittenZone, Tz, ZoneSource),
    FrontMatter(Tz),
    Rule(Tz),
    /// The zone most of the post's talks write.
    Usual(WrittenZone),
    City(Tz),
    /// The city its section's heading names, in a post of several cities.
    Section(Tz),
    Default(Tz),
}

impl Default for How {
    /// For talks made by hand (tests): as if listed in front matter in UTC.
    fn default() -> Self {
        How {
            date: DateFrom::Listed,
            year: YearFrom::Written,
            zone: ZoneFrom::Default(chrono_tz::UTC),
            alternative: None,
        }
    }
}

impl std::fmt::Display for How {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let date = match self.date {
            DateFrom::Entry => "written on the entry",
            DateFrom::Above => {
                "from the nearest day heading or date above (or the one date the post gives)"
            }
            DateFrom::Listed => "from front matter `talks:`",
            DateFrom::PostOrder => {
                "written on the entry in numbers, month or day first as the post's other such dates are"
            }
        };
        let year = match self.year {
            YearFrom::Written => "written".to_string(),
            YearFrom::Stated(y) => format!("{y}, the year the post's title states"),
            YearFrom::AfterPostDate(d) => {
                format!("the first year on or after the post's date ({d}) that fits")
            }
            YearFrom::BeforePostDate(d) => format!(
                "the latest year up to the post's date ({d}) whose day falls on that weekday (none does within a year after it)"
            ),
        };
        let source = |s: ZoneSource| match s {
            ZoneSource::FrontMatter => "front matter `timezone`",
            ZoneSource::Rule => "the configuration's `events:` rule",
        };
        // `CST` read as China's in a Hong Kong post says so.
        let written = |w: WrittenZone| match w {
            WrittenZone::Abbrev { name, offset } if zone::lookup(name) != Some(w) => format!(
                "{name} (read as {}, the post's zone on that date)",
                zone::format_offset(offset)
            ),
            _ => w.label(),
        };
        let zone = match self.zone {
            ZoneFrom::Entry(w) => format!("{}, written on the entry", written(w)),
            ZoneFrom::Stated(w) => format!(
                "{}, stated for the section or post (\"All times are …\", a time column's header)",
                written(w)
            ),
            ZoneFrom::Agrees(w, tz, s) => format!(
                "{} written, which agrees with {} from {}",
                written(w),
                tz.name(),
                source(s)
            ),
            ZoneFrom::FrontMatter(tz) => format!("{}, from front matter `timezone`", tz.name()),
            ZoneFrom::Rule(tz) => format!("{}, from the configuration's `events:` rule", tz.name()),
            ZoneFrom::Usual(w) => format!("{}, the zone the post's other talks write", w.label()),
            ZoneFrom::City(tz) => format!("{}, from the city the post names", tz.name()),
            ZoneFrom::Section(tz) => format!(
                "{}, from the city its section's heading names (the post's headings name cities in other zones too)",
                tz.name()
            ),
            ZoneFrom::Default(tz) => format!(
                "{}, the configured default (nothing in the post or configuration names one)",
                tz.name()
            ),
        };
        write!(f, "date {date}; year {year}; zone {zone}")
    }
}
