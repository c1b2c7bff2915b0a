//! Events → the index page, where a reader picks what to follow.
//!
//! Lists events newest first; each with its talks grouped by day in the
//! event's local time (labelled with its zone), and subscribe links that the
//! common calendar apps accept (webcal, Google Calendar, Outlook). Feed
//! discovery goes in `<head>`.
//!
//! Without JavaScript everything works as forms and links: the filter form
//! opens the filtered calendar, the tick boxes submit to `/my.ics`, every
//! talk has its `.ics` and "add to Google / Outlook" links. With it (one
//! inline script, [`SCRIPT`]; no external assets), the filter narrows the
//! list and turns the subscribe links into the filtered calendar's, the
//! ticked talks get subscribe links of their own, the choice is kept in the
//! page's URL (to bookmark and share), and times switch to the reader's
//! zone and back.

use std::fmt::Write;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::config::Config;
use crate::event::Event;
use crate::facets::{TalkId, fold};
use crate::output::{Feed, Output, Taxonomy};
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
.term{white-space:nowrap;margin-right:.6rem}form,.pick{margin:.6rem 0}label{margin-right:.8rem;white-space:nowrap}input[type=search],select{font:inherit;max-width:14rem}\
button{font:inherit;padding:.2rem .6rem}li.talk input{margin-right:.4rem}code.id{font-size:.8rem;color:#555}\
:focus-visible{outline:3px solid #0645ad;outline-offset:2px}\
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}a{color:#8ab4f8}.meta,code.id{color:#aaa}h2{border-color:#333}}";

/// The page's behaviour when JavaScript runs (see the module's documentation).
const SCRIPT: &str = include_str!("page.js");

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

/// The whole page: the pickers, the [`section`]s of the [`shown`] events
/// (`tracks`: theirs, sorted), a line for the `hidden` ones, and the feeds
/// of each tag and category (`terms`: taxonomy, name, slug).
pub fn index(
    sections: &[impl AsRef<str>],
    hidden: usize,
    tracks: &[&str],
    terms: &[(Taxonomy, &str, &str)],
    config: &Config,
) -> String {
    let base = &config.public_url;
    // The sections are most of it: made to measure, not grown by doubling
    // (a big site's page is megabytes).
    let mut o =
        String::with_capacity(64 * 1024 + sections.iter().map(|s| s.as_ref().len()).sum::<usize>());
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
    for (taxonomy, name, slug) in terms {
        for feed in Feed::ALL {
            let output = Output::Term {
                taxonomy: *taxonomy,
                term: slug,
                feed,
            };
            let kind = output.content_type().split(';').next().unwrap_or_default();
            let _ = write!(o, "<link rel=\"alternate\" type=\"{kind}\" title=\"");
            esc(
                &mut o,
                &format!(
                    "{} — {} {name} ({})",
                    config.title,
                    taxonomy.singular(),
                    feed.label()
                ),
            );
            o.push_str("\" href=\"");
            esc_attr(&mut o, &output.url(base));
            o.push_str("\">\n");
        }
    }
    let _ = write!(o, "<style>{STYLE}</style>\n</head>\n<body data-base=\"");
    esc_attr(&mut o, base);
    o.push_str("\" data-title=\"");
    esc(&mut o, &config.title);
    o.push_str("\">\n<header>\n<h1>");
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
    for taxonomy in Taxonomy::ALL {
        let mine: Vec<_> = terms.iter().filter(|t| t.0 == taxonomy).collect();
        if mine.is_empty() {
            continue;
        }
        let _ = write!(o, "<br><strong>Feeds by {}:</strong>", taxonomy.singular());
        for (_, name, slug) in mine {
            o.push_str(" <span class=\"term\">");
            esc(&mut o, name);
            for feed in Feed::ALL {
                let output = Output::Term {
                    taxonomy,
                    term: slug,
                    feed,
                };
                let _ = write!(o, " <a href=\"{output}\">{}</a>", feed.label());
            }
            o.push_str("</span>");
        }
    }
    o.push_str("</nav>\n");
    pickers(&mut o, tracks);
    o.push_str("</header>\n<main>\n");
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
    let _ = write!(o, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    o
}

/// The filter form (a filtered calendar without JavaScript; a narrowed list
/// with it), the form the tick boxes belong to (`/my.ics`), and the switch
/// of time zones (shown only when the script runs).
fn pickers(o: &mut String, tracks: &[&str]) {
    o.push_str("<form id=\"filter\" class=\"pick\" action=\"calendar.ics\" method=\"get\" role=\"search\" aria-label=\"Filter talks\">\n");
    o.push_str("<label>Track <select name=\"track\"><option value=\"\">Any</option>");
    for t in tracks {
        o.push_str("<option>");
        esc(o, t);
        o.push_str("</option>");
    }
    o.push_str("</select></label>\n<label>Speaker <input type=\"search\" name=\"speaker\" autocomplete=\"off\"></label>\n<label>Text <input type=\"search\" name=\"q\" autocomplete=\"off\"></label>\n<button type=\"submit\">Calendar of these talks</button>\n</form>\n");
    o.push_str("<p id=\"filtered\" hidden><strong>These talks</strong> (<span id=\"shown\" aria-live=\"polite\"></span>): ");
    picked_links(o, "filtered-links");
    o.push_str("</p>\n<form id=\"mine\" class=\"pick\" action=\"my.ics\" method=\"get\" aria-label=\"Ticked talks\">\n<button type=\"submit\">Calendar of the ticked talks</button>\n</form>\n");
    o.push_str("<p id=\"chosen\" hidden><strong>Ticked talks</strong> (<span id=\"ticked\" aria-live=\"polite\"></span>): ");
    picked_links(o, "chosen-links");
    o.push_str("</p>\n<p class=\"pick\"><button id=\"zone\" type=\"button\" aria-pressed=\"false\" hidden>Show times in my time zone</button></p>\n");
}

/// Subscribe links the script fills in for a calendar made on request.
fn picked_links(o: &mut String, id: &str) {
    let _ = write!(o, "<span class=\"subscribe\" id=\"{id}\">");
    for (class, label) in [
        ("webcal", "Apple / Thunderbird (webcal)"),
        ("google", "Google Calendar"),
        ("outlook", "Outlook"),
        ("download", "Download .ics"),
    ] {
        let _ = write!(o, "<a class=\"{class}\" href=\"#\">{label}</a>");
    }
    o.push_str("</span>");
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
        talk_item(o, t, slug);
    }
    if day.is_some() {
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

/// One talk: its tick box, time (in its own zone, with the UTC instants the
/// script converts from), title, speakers, and its links.
fn talk_item(o: &mut String, t: &Talk, event: &str) {
    let id = TalkId::of(&t.uid).to_string();
    let speakers: Vec<String> = t.speakers.iter().map(|s| fold(&s.name)).collect();
    o.push_str("<li class=\"talk\" data-track=\"");
    esc(o, t.track.as_deref().unwrap_or_default());
    o.push_str("\" data-speakers=\"");
    esc(o, &speakers.join("|"));
    let _ = write!(
        o,
        "\"><input type=\"checkbox\" name=\"talks\" value=\"{id}\" form=\"mine\" id=\"t-{id}\" aria-labelledby=\"w-{id} n-{id}\"><label for=\"t-{id}\" id=\"w-{id}\" class=\"when\"><time datetime=\"{}\" data-end=\"{}\">{}–{} {}</time></label> <a id=\"n-{id}\" href=\"",
        t.when.start.format("%Y-%m-%dT%H:%M:%SZ"),
        t.when.end.format("%Y-%m-%dT%H:%M:%SZ"),
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
        event,
        talk: &t.slug,
    };
    let _ = write!(
        o,
        " <span class=\"meta\"><a href=\"{talk}\">.ics</a> <a href=\""
    );
    esc_attr(o, &add_to_google(t));
    o.push_str("\">Google</a> <a href=\"");
    esc_attr(o, &add_to_outlook(t));
    let _ = writeln!(
        o,
        "\">Outlook</a> <code class=\"id\" title=\"Talk ID\">{id}</code></span></li>"
    );
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// Google Calendar's "add event" link (times in UTC). Title, times and
/// place only: the page lists a hundred events of twenty talks, and a
/// description with the talk's link would make it a third bigger (and
/// slower to make on every edit).
fn add_to_google(t: &Talk) -> String {
    let at = |d: chrono::DateTime<chrono::Utc>| d.format("%Y%m%dT%H%M%SZ").to_string();
    let mut url = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}",
        enc(&t.title),
        at(t.when.start),
        at(t.when.end),
    );
    if let Some(loc) = &t.location {
        url.push_str(&format!("&location={}", enc(loc)));
    }
    url
}

/// Outlook's "new event" link (times in UTC).
fn add_to_outlook(t: &Talk) -> String {
    let at = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut url = format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}",
        enc(&t.title),
        enc(&at(t.when.start)),
        enc(&at(t.when.end)),
    );
    if let Some(loc) = &t.location {
        url.push_str(&format!("&location={}", enc(loc)));
    }
    url
}
