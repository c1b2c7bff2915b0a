//! Every file almanac publishes, named once: an [`Output`] knows its path
//! (under `out/` and in the URL, which are the same), its content type and
//! how long clients may cache it. The renderers, the writer of `out/`, the
//! page's links and the HTTP lookup all go through it, so a layout change is
//! made here and nowhere else.

use std::fmt;

/// One published file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output<'a> {
    /// `index.html`, the page (also `/`).
    Index,
    /// `calendar.ics`: the newest talks of every event.
    AllTalks,
    /// `rss.xml`.
    Rss,
    /// `atom.xml`.
    Atom,
    /// `feed.json` (JSON Feed 1.1).
    JsonFeed,
    /// `events/<slug>.ics`: one event's talks.
    Event(&'a str),
    /// `events/<event>/<talk>.ics`: one talk.
    Talk { event: &'a str, talk: &'a str },
    /// `events/<event>/schedule.xml` (frab) or `schedule.json` (C3VOC):
    /// one event's schedule for conference apps.
    Schedule { event: &'a str, json: bool },
    /// `tracks/<slug>.ics`: the newest talks of one track, across events.
    Track(&'a str),
    /// `tags/<slug>/rss.xml` and the like: the newest posts with one tag
    /// or category, in one feed format.
    Term {
        taxonomy: Taxonomy,
        term: &'a str,
        feed: Feed,
    },
    /// `my.ics?talks=ID,…`: the talks a subscriber chose. Made on request
    /// only (there is no file: its content is in the query).
    Mine,
}

/// How posts are grouped for feeds of their own, as Hugo and Zola do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Taxonomy {
    Tags,
    Categories,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 2] = [Taxonomy::Tags, Taxonomy::Categories];

    /// Its folder under `out/` (and in URLs).
    pub fn folder(&self) -> &'static str {
        match self {
            Taxonomy::Tags => "tags",
            Taxonomy::Categories => "categories",
        }
    }

    /// Its name, in the singular.
    pub fn singular(&self) -> &'static str {
        match self {
            Taxonomy::Tags => "tag",
            Taxonomy::Categories => "category",
        }
    }
}

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feed {
    Rss,
    Atom,
    Json,
}

impl Feed {
    pub const ALL: [Feed; 3] = [Feed::Rss, Feed::Atom, Feed::Json];

    /// Its file name, the same as the site's feed's.
    pub fn file(&self) -> &'static str {
        match self {
            Feed::Rss => "rss.xml",
            Feed::Atom => "atom.xml",
            Feed::Json => "feed.json",
        }
    }

    /// The site's own feed in this format.
    pub fn site(&self) -> Output<'static> {
        match self {
            Feed::Rss => Output::Rss,
            Feed::Atom => Output::Atom,
            Feed::Json => Output::JsonFeed,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Feed::Rss => "RSS",
            Feed::Atom => "Atom",
            Feed::Json => "JSON Feed",
        }
    }
}

/// The outputs made from every post, in the order they are built.
pub const SHARED: [Output<'static>; 5] = [
    Output::AllTalks,
    Output::Rss,
    Output::Atom,
    Output::JsonFeed,
    Output::Index,
];

impl<'a> Output<'a> {
    /// The output at a URL path or a path under `out/` (`/` and `""` are the
    /// page). Only names are parsed; nothing is joined to a file system path,
    /// so `..` and the like are simply no output.
    pub fn parse(path: &'a str) -> Option<Output<'a>> {
        let p = path.strip_prefix('/').unwrap_or(path);
        let name = |s: &'a str| s.strip_suffix(".ics").filter(|s| is_name(s));
        if let Some(rest) = p.strip_prefix("tracks/") {
            return Some(Output::Track(name(rest)?));
        }
        if p == "my.ics" {
            return Some(Output::Mine);
        }
        for taxonomy in Taxonomy::ALL {
            let Some(rest) = p
                .strip_prefix(taxonomy.folder())
                .and_then(|r| r.strip_prefix('/'))
            else {
                continue;
            };
            let (term, file) = rest.split_once('/')?;
            let feed = Feed::ALL.into_iter().find(|f| f.file() == file)?;
            return is_name(term).then_some(Output::Term {
                taxonomy,
                term,
                feed,
            });
        }
        if let Some(rest) = p.strip_prefix("events/") {
            return match rest.split_once('/') {
                None => Some(Output::Event(name(rest)?)),
                Some((event, "schedule.xml" | "schedule.json")) if is_name(event) => {
                    Some(Output::Schedule {
                        event,
                        json: rest.ends_with(".json"),
                    })
                }
                Some((event, talk)) if is_name(event) => Some(Output::Talk {
                    event,
                    talk: name(talk)?,
                }),
                Some(_) => None,
            };
        }
        SHARED
            .into_iter()
            .find(|o| o.shared_name() == Some(p))
            .or((p.is_empty()).then_some(Output::Index))
    }

    /// The name of a shared output.
    fn shared_name(&self) -> Option<&'static str> {
        Some(match self {
            Output::Index => "index.html",
            Output::AllTalks => "calendar.ics",
            Output::Rss => "rss.xml",
            Output::Atom => "atom.xml",
            Output::JsonFeed => "feed.json",
            Output::Event(_)
            | Output::Talk { .. }
            | Output::Track(_)
            | Output::Term { .. }
            | Output::Schedule { .. }
            | Output::Mine => {
                return None;
            }
        })
    }

    /// Whether it is a calendar (filters and reminders apply).
    pub fn is_calendar(&self) -> bool {
        self.content_type().starts_with("text/calendar")
    }

    /// The path under `out/`, which is also the URL path without its `/`.
    pub fn path(&self) -> String {
        self.to_string()
    }

    /// The folder of an event's talk calendars, under `out/`.
    pub fn talks_folder(event: &str) -> String {
        format!("{}/{event}", Output::EVENTS)
    }

    /// The folder of the events' calendars and of their talks' folders.
    pub const EVENTS: &'static str = "events";

    /// The absolute URL under the site's public URL.
    pub fn url(&self, public_url: &str) -> String {
        format!("{public_url}/{self}")
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            Output::Index => "text/html; charset=utf-8",
            Output::AllTalks
            | Output::Event(_)
            | Output::Talk { .. }
            | Output::Track(_)
            | Output::Mine => "text/calendar; charset=utf-8",
            Output::Rss => "application/rss+xml; charset=utf-8",
            Output::Atom => "application/atom+xml; charset=utf-8",
            Output::JsonFeed => "application/feed+json",
            Output::Term { feed, .. } => feed.site().content_type(),
            Output::Schedule { json: false, .. } => "application/xml; charset=utf-8",
            Output::Schedule { json: true, .. } => "application/json",
        }
    }

    /// Calendars and feeds are polled: caches may keep them a few minutes,
    /// then revalidate; the page, read by people, a minute. No `public`: a
    /// response to a request without credentials is cacheable by shared
    /// caches already (RFC 9111 §5.2.2.9).
    pub fn cache_control(&self) -> &'static str {
        match self {
            Output::Index => "max-age=60",
            _ => "max-age=300",
        }
    }
}

impl fmt::Display for Output<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Event(slug) => write!(f, "events/{slug}.ics"),
            Output::Talk { event, talk } => write!(f, "events/{event}/{talk}.ics"),
            Output::Track(slug) => write!(f, "tracks/{slug}.ics"),
            Output::Schedule { event, json } => {
                let ext = if *json { "json" } else { "xml" };
                write!(f, "events/{event}/schedule.{ext}")
            }
            Output::Mine => f.write_str("my.ics"),
            Output::Term {
                taxonomy,
                term,
                feed,
            } => write!(f, "{}/{term}/{}", taxonomy.folder(), feed.file()),
            shared => f.write_str(shared.shared_name().unwrap_or_default()),
        }
    }
}

/// A slug as almanac makes them: not empty, no `/`, not `.` or `..`.
fn is_name(s: &str) -> bool {
    !s.is_empty() && !s.contains('/') && s != "." && s != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_parses_back_from_its_path() {
        let all = [
            Output::Index,
            Output::AllTalks,
            Output::Rss,
            Output::Atom,
            Output::JsonFeed,
            Output::Event("kubecon-eu"),
            Output::Talk {
                event: "kubecon-eu",
                talk: "ebpf-intro",
            },
            Output::Track("cloud-native"),
            Output::Mine,
            Output::Schedule {
                event: "kubecon-eu",
                json: false,
            },
            Output::Schedule {
                event: "kubecon-eu",
                json: true,
            },
            Output::Term {
                taxonomy: Taxonomy::Tags,
                term: "ebpf",
                feed: Feed::Atom,
            },
            Output::Term {
                taxonomy: Taxonomy::Categories,
                term: "community",
                feed: Feed::Json,
            },
        ];
        for o in all {
            assert_eq!(Output::parse(&o.path()), Some(o), "{o}");
            assert_eq!(Output::parse(&format!("/{o}")), Some(o), "{o}");
        }
        assert_eq!(Output::parse("/"), Some(Output::Index));
        assert_eq!(
            Output::Talk {
                event: "e",
                talk: "t"
            }
            .url("https://x.org"),
            "https://x.org/events/e/t.ics"
        );
    }

    #[test]
    fn anything_else_is_no_output() {
        for p in [
            "/events/",
            "/events/.ics",
            "/events/a",
            "/events/a/b",
            "/events/a/b/c.ics",
            "/events/../x.ics",
            "/events/a/...ics",
            "/index.htm",
            "/feed.json.gz",
            "/../calendar.ics",
            "/tracks/.ics",
            "/tracks/a/b.ics",
            "/tracks/a",
            "/my.ics/x",
            "/tags/x/feed.xml",
            "/tags/rss.xml",
            "/categories/a/b/rss.xml",
            "/tags/../rss.xml",
        ] {
            assert_eq!(Output::parse(p), None, "{p}");
        }
    }
}
