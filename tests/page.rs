//! The index page as a person sees it: headless Chromium (Debian's
//! `chromium`) renders it at phone width and saves a screenshot to
//! `target/screenshots/index.png`; every link on the page that points at
//! almanac resolves, and the subscribe links are well formed.

mod common;

use std::process::Command;

use common::*;

fn chromium(args: &[&str], profile: &std::path::Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium (Debian's package) runs; tests/run.sh installs it")
}

/// Every `href="…"` in the page.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

#[test]
fn the_page_renders_and_its_links_resolve() {
    let d = Daemon::start(
        Some(&repo().join("seeds")),
        &std::fs::read_to_string(repo().join("almanac.yaml")).unwrap(),
    );
    let url = format!("http://{}/", d.addr);
    let profile = tempfile::tempdir().unwrap();

    // The DOM after Chromium parsed it: every event and a known talk are there.
    let dom = chromium(&["--dump-dom", &url], profile.path());
    let dom_text = text(&dom.stdout);
    assert!(
        dom_text.contains("Cilium Talks at KubeCon NA 2024"),
        "{}",
        text(&dom.stderr)
    );
    assert!(
        dom_text.contains("Tuesday, November 12, 2024"),
        "talks grouped by day"
    );
    assert!(
        dom_text.contains("09:00–09:10 MST"),
        "local times with their zone"
    );

    let shots = repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let png = shots.join("index.png");
    let _ = std::fs::remove_file(&png);
    let shot = chromium(
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=412,1800",
            &url,
        ],
        profile.path(),
    );
    let bytes =
        std::fs::read(&png).unwrap_or_else(|_| panic!("no screenshot: {}", text(&shot.stderr)));
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "screenshot of {} bytes",
        bytes.len()
    );

    let page = d.get("/").text();
    assert!(page.contains("<link rel=\"alternate\" type=\"application/rss+xml\""));
    assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
    let links = hrefs(&page);
    let local: Vec<&String> = links.iter().filter(|h| !h.contains("://")).collect();
    assert!(local.len() > 90, "{} local links", local.len());
    for h in local {
        let r = d.get(&format!("/{h}"));
        assert_eq!(r.status, 200, "{h}");
    }
    let subscribe: Vec<&String> = links
        .iter()
        .filter(|h| h.starts_with("webcal://"))
        .collect();
    assert!(
        subscribe.len() >= 6,
        "webcal links for the events and the whole calendar"
    );
    for h in subscribe {
        // webcal:// is the http URL of a calendar almanac serves.
        let path = h.trim_start_matches("webcal://").split_once('/').unwrap().1;
        assert_eq!(d.get(&format!("/{path}")).status, 200, "{h}");
    }
    assert!(
        links
            .iter()
            .any(|h| h.starts_with("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F"))
    );
    assert!(links.iter().any(|h| {
        h.starts_with("https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2F")
    }));
}
