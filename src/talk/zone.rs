//! Zone names as authors write them: abbreviations, generic US names, offsets.
//!
//! An abbreviation stands for a fixed offset (what the author saw on the
//! schedule), never for a region: `CET` on a date in summer is still UTC+1.
//! The one table of abbreviations lives here; `resolve` decides what to do
//! when the written zone and the post's IANA zone disagree.

use chrono_tz::Tz;

/// A zone written in a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrittenZone {
    /// An abbreviation with its fixed offset in seconds east of UTC.
    Abbrev { name: &'static str, offset: i32 },
    /// `ET`, `PT`…: a region whose offset follows daylight saving time.
    Region { name: &'static str, tz: Tz },
    /// `UTC+2`, `GMT-07:00`.
    Offset(i32),
}

impl WrittenZone {
    /// How the zone reads in messages.
    pub fn label(&self) -> String {
        match self {
            WrittenZone::Abbrev { name, .. } | WrittenZone::Region { name, .. } => {
                (*name).to_string()
            }
            WrittenZone::Offset(secs) => format_offset(*secs),
        }
    }
}

/// `UTC+02:00`, `UTC-05:30`.
pub fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

const H: i32 = 3600;

/// Abbreviations and their offsets. Where one abbreviation means several
/// zones, the reading used by English-language conference schedules wins
/// (`CST` is US Central, `IST` is India).
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("WET", 0),
    ("WEST", H),
    ("BST", H),
    ("CET", H),
    ("CEST", 2 * H),
    ("EET", 2 * H),
    ("EEST", 3 * H),
    ("MSK", 3 * H),
    ("SAST", 2 * H),
    ("IST", 5 * H + 1800),
    ("PKT", 5 * H),
    ("WIB", 7 * H),
    ("SGT", 8 * H),
    ("HKT", 8 * H),
    ("AWST", 8 * H),
    ("JST", 9 * H),
    ("KST", 9 * H),
    ("ACST", 9 * H + 1800),
    ("ACDT", 10 * H + 1800),
    ("AEST", 10 * H),
    ("AEDT", 11 * H),
    ("NZST", 12 * H),
    ("NZDT", 13 * H),
    ("BRT", -3 * H),
    ("ART", -3 * H),
    ("AST", -4 * H),
    ("ADT", -3 * H),
    ("EST", -5 * H),
    ("EDT", -4 * H),
    ("CST", -6 * H),
    ("CDT", -5 * H),
    ("MST", -7 * H),
    ("MDT", -6 * H),
    ("PST", -8 * H),
    ("PDT", -7 * H),
    ("AKST", -9 * H),
    ("AKDT", -8 * H),
    ("HST", -10 * H),
    // Africa, Asia, the Americas and the Pacific beyond the above.
    ("WAT", H),
    ("CAT", 2 * H),
    ("EAT", 3 * H),
    ("IDT", 3 * H),
    ("TRT", 3 * H),
    ("NPT", 5 * H + 2700),
    ("ICT", 7 * H),
    ("PHT", 8 * H),
    ("PHST", 8 * H),
    ("MYT", 8 * H),
    ("WITA", 8 * H),
    ("WIT", 9 * H),
    ("ACWST", 8 * H + 2700),
    ("NST", -3 * H - 1800),
    ("NDT", -2 * H - 1800),
    ("CLT", -4 * H),
    ("CLST", -3 * H),
    ("UYT", -3 * H),
];

/// The other zones an abbreviation of [`ABBREVIATIONS`] names, read when
/// the post's own zone (its city's, or one set for it) agrees with one of
/// them on the talk's date: `CST` in a Hong Kong or Shanghai post is China
/// Standard Time, `IST` in a Dublin post Irish Standard Time.
const OTHER_READINGS: &[(&str, i32)] = &[
    ("CST", 8 * H),
    ("IST", H),
    ("IST", 2 * H),
    ("BST", 6 * H),
    ("AST", 3 * H),
];

/// Whether `w` is an abbreviation with other readings than its usual one.
pub fn is_ambiguous(w: WrittenZone) -> bool {
    matches!(w, WrittenZone::Abbrev { name, .. } if OTHER_READINGS.iter().any(|(n, _)| *n == name))
}

/// `w` read as the zone whose offset is `offset`, when it is one of its
/// readings (`CST` at +8 is China's); else `w` as it is.
pub fn reading_at(w: WrittenZone, offset: i32) -> WrittenZone {
    match w {
        WrittenZone::Abbrev { name, .. }
            if OTHER_READINGS
                .iter()
                .any(|&(n, o)| n == name && o == offset) =>
        {
            WrittenZone::Abbrev { name, offset }
        }
        _ => w,
    }
}

/// Generic names that follow daylight saving time.
const REGIONS: &[(&str, Tz)] = &[
    ("ET", chrono_tz::America::New_York),
    ("CT", chrono_tz::America::Chicago),
    ("MT", chrono_tz::America::Denver),
    ("PT", chrono_tz::America::Los_Angeles),
];

/// Zones written out in words, as schedules and invitations print them
/// ("10:00 Central European Summer Time", "All times are Pacific Time").
/// A name with "Standard", "Daylight" or "Summer" is that fixed offset,
/// as its abbreviation is; a name without one follows daylight saving
/// time, as `PT` does. Longer names come before their shorter prefixes.
const NAMES: &[(&str, WrittenZone)] = &[
    ("Pacific Standard Time", abbrev("PST")),
    ("Pacific Daylight Time", abbrev("PDT")),
    (
        "Pacific Time",
        region("PT", chrono_tz::America::Los_Angeles),
    ),
    ("Mountain Standard Time", abbrev("MST")),
    ("Mountain Daylight Time", abbrev("MDT")),
    ("Mountain Time", region("MT", chrono_tz::America::Denver)),
    ("Central European Summer Time", abbrev("CEST")),
    ("Central European Standard Time", abbrev("CET")),
    (
        "Central European Time",
        region("Central European Time", chrono_tz::Europe::Berlin),
    ),
    ("Central Standard Time", abbrev("CST")),
    ("Central Daylight Time", abbrev("CDT")),
    ("Central Time", region("CT", chrono_tz::America::Chicago)),
    ("Eastern European Summer Time", abbrev("EEST")),
    (
        "Eastern European Time",
        region("Eastern European Time", chrono_tz::Europe::Athens),
    ),
    ("Eastern Standard Time", abbrev("EST")),
    ("Eastern Daylight Time", abbrev("EDT")),
    ("Eastern Time", region("ET", chrono_tz::America::New_York)),
    ("Western European Summer Time", abbrev("WEST")),
    (
        "Western European Time",
        region("Western European Time", chrono_tz::Europe::Lisbon),
    ),
    ("British Summer Time", abbrev("BST")),
    ("Greenwich Mean Time", abbrev("GMT")),
    ("Coordinated Universal Time", abbrev("UTC")),
    ("India Standard Time", abbrev("IST")),
    ("Japan Standard Time", abbrev("JST")),
    ("Korea Standard Time", abbrev("KST")),
    ("Singapore Standard Time", abbrev("SGT")),
    ("Singapore Time", abbrev("SGT")),
    ("Australian Eastern Standard Time", abbrev("AEST")),
    ("Australian Eastern Daylight Time", abbrev("AEDT")),
    (
        "Australian Eastern Time",
        region("Australian Eastern Time", chrono_tz::Australia::Sydney),
    ),
    ("New Zealand Standard Time", abbrev("NZST")),
    ("New Zealand Daylight Time", abbrev("NZDT")),
    ("Brasilia Time", abbrev("BRT")),
    ("Hawaii Standard Time", abbrev("HST")),
];

/// An abbreviation of [`ABBREVIATIONS`] as a zone, at compile time.
const fn abbrev(name: &'static str) -> WrittenZone {
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        if const_eq(ABBREVIATIONS[i].0, name) {
            return WrittenZone::Abbrev {
                name,
                offset: ABBREVIATIONS[i].1,
            };
        }
        i += 1;
    }
    panic!("not in ABBREVIATIONS")
}

const fn region(name: &'static str, tz: Tz) -> WrittenZone {
    WrittenZone::Region { name, tz }
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a capitalised word can open one of the [`NAMES`]: the quick
/// test that keeps [`lookup_name`] cheap for the words that cannot (the
/// lexer and the time-first reader ask it of every capitalised word).
fn opens_name(word: &str) -> bool {
    matches!(
        word,
        "Pacific"
            | "Mountain"
            | "Central"
            | "Eastern"
            | "Western"
            | "British"
            | "Greenwich"
            | "Coordinated"
            | "India"
            | "Japan"
            | "Korea"
            | "Singapore"
            | "Australian"
            | "New"
            | "Brasilia"
            | "Hawaii"
    )
}

/// The zone whose name `text` opens with, and the name's length in `text`:
/// its first word as written (capitalised), the others in any case, words
/// apart by any run of spaces, and a whole word at its end ("Pacific
/// Timezone" is no name).
pub fn lookup_name(text: &str) -> Option<(WrittenZone, usize)> {
    let first = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if !opens_name(&text[..first]) {
        return None;
    }
    NAMES.iter().find_map(|&(name, zone)| {
        let mut at = 0;
        for (k, word) in name.split(' ').enumerate() {
            if k > 0 {
                let spaces = text[at..].bytes().take_while(|b| *b == b' ').count();
                if spaces == 0 {
                    return None;
                }
                at += spaces;
            }
            let here = text.get(at..at + word.len())?;
            let same = if k == 0 {
                here == word
            } else {
                here.eq_ignore_ascii_case(word)
            };
            if !same {
                return None;
            }
            at += word.len();
        }
        let whole = !text
            .as_bytes()
            .get(at)
            .is_some_and(u8::is_ascii_alphanumeric);
        whole.then_some((zone, at))
    })
}

/// `CET/CEST`, `EST/EDT`: a zone's standard and daylight abbreviations
/// written together name the zone whose clocks change between them (the
/// first alone would be an hour off half the year).
pub fn daylight_pair(first: &str, second: &str) -> Option<WrittenZone> {
    use chrono_tz::{America, Australia, Europe, Pacific};
    const PAIRS: [(&str, &str, &str, Tz); 10] = [
        ("CET", "CEST", "CET/CEST", Europe::Berlin),
        ("WET", "WEST", "WET/WEST", Europe::Lisbon),
        ("EET", "EEST", "EET/EEST", Europe::Athens),
        ("GMT", "BST", "GMT/BST", Europe::London),
        ("EST", "EDT", "ET", America::New_York),
        ("CST", "CDT", "CT", America::Chicago),
        ("MST", "MDT", "MT", America::Denver),
        ("PST", "PDT", "PT", America::Los_Angeles),
        ("AEST", "AEDT", "AEST/AEDT", Australia::Sydney),
        ("NZST", "NZDT", "NZST/NZDT", Pacific::Auckland),
    ];
    PAIRS
        .iter()
        .find(|(a, b, _, _)| (first, second) == (*a, *b) || (first, second) == (*b, *a))
        .map(|&(_, _, name, tz)| region(name, tz))
}

/// `Pacific`, `Eastern`, `Central`, `Mountain` alone (in parentheses after
/// a time, `6:30 PM (Eastern)`): the region's time, as `Pacific Time`.
pub fn region_word(word: &str) -> Option<WrittenZone> {
    let name = match word {
        "Pacific" => "Pacific Time",
        "Eastern" => "Eastern Time",
        "Central" => "Central Time",
        "Mountain" => "Mountain Time",
        _ => return None,
    };
    lookup_name(name).map(|(z, _)| z)
}

/// Reads a word as a zone. Only the upper-case spelling counts, so ordinary
/// words ("art", "est") in titles never turn into zones.
pub fn lookup(word: &str) -> Option<WrittenZone> {
    if let Some(&(name, offset)) = ABBREVIATIONS.iter().find(|(n, _)| *n == word) {
        return Some(WrittenZone::Abbrev { name, offset });
    }
    REGIONS
        .iter()
        .find(|(n, _)| *n == word)
        .map(|&(name, tz)| WrittenZone::Region { name, tz })
}

/// Parses the part after `UTC`/`GMT`: `+2`, `-07:00`, `+0530`, `+5:30`.
pub fn parse_offset(text: &str) -> Option<i32> {
    let (sign, rest) = match text.chars().next()? {
        '+' => (1, &text[1..]),
        '-' => (-1, &text[1..]),
        '\u{2212}' => (-1, &text['\u{2212}'.len_utf8()..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if h > 14 || m > 59 || (rest.len() > 5) {
        return None;
    }
    Some(sign * (h * H + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_offsets() {
        assert_eq!(
            lookup("CEST"),
            Some(WrittenZone::Abbrev {
                name: "CEST",
                offset: 7200
            })
        );
        assert_eq!(lookup("cest"), None);
        assert!(matches!(lookup("ET"), Some(WrittenZone::Region { .. })));
        assert_eq!(parse_offset("+2"), Some(7200));
        assert_eq!(parse_offset("-07:00"), Some(-25200));
        assert_eq!(parse_offset("+0530"), Some(19800));
        assert_eq!(parse_offset("+99"), None);
        assert_eq!(format_offset(-25200), "UTC-07:00");
    }

    #[test]
    fn an_ambiguous_abbreviation_takes_the_reading_the_post_s_zone_has() {
        let cst = lookup("CST").unwrap();
        assert!(is_ambiguous(cst) && !is_ambiguous(lookup("CET").unwrap()));
        // China's +8; Cuba's -5 is no reading almanac knows; US Central stays.
        assert_eq!(
            reading_at(cst, 8 * H),
            WrittenZone::Abbrev {
                name: "CST",
                offset: 8 * H
            }
        );
        assert_eq!(reading_at(cst, -5 * H), cst);
        let ist = lookup("IST").unwrap();
        assert_eq!(
            reading_at(ist, H),
            WrittenZone::Abbrev {
                name: "IST",
                offset: H
            }
        );
        // A zone with one reading is never re-read.
        let cet = lookup("CET").unwrap();
        assert_eq!(reading_at(cet, 2 * H), cet);
    }

    #[test]
    fn names_written_out() {
        // A region's name alone, as in `6:30 PM (Eastern)`.
        assert!(matches!(
            region_word("Eastern"),
            Some(WrittenZone::Region { name: "ET", .. })
        ));
        assert!(region_word("eastern").is_none() && region_word("Atlantic").is_none());
        let cest = Some((abbrev("CEST"), 28));
        assert_eq!(lookup_name("Central European Summer Time."), cest);
        assert_eq!(lookup_name("Central European summer time"), cest);
        assert!(matches!(
            lookup_name("Pacific  Time, online"),
            Some((WrittenZone::Region { name: "PT", .. }, 13))
        ));
        assert!(matches!(
            lookup_name("Central European Time"),
            Some((
                WrittenZone::Region {
                    tz: chrono_tz::Europe::Berlin,
                    ..
                },
                21
            ))
        ));
        assert_eq!(
            lookup_name("Eastern Standard Time").map(|(z, _)| z.label()),
            Some("EST".to_string())
        );
        assert_eq!(lookup_name("Pacific Timezone"), None);
        assert_eq!(lookup_name("Pacific Northwest"), None);
        assert_eq!(lookup_name("central time"), None);
        assert_eq!(lookup_name("Central"), None);
        for (name, _) in NAMES {
            assert!(
                opens_name(name.split(' ').next().unwrap_or_default()),
                "{name}"
            );
        }
    }
}
