//! Every talk of the seeds and of `../shared/corpus` is found, at the UTC start
//! and end its truth file gives. Runs the real binary with the repository's
//! `almanac.yaml` (the operator's event rules).
//!
//! Seeds and corpus are checked as two folders: two real posts
//! (seed 003 and the 2023 Cilium post) share the slug `cilium-kubecon-na-talks`,
//! which in one folder is an error by design.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;

fn list(posts: &Path) -> BTreeMap<String, Vec<Value>> {
    let out = run(almanac()
        .current_dir(repo())
        .args([
            "list",
            "--format",
            "json",
            "--config",
            "almanac.yaml",
            "--posts",
        ])
        .arg(posts));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for r in rows {
        let stem = Path::new(r["file"].as_str().unwrap())
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        by_file.entry(stem).or_default().push(r);
    }
    by_file
}

/// The truth's `title_prefix` (the title as plain text, its first 40 code
/// points) against a found talk. The found title, with " - " and its
/// speakers when it has them, starts with the prefix; or, where the post
/// writes the speakers inside the title ("[Come BGP with Me - Daneyon
/// Hansen, Solo.io & …](…)") and almanac gives them as speakers, the prefix
/// is the title, " - ", then the first speaker's name.
fn prefix_matches(expected: &str, title: &str, speakers: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let exp = norm(&expected.replace("**", "").replace("__", ""));
    let title = norm(title);
    let full = if speakers.is_empty() {
        title.clone()
    } else {
        format!("{title} - {}", norm(speakers))
    };
    if full.starts_with(&exp) {
        return true;
    }
    let first_speaker = speakers.split([',', '(']).next().unwrap_or("").trim();
    !first_speaker.is_empty()
        && exp
            .strip_prefix(&format!("{title} - "))
            .is_some_and(|rest| first_speaker.starts_with(rest) || rest.starts_with(first_speaker))
}

/// Every truth file of a folder, by post name, in name order.
fn truth_files(dir: &std::path::Path) -> Vec<(String, Value)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let truth = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, truth)
        })
        .collect()
}

/// Every talk of every truth file (the seeds', `truth/` and
/// `batch2/truth/`: 44 files, 468 talks), in the truth's order: the same
/// number of talks per post (so none missed and none invented), and each at
/// the true UTC start and end, on the true line, with the true title.
#[test]
fn every_talk_of_every_truth_file() {
    let shared = shared();
    let mut found = list(&repo().join("seeds"));
    found.extend(list(&shared.join("corpus/real")));
    found.extend(list(&shared.join("corpus/batch2/real")));
    let (mut files, mut total, mut right) = (0, 0, 0);
    let mut failures = Vec::new();
    for dir in ["corpus/truth", "corpus/batch2/truth"] {
        for (stem, truth) in truth_files(&shared.join(dir)) {
            files += 1;
            let got = found.get(&stem).cloned().unwrap_or_default();
            let want = truth["talks"].as_array().unwrap();
            total += want.len();
            if got.len() != want.len() {
                failures.push(format!(
                    "{stem}: {} talks found, truth has {}",
                    got.len(),
                    want.len()
                ));
            }
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                let mut wrong = Vec::new();
                if g["start_utc"] != w["start_utc"] || g["end_utc"] != w["end_utc"] {
                    wrong.push(format!(
                        "at {} .. {}, truth {} .. {} ({})",
                        g["start_utc"], g["end_utc"], w["start_utc"], w["end_utc"], w["time_text"]
                    ));
                }
                if g["line"] != w["line"] {
                    wrong.push(format!("on line {}, truth {}", g["line"], w["line"]));
                }
                let (t, s) = (
                    g["title"].as_str().unwrap(),
                    g["speakers"].as_str().unwrap(),
                );
                if !prefix_matches(w["title_prefix"].as_str().unwrap(), t, s) {
                    wrong.push(format!(
                        "titled {t:?} (speakers {s:?}), truth {}",
                        w["title_prefix"]
                    ));
                }
                if wrong.is_empty() {
                    right += 1;
                } else {
                    failures.push(format!("{stem} talk {i}: {}", wrong.join("; ")));
                }
            }
        }
    }
    println!("corpus: {right} of {total} talks equal to the truth (time, line, title)");
    assert_eq!((files, total), (44, 468), "every truth file was read");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(right, 468);
}

#[test]
fn the_title_check_can_fail() {
    assert!(prefix_matches(
        "Come BGP with Me - Daneyon Hansen, Solo.",
        "Come BGP with Me",
        "Daneyon Hansen (Solo.io), Yutaro Hayakawa (Isovalent)"
    ));
    assert!(prefix_matches("**Opening** Keynote", "Opening Keynote", ""));
    assert!(!prefix_matches(
        "Come BGP with Me - Daneyon Hansen, Solo.",
        "Come BGP with Me",
        "Yutaro Hayakawa"
    ));
    assert!(!prefix_matches("KubeVirt on Arm64", "Kubevirt on ARM", ""));
    assert!(!prefix_matches(
        "\"KubeVirt on Arm64 (Progress",
        "KubeVirt on Arm64 (Progress, Troubles and Plans)",
        ""
    ));
}
