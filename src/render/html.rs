//! Events → the index page: plain HTML and CSS, no JavaScript.
//!
//! Lists events newest first; each with its talks grouped by day in the
//! event's local time, and subscribe links that the common calendar apps
//! accept (webcal, Google Calendar, Outlook). Feed discovery goes in `<head>`.

use std::fmt::Write;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::config::Config;
use crate::event::Event;
use crate::output::Output;
use crate::talk::Talk;

/// Writes HTML-escaped text.
fn esc(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = escape_html(&mut *out, text);
}

fn esc_attr(out: &mut String, url: &str) {
    let _ = escape_href(&mut *out, url);
}

/// `webcal://host/path` for `http(s)://host/path`.
pub fn webcal(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.to_string(),
    }
}

/// Subscribe links for a calendar URL: (label, href).
pub fn subscribe_links(url: &str, name: &str) -> Vec<(&'static str, String)> {
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    vec![
        ("Apple / Thunderbird (webcal)", webcal(url)),
        (
            "Google Calendar",
            format!(
                "https://calendar.google.com/calendar/r?cid={}",
                enc(&webcal(url))
            ),
        ),
        (
            "Outlook",
            format!(
                "https://outlook.live.com/calendar/0/addfromweb?url={}&name={}",
                enc(url),
                enc(name)
            ),
        ),
    ]
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;color:#1b1b1b;background:#fff}\
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2.5rem;border-top:1px solid #ddd;padding-top:1rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}\
ul{padding-left:1.2rem}li{margin:.35rem 0}.when{font-variant-numeric:tabular-nums;white-space:nowrap}.meta{color:#555;font-size:.9rem}\
nav a,.subscribe a{display:inline-block;margin:.15rem .6rem .15rem 0}a{color:#0645ad}\
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}a{color:#8ab4f8}.meta{color:#aaa}h2{border-color:#333}}";

/// The events the page lists: the newest `limit`, newest first by the start
/// of their first talk (`key` gives it and the slug, which breaks ties),
/// and how many older ones are left out.
pub fn shown<T>(
    events: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> (chrono::DateTime<chrono::Utc>, &str),
) -> (Vec<T>, usize) {
    let hidden = events.len().saturating_sub(limit);
    let shown = super::first_in_order(events, limit, |a, b| {
        let (a, b) = (key(a), key(b));
        b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
    });
    (shown, hidden)
}

/// The whole page: the [`section`]s of the [`shown`] events, and a line for
/// the `hidden` ones.
pub fn index(sections: &[impl AsRef<str>], hidden: usize, config: &Config) -> String {
    let base = &config.public_url;
    let mut o = String::with_capacity(64 * 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    esc(&mut o, &config.title);
    o.push_str("</title>\n");
    let feeds = [
        (Output::Rss, "RSS"),
        (Output::Atom, "Atom"),
        (Output::JsonFeed, "JSON Feed"),
    ];
    for (feed, label) in feeds {
        let kind = feed.content_type().split(';').next().unwrap_or_default();
        let _ = write!(o, "<link rel=\"alternate\" type=\"{kind}\" title=\"");
        esc(&mut o, &format!("{} ({label})", config.title));
        o.push_str("\" href=\"");
        esc_attr(&mut o, &feed.url(base));
        o.push_str("\">\n");
    }
    let _ = write!(o, "<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>");
    esc(&mut o, &config.title);
    o.push_str("</h1>\n<p>");
    esc(&mut o, &config.description);
    o.push_str("</p>\n<nav><strong>All talks:</strong> ");
    subscribe(&mut o, &Output::AllTalks.url(base), &config.title);
    let _ = write!(
        o,
        " <a href=\"{}\">Download .ics</a><br><strong>Feeds:</strong>",
        Output::AllTalks
    );
    for (feed, label) in feeds {
        let _ = write!(o, " <a href=\"{feed}\">{label}</a>");
    }
    o.push_str("</nav>\n</header>\n<main>\n");
    for s in sections {
        o.push_str(s.as_ref());
    }
    if sections.is_empty() {
        o.push_str("<p>No talks yet.</p>\n");
    }
    if hidden > 0 {
        let _ = writeln!(
            o,
            "<p class=\"meta\">{hidden} older events are in the calendar of all talks and in the feeds.</p>"
        );
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

fn subscribe(o: &mut String, url: &str, name: &str) {
    o.push_str("<span class=\"subscribe\">");
    for (label, href) in subscribe_links(url, name) {
        o.push_str("<a href=\"");
        esc_attr(o, &href);
        o.push_str("\">");
        esc(o, label);
        o.push_str("</a>");
    }
    o.push_str("</span>");
}

/// An event's part of the page: its talks by day, with subscribe links.
pub fn section(ev: &Event, config: &Config) -> String {
    let mut o = String::with_capacity(512 * (1 + ev.talks.len()));
    event_section(&mut o, ev, config);
    o
}

fn event_section(o: &mut String, ev: &Event, config: &Config) {
    let slug = &ev.post.slug;
    let _ = write!(o, "<section id=\"{}\">\n<h2><a href=\"", slug);
    esc_attr(o, &format!("{}{}", config.site_url, ev.post.url_path));
    o.push_str("\">");
    esc(o, &ev.post.title);
    o.push_str("</a></h2>\n<p class=\"meta\">");
    if let Some(loc) = ev.talks.first().and_then(|t| t.location.as_deref()) {
        esc(o, loc);
        o.push_str(" · ");
    }
    let _ = write!(o, "{} talks</p>\n<p>", ev.talks.len());
    let calendar = Output::Event(slug);
    subscribe(o, &calendar.url(&config.public_url), &ev.post.title);
    let _ = writeln!(o, " <a href=\"{calendar}\">Download .ics</a></p>");
    let mut talks: Vec<&Talk> = ev.talks.iter().collect();
    talks.sort_by(|a, b| {
        a.when
            .start
            .cmp(&b.when.start)
            .then_with(|| a.line.cmp(&b.line))
    });
    let mut day = None;
    for t in talks {
        let d = t.when.start_local.date();
        if day != Some(d) {
            if day.is_some() {
                o.push_str("</ul>\n");
            }
            let _ = write!(o, "<h3>{}</h3>\n<ul>\n", d.format("%A, %B %-d, %Y"));
            day = Some(d);
        }
        let _ = write!(
            o,
            "<li><span class=\"when\">{}–{} {}</span> <a href=\"",
            t.when.start_local.format("%H:%M"),
            t.when.end_local.format("%H:%M"),
            t.when.zone.label(t.when.start)
        );
        esc_attr(o, &t.url);
        o.push_str("\">");
        esc(o, &t.title);
        o.push_str("</a>");
        let speakers = t.speakers_text();
        if !speakers.is_empty() {
            o.push_str(" <span class=\"meta\">");
            esc(o, &speakers);
            o.push_str("</span>");
        }
        let talk = Output::Talk {
            event: slug,
            talk: &t.slug,
        };
        let _ = writeln!(o, " <a class=\"meta\" href=\"{talk}\">.ics</a></li>");
    }
    if day.is_some() {
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}
