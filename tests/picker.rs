//! The page as the place to pick what to follow, driven in real Chromium
//! (Debian's `chromium` and `chromedriver`) through WebDriver: filter by a
//! track, tick two talks, follow the webcal link's https form and check the
//! calendar holds exactly those two; switch zones and check a time; then,
//! with JavaScript off, check that every link of the page resolves and the
//! forms still give the calendars. Screenshots go to `target/screenshots/`.

mod common;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// `chromedriver` on a free port, killed when dropped. Chromium inherits
/// its environment: `TZ` sets the reader's zone.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(tz: &str) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env("TZ", tz)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver) runs; tests/run.sh installs it");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, url }
    }

    async fn browser(&self, javascript: bool, profile: &std::path::Path) -> Client {
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--window-size=1100,1400", "--lang=en-US",
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        if !javascript {
            options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A property of the element `at` finds (`href` and `action` as the browser
/// resolved them, or an attribute's value).
async fn property(c: &Client, at: Locator<'_>, name: &str) -> String {
    c.find(at)
        .await
        .unwrap_or_else(|e| panic!("{at:?}: {e}"))
        .prop(name)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{at:?} has no {name}"))
}

fn screenshot(name: &str, png: &[u8]) {
    let dir = repo().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// The UIDs of a calendar's events.
fn uids(ics: &str) -> BTreeSet<String> {
    ics.replace("\r\n ", "")
        .lines()
        .filter_map(|l| l.strip_prefix("UID:"))
        .map(str::to_string)
        .collect()
}

/// The daemon's path and query of one of its absolute URLs (the page's
/// links use the configured public URL; the test daemon listens elsewhere).
fn local(url: &str) -> String {
    let url = url.split('#').next().unwrap_or_default();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    format!("/{}", rest.split_once('/').map_or("", |(_, p)| p))
}

fn seeds_daemon() -> Daemon {
    let config = std::fs::read_to_string(repo().join("almanac.yaml")).unwrap();
    let d = Daemon::start(Some(&repo().join("seeds")), &config);
    d.wait_for("/", "the first build", |r| r.status == 200);
    d
}

const TRACK: &str = "Cilium + eBPF Day 2024";

#[tokio::test(flavor = "multi_thread")]
async fn pick_talks_in_a_real_browser() {
    let d = seeds_daemon();
    let page = format!("http://{}/", d.addr);
    let driver = Driver::start("Asia/Tokyo");
    let profile = tempfile::tempdir().unwrap();
    let c = driver.browser(true, profile.path()).await;
    c.goto(&page).await.unwrap();
    // The script shows the zone switch once it runs.
    let zone = c
        .wait()
        .for_element(Locator::Css("#zone:not([hidden])"))
        .await
        .unwrap();

    // Filter by a track: only its talks stay listed.
    c.find(Locator::Css("select[name=track]"))
        .await
        .unwrap()
        .select_by_label(TRACK)
        .await
        .unwrap();
    let visible = c
        .execute(
            "return [...document.querySelectorAll('li.talk')].filter(li => !li.hidden).map(li => li.querySelector('input').value)",
            vec![],
        )
        .await
        .unwrap();
    let visible: Vec<String> = serde_json::from_value(visible).unwrap();
    let track_calendar = d.get("/calendar.ics?track=cilium-ebpf-day-2024").text();
    assert_eq!(
        visible.len(),
        uids(&track_calendar).len(),
        "the list is the track's talks"
    );
    assert!(visible.len() > 2);
    // The subscribe links are now the filtered calendar's.
    let filtered = property(&c, Locator::Css("#filtered-links a.webcal"), "href").await;
    assert!(filtered.starts_with("webcal://"), "{filtered}");
    let filtered = d.get(&local(&filtered));
    assert_eq!(filtered.status, 200);
    assert_eq!(uids(&filtered.text()), uids(&track_calendar));

    // Tick two talks (by keyboard, as a person without a mouse would, then a click).
    let boxes = c
        .find_all(Locator::Css("li.talk:not([hidden]) input[type=checkbox]"))
        .await
        .unwrap();
    // Each tick box is named, for screen readers, by the talk's time and title.
    let names = boxes[0].attr("aria-labelledby").await.unwrap().unwrap();
    let mut name = String::new();
    for id in names.split(' ') {
        name.push_str(&c.find(Locator::Id(id)).await.unwrap().text().await.unwrap());
        name.push(' ');
    }
    assert!(
        name.starts_with("09:00–09:10 MST Cilium + eBPF Day | Welcome"),
        "{name}"
    );
    boxes[0].send_keys(" ").await.unwrap();
    boxes[2].click().await.unwrap();
    let ids: Vec<String> = vec![
        boxes[0].attr("value").await.unwrap().unwrap(),
        boxes[2].attr("value").await.unwrap().unwrap(),
    ];
    assert!(boxes[0].is_selected().await.unwrap() && boxes[2].is_selected().await.unwrap());
    let mine = property(&c, Locator::Css("#chosen-links a.webcal"), "href").await;
    // The webcal link's https form (here http: the test daemon has no TLS).
    let https_form = mine.replacen("webcal://", "http://", 1);
    let calendar = d.get(&local(&https_form));
    assert_eq!(calendar.status, 200, "{https_form}");
    let got = uids(&calendar.text());
    assert_eq!(got.len(), 2, "exactly the two ticked talks: {got:?}");
    let want: BTreeSet<String> = got
        .iter()
        .filter(|u| ids.contains(&almanac::facets::TalkId::of(u).to_string()))
        .cloned()
        .collect();
    assert_eq!(want, got);
    // The choice is in the page's URL: bookmarked, it comes back ticked.
    let url = c.current_url().await.unwrap();
    let query = url.query().unwrap_or_default().to_string();
    assert!(
        query.contains(&format!("talks={},{}", ids[0], ids[1])),
        "{query}"
    );
    screenshot("picker.png", &c.screenshot().await.unwrap());
    c.goto(url.as_str()).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#zone:not([hidden])"))
        .await
        .unwrap();
    for id in &ids {
        let b = c.find(Locator::Id(&format!("t-{id}"))).await.unwrap();
        assert!(b.is_selected().await.unwrap(), "{id} ticked again");
    }

    // Switch zones: the opening remarks (09:00 MST, 16:00 UTC) are at 01:00 in Tokyo.
    let first = c.find(Locator::Css("li.talk time")).await.unwrap();
    let before = first.text().await.unwrap();
    assert!(before.starts_with("09:00–09:10 MST"), "{before}");
    let zone = c.find(Locator::Id("zone")).await.unwrap_or(zone);
    zone.click().await.unwrap();
    let after = first.text().await.unwrap();
    assert!(after.contains("01:00–01:10"), "in Tokyo: {after}");
    assert!(after.contains("GMT+9") || after.contains("JST"), "{after}");
    assert_eq!(
        zone.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    zone.click().await.unwrap();
    assert_eq!(first.text().await.unwrap(), before, "and back");
    c.close().await.unwrap();

    // JavaScript off: every link to almanac resolves, and the forms give
    // the calendars.
    let profile = tempfile::tempdir().unwrap();
    let c = driver.browser(false, profile.path()).await;
    c.goto(&page).await.unwrap();
    let zone_hidden = c
        .find(Locator::Id("zone"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap();
    assert!(!zone_hidden, "without the script there is no zone switch");
    screenshot("picker-no-js.png", &c.screenshot().await.unwrap());
    let links = c.find_all(Locator::Css("a[href]")).await.unwrap();
    let mut checked = 0;
    for a in &links {
        // The property: the href as the browser resolved it.
        let href = a.prop("href").await.unwrap().unwrap();
        if href.starts_with(&page) {
            let r = d.get(&local(&href));
            assert_eq!(r.status, 200, "{href}");
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} links to almanac checked");
    // The tick boxes submit to /my.ics as talks=A&talks=B.
    let action = property(&c, Locator::Id("mine"), "action").await;
    let r = d.get(&format!(
        "{}?talks={}&talks={}",
        local(&action),
        ids[0],
        ids[1]
    ));
    assert_eq!(uids(&r.text()), got);
    let filter = property(&c, Locator::Id("filter"), "action").await;
    let r = d.get(&format!(
        "{}?track=Cilium+%2B+eBPF+Day+2024&speaker=&q=",
        local(&filter)
    ));
    assert_eq!(uids(&r.text()), uids(&track_calendar));
    c.close().await.unwrap();
}
