//! Real clients against the running daemon: a calendar subscription with
//! vdirsyncer shown by khal (`subscribe-ics`), and the newsboat feed reader
//! (`read-feed`), both from `../shared/validators`. Their output is checked:
//! the talks appear at the right local hour in other time zones too.

mod common;

use common::*;

fn daemon() -> Daemon {
    Daemon::start(
        Some(&repo().join("seeds")),
        &std::fs::read_to_string(repo().join("almanac.yaml")).unwrap(),
    )
}

fn client(script: &str, args: &[&str]) -> String {
    let o = run(std::process::Command::new(validator(script)).args(args));
    let out = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "{script} {args:?} failed:\n{out}");
    out
}

#[test]
fn calendar_apps_subscribe_and_show_the_right_hour() {
    let d = daemon();
    let event = format!("http://{}/events/cilium-kubecon-na-2024.ics", d.addr);
    // Salt Lake City, 09:00 MST; the same talk is 17:00 in Berlin (CET).
    let denver = client("subscribe-ics", &[&event, "America/Denver"]);
    assert!(denver.contains("-> 22 item(s)"), "{denver}");
    assert!(denver.contains("Tuesday, 2024-11-12"), "{denver}");
    assert!(
        denver.contains("09:00-09:10 Cilium + eBPF Day | Welcome + Opening Remarks"),
        "{denver}"
    );
    let berlin = client("subscribe-ics", &[&event, "Europe/Berlin"]);
    assert!(
        berlin.contains("17:00-17:10 Cilium + eBPF Day | Welcome + Opening Remarks"),
        "{berlin}"
    );

    let all = format!("http://{}/calendar.ics", d.addr);
    let tokyo = client("subscribe-ics", &[&all, "Asia/Tokyo"]);
    assert!(tokyo.contains("-> 89 item(s)"), "{tokyo}");
    // Paris, Tuesday 19 March 2024 09:00 CET is 17:00 in Tokyo.
    assert!(
        tokyo.contains("17:00-17:10 Connecting Cloud Native: Cilium + eBPF Day"),
        "{tokyo}"
    );
    // Amsterdam 2023 talks were written without zone: CEST from the event rule.
    // "Tuesday, April 18 • 9:00 - 9:05" → 07:00Z → 16:00 in Tokyo.
    assert!(tokyo.contains("Tuesday, 2023-04-18"), "{tokyo}");
}

#[test]
fn feed_readers_read_both_feeds() {
    let d = daemon();
    for feed in ["rss.xml", "atom.xml"] {
        let out = client("read-feed", &[&format!("http://{}/{feed}", d.addr)]);
        assert!(
            out.contains("feed title: 'Cilium and friends at conferences'"),
            "{out}"
        );
        assert!(out.contains("items: 5"), "{out}");
        assert!(out.contains("2024-10-04 12:00 UTC  Cilium Talks at KubeCon NA 2024  <https://cilium.io/blog/2024/10/04/cilium-kubecon-na-2024>"), "{out}");
        assert!(
            out.contains("If-None-Match: \""),
            "newsboat stored the validators: {out}"
        );
    }
}
