//! The zone of a city a post names ("KubeCon Seattle", "Bella Center,
//! Copenhagen"), for posts that write no zone at all: looked up in the
//! embedded GeoNames table ([`cities::CITIES`]).

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono_tz::Tz;

use super::cities::CITIES;

/// Longest city or venue name looked up, in words ("Salt Lake City",
/// "Chaos Communication Congress").
const MAX_WORDS: usize = 3;

/// Events that are held in the same city every time, so that naming them
/// names the city (a reader of "Our talks at FOSDEM" knows it is Brussels).
/// Only events whose venue never moves: not KubeCon or PyCon, which an
/// operator's `events:` rule places year by year.
const VENUES: [(&str, Tz); 5] = [
    ("all things open", chrono_tz::America::New_York),
    ("chaos communication congress", chrono_tz::Europe::Berlin),
    ("devconf.cz", chrono_tz::Europe::Prague),
    ("fosdem", chrono_tz::Europe::Brussels),
    ("scale", chrono_tz::America::Los_Angeles),
];

/// The zone of the first city named in `text` (capitalised words only, so
/// "the nice reading" never reads as places): a post's title or `location`,
/// where a city's name is the venue's.
pub fn zone_in(text: &str) -> Option<Tz> {
    first_city(text, false)
}

/// The zone of the first city a post's prose names as a place. Prose also
/// names people, and many surnames and given names are cities' ("Mei
/// Santos", "Austin Parker, honeycomb.io"): a name that reads as part of a
/// person's is passed over. Taking it would put every talk of the post
/// silently in that city's zone; passing over it leaves the next city named,
/// or the default zone with a warning.
pub fn zone_in_prose(text: &str) -> Option<Tz> {
    first_city(text, true)
}

fn first_city(text: &str, prose: bool) -> Option<Tz> {
    // Word by word, looking ahead only from a capitalised word that begins
    // a city's or a venue's name: this reads the whole text of every post
    // whose title names no city, and most capitalised words begin none.
    let mut words = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '.')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty());
    let mut name = String::new();
    while let Some(word) = words.next() {
        if !word.starts_with(|c: char| c.is_uppercase()) {
            continue;
        }
        lower_into(word, &mut name);
        if !FIRST_WORDS.contains(name.as_str()) && !begins_a_venue(word) {
            continue;
        }
        // This word and the ones after it, as many as the longest name has.
        let mut window = [word; MAX_WORDS];
        let mut len = 1;
        for (slot, next) in window[1..].iter_mut().zip(words.clone()) {
            *slot = next;
            len += 1;
        }
        let window = &window[..len];
        if let Some(tz) = venue_at(window) {
            return Some(tz);
        }
        // Longest name first: "Salt Lake City" before "Salt". A name
        // inside an organisation's ("The New York Times", a speaker's
        // affiliation) names no venue, and neither do its shorter names.
        for n in (1..=len).rev() {
            let name = window[..n].join(" ").to_lowercase();
            if let Ok(k) = CITIES.binary_search_by(|(c, _)| (*c).cmp(name.as_str())) {
                if window
                    .get(n)
                    .is_some_and(|w| ORGANISATION_WORDS.contains(w))
                {
                    break;
                }
                if prose && in_a_persons_name(text, word, window[n - 1]) {
                    break;
                }
                return CITIES[k].1.parse().ok();
            }
        }
    }
    None
}

/// The first word of every city's name, lower case: the one look most
/// capitalised words of a post get.
static FIRST_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    CITIES
        .iter()
        .map(|(c, _)| c.split(' ').next().unwrap_or(c))
        .collect()
});

/// `word` in lower case, into `out` (ASCII without the Unicode tables).
fn lower_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// Whether `word` could open a name of [`VENUES`] (see [`venue_at`]).
fn begins_a_venue(word: &str) -> bool {
    VENUES.iter().any(|(venue, _)| {
        let first = venue.split(' ').next().unwrap_or(venue);
        venue_word(venue, first, word)
    })
}

/// Whether a word of the text is the word `v` of the venue's name `venue`.
fn venue_word(venue: &str, v: &str, word: &str) -> bool {
    match venue {
        "scale" => word == "SCALE",
        _ => word.eq_ignore_ascii_case(v),
    }
}

/// Words that, after a city's name, make it part of an organisation's:
/// newspapers, universities, companies people work for.
const ORGANISATION_WORDS: [&str; 10] = [
    "Times",
    "Post",
    "Tribune",
    "Herald",
    "Journal",
    "University",
    "Life",
    "Stock",
    "Public",
    "Giants",
];

/// Whether the city's name from `first` to `last` (words of `text`) is
/// part of a person's name: right after a word that reads as a given name
/// ("Andrew Santos"), or right before one that reads as a surname and ends
/// a name in a list ("Austin Parker, honeycomb.io", "Sydney Chen & …").
/// A word reads as a name when it is capitalised and the rest lower case,
/// and is not one that names places or events ([`PLACE_WORDS`]): "KubeCon
/// Seattle", "NDC Oslo", "Summit Vienna", "Seattle Convention Center" stay
/// places.
fn in_a_persons_name(text: &str, first: &str, last: &str) -> bool {
    let start = first.as_ptr() as usize - text.as_ptr() as usize;
    let end = last.as_ptr() as usize - text.as_ptr() as usize + last.len();
    let before = text[..start].strip_suffix(' ');
    let given = before.is_some_and(|b| {
        let from = b
            .rfind(|c: char| !c.is_alphabetic())
            .map_or(0, |i| i + b[i..].chars().next().map_or(1, char::len_utf8));
        reads_as_a_name(&b[from..])
    });
    let surname = text[end..].strip_prefix(' ').is_some_and(|a| {
        let to = a.find(|c: char| !c.is_alphabetic()).unwrap_or(a.len());
        let rest = a[to..].trim_start_matches(' ');
        reads_as_a_name(&a[..to])
            && (rest.is_empty() || rest.starts_with([',', ';', '&', ')', '\n', '(']))
    });
    given || surname
}

/// A capitalised word, the rest lower case, of two letters or more, that
/// is not in [`PLACE_WORDS`].
fn reads_as_a_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().nth(1).is_some()
        && chars.all(char::is_lowercase)
        && !PLACE_WORDS.contains(&word)
}

/// Capitalised words that come before or after a city's name in places,
/// events and sentences ("Our Seattle meetup", "Visit Paris"), not in
/// people's names.
const PLACE_WORDS: [&str; 66] = [
    "An",
    "And",
    "Arena",
    "Around",
    "At",
    "Beautiful",
    "Camp",
    "Center",
    "Central",
    "Centre",
    "Chapter",
    "Community",
    "Con",
    "Conf",
    "Conference",
    "Congress",
    "Convention",
    "Day",
    "Days",
    "Downtown",
    "East",
    "Edition",
    "Expo",
    "Fest",
    "Festival",
    "Forum",
    "From",
    "Greater",
    "Group",
    "Hackathon",
    "Hall",
    "Hello",
    "Historic",
    "Hotel",
    "In",
    "Join",
    "Live",
    "Marriott",
    "Meetup",
    "Messe",
    "Metro",
    "Near",
    "Next",
    "North",
    "Office",
    "Old",
    "Online",
    "Our",
    "Palace",
    "See",
    "Sessions",
    "South",
    "Sprint",
    "Summit",
    "Sunny",
    "Symposium",
    "The",
    "This",
    "To",
    "University",
    "Venue",
    "Visit",
    "Welcome",
    "West",
    "Workshop",
    "Your",
];

/// An event of [`VENUES`] named at the start of `words`. "SCALE" (the
/// Southern California Linux Expo) only in capitals, so that "Scale" in a
/// title stays a verb.
fn venue_at(words: &[&str]) -> Option<Tz> {
    VENUES.iter().find_map(|&(venue, tz)| {
        // Word by word, not joined: this is asked at every capitalised
        // word of a post that names no zone.
        let mut named = words.iter();
        let same = venue
            .split(' ')
            .all(|v| named.next().is_some_and(|w| venue_word(venue, v, w)));
        same.then_some(tz)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_named_in_titles_and_prose() {
        let table = [
            ("Ana Diaz, The New York Times; at KubeCon", None),
            (
                "We meet in New York this year",
                Some(chrono_tz::America::New_York),
            ),
            (
                "Knative at KubeCon Seattle",
                Some(chrono_tz::America::Los_Angeles),
            ),
            (
                "Bella Center, Copenhagen, Denmark",
                Some(chrono_tz::Europe::Copenhagen),
            ),
            (
                "Apache OpenDAL™ Beijing Meetup 1st",
                Some(chrono_tz::Asia::Shanghai),
            ),
            (
                "Melbourne AWS User Group #147",
                Some(chrono_tz::Australia::Melbourne),
            ),
            ("Attending FOSDEM 2026", Some(chrono_tz::Europe::Brussels)),
            (
                "Our talks at DevConf.CZ 2025",
                Some(chrono_tz::Europe::Prague),
            ),
            (
                "See you at the 38th Chaos Communication Congress",
                Some(chrono_tz::Europe::Berlin),
            ),
            (
                "Our talks at SCALE 22x",
                Some(chrono_tz::America::Los_Angeles),
            ),
            ("Scale your cluster", None),
            ("our talks this spring, in seattle", None),
            ("Nothing here", None),
        ];
        for (text, want) in table {
            assert_eq!(zone_in(text), want, "{text}");
        }
        // In prose, a city's name that is part of a person's is no venue.
        let seattle = Some(chrono_tz::America::Los_Angeles);
        let prose = [
            ("Cluster Mesh - Joe Ferreira & Adithya Santos, Sony", None),
            ("In this talk, Duffie Santos will share lessons", None),
            (
                "Juraci Kröhling, OllyGarden; Austin Parker, honeycomb.io",
                None,
            ),
            ("Sydney Chen & Liz Rice", None),
            ("Speakers: Mei Kowalski, Andrew Santos", None),
            ("Mei Santos presents; we meet in Seattle", seattle),
            ("Come to KubeCon Seattle", seattle),
            ("See you at the Seattle Convention Center, Hall 4", seattle),
            ("Our Seattle Meetup, every month", seattle),
            ("Greater Seattle users", seattle),
            ("kicks off in Seattle, WA", seattle),
            ("Seattle Center: room 2", seattle),
            ("NDC Oslo", Some(chrono_tz::Europe::Oslo)),
            ("Summit Vienna", Some(chrono_tz::Europe::Vienna)),
        ];
        for (text, want) in prose {
            assert_eq!(zone_in_prose(text), want, "{text}");
        }
        // A title names the venue: the same words there are a place.
        assert_eq!(
            zone_in("Adithya Santos, Sony"),
            Some(chrono_tz::America::Sao_Paulo)
        );
        assert!(PLACE_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            CITIES.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for binary search"
        );
        // The look-ahead is `MAX_WORDS` long: every venue fits in it
        // (longer city names, "Ang Mo Kio New Town", are not looked up).
        assert!(
            VENUES
                .iter()
                .all(|(v, _)| v.split(' ').count() <= MAX_WORDS)
        );
        // A name at the very end of the text, shorter than the look-ahead.
        assert_eq!(
            zone_in("Salt Lake City"),
            zone_in("in Salt Lake City, Utah")
        );
        assert!(zone_in("Salt Lake City").is_some());
    }
}
