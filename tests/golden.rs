//! Golden files: what `almanac build` writes for the seeds, byte for byte,
//! for one event's calendar, one talk's calendar, the all-talks calendar,
//! the three feeds and the page. Any change to them shows up here as a diff
//! to review; when the change is meant, accept it with
//! `ALMANAC_BLESS=1 cargo test --release --test golden` and commit the files
//! in `tests/golden/` with the change that explains them.
//!
//! The seeds are built where they are (in the repository), so the one
//! undated seed takes its date from its commit: the same on every checkout.

mod common;

use std::fs;

use common::*;

const GOLDEN: [&str; 7] = [
    "events/cilium-at-kube-con-eu-2024.ics",
    "events/cilium-at-kube-con-eu-2024/1yen5-8d1f3845.ics",
    "calendar.ics",
    "rss.xml",
    "atom.xml",
    "feed.json",
    "index.html",
];

#[test]
fn the_seeds_build_to_the_golden_files() {
    let out = tempfile::tempdir().unwrap();
    let o = run(almanac()
        .current_dir(repo())
        .args([
            "build",
            "--config",
            "almanac.yaml",
            "--posts",
            "seeds",
            "--out",
        ])
        .arg(out.path()));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let golden = repo().join("tests/golden");
    let bless = std::env::var_os("ALMANAC_BLESS").is_some();
    let mut changed = Vec::new();
    for rel in GOLDEN {
        let got = fs::read(out.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let path = golden.join(rel.replace('/', "__"));
        if bless {
            fs::write(&path, &got).unwrap();
            continue;
        }
        let want = fs::read(&path).unwrap_or_default();
        if got != want {
            changed.push(format!("{rel}:\n{}", first_difference(&want, &got)));
        }
    }
    assert!(
        changed.is_empty(),
        "outputs differ from tests/golden (review; if meant, rerun with ALMANAC_BLESS=1):\n\n{}",
        changed.join("\n\n")
    );
}

/// The first differing line, with its neighbours, as a reviewer needs it.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let (w, g) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
    let (wl, gl): (Vec<&str>, Vec<&str>) = (w.lines().collect(), g.lines().collect());
    let at = wl
        .iter()
        .zip(&gl)
        .position(|(a, b)| a != b)
        .unwrap_or(wl.len().min(gl.len()));
    let show = |lines: &[&str]| {
        lines
            .iter()
            .skip(at.saturating_sub(2))
            .take(5)
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "  line {}: golden ({} lines)\n{}\n  built ({} lines)\n{}",
        at + 1,
        wl.len(),
        show(&wl),
        gl.len(),
        show(&gl)
    )
}

/// The golden files are the ones the test reads, and no more.
#[test]
fn every_golden_file_is_checked() {
    let mut names: Vec<String> = fs::read_dir(repo().join("tests/golden"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = GOLDEN.iter().map(|r| r.replace('/', "__")).collect();
    want.sort();
    assert_eq!(names, want);
}
