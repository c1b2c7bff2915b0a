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

/// The truth's `title_prefix`: link text without `**`/`__`, 40 code points.
fn prefix_matches(expected: &str, title: &str, speakers: &str) -> bool {
    let full = if speakers.is_empty() {
        title.to_string()
    } else {
        format!("{title} - {speakers}")
    };
    let exp: String = expected.replace("**", "").replace("__", "");
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let exp_n = norm(&exp);
    let head: String = title.chars().take(exp_n.chars().count().min(20)).collect();
    norm(&full).starts_with(&exp_n) || exp_n.starts_with(norm(&head).as_str())
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

#[test]
fn every_truth_file_matches() {
    let shared = shared();
    let mut found = list(&repo().join("seeds"));
    found.extend(list(&shared.join("corpus/real")));
    let mut checked_files = 0;
    let mut checked_talks = 0;
    let mut failures = Vec::new();
    for (stem, truth) in truth_files(&shared.join("corpus/truth")) {
        let got = found.get(&stem).cloned().unwrap_or_default();
        let want = truth["talks"].as_array().unwrap();
        checked_files += 1;
        if got.len() != want.len() {
            failures.push(format!(
                "{stem}: {} talks found, truth has {}",
                got.len(),
                want.len()
            ));
            continue;
        }
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            checked_talks += 1;
            let same = g["start_utc"] == w["start_utc"]
                && g["end_utc"] == w["end_utc"]
                && g["line"] == w["line"];
            if !same {
                failures.push(format!(
                    "{stem} talk {i} (line {}): got {} .. {} at line {}, truth {} .. {} ({})",
                    w["line"],
                    g["start_utc"],
                    g["end_utc"],
                    g["line"],
                    w["start_utc"],
                    w["end_utc"],
                    w["time_text"]
                ));
            }
            let (t, s) = (
                g["title"].as_str().unwrap(),
                g["speakers"].as_str().unwrap(),
            );
            if !prefix_matches(w["title_prefix"].as_str().unwrap(), t, s) {
                failures.push(format!(
                    "{stem} talk {i}: title {t:?} does not start like {:?}",
                    w["title_prefix"]
                ));
            }
        }
    }
    assert_eq!(checked_files, 22, "expected 22 truth files");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked_talks, 281, "every talk of the truth was compared");
}

/// Talks at their true UTC start and end (and not invented) over every truth
/// file, the second batch included: 44 files, 468 talks. Each truth talk is
/// matched with a found talk of the same start and end (on its line when
/// there are several). The second batch is not all found yet (README
/// "What is a talk": the layouts still missed), so this test holds the line
/// at what is found today and prints every miss and every invented talk;
/// raise the floor as the finder learns more.
#[test]
fn whole_corpus_at_the_true_time() {
    /// Talks at the true time today, of 468; invented talks today.
    const FLOOR: usize = 465;
    const INVENTED: usize = 0; // and it must stay 0
    let shared = shared();
    let mut found = list(&repo().join("seeds"));
    found.extend(list(&shared.join("corpus/real")));
    found.extend(list(&shared.join("corpus/batch2/real")));
    let mut files = 0;
    let (mut total, mut right, mut invented) = (0, 0, 0);
    let mut report = Vec::new();
    for dir in ["corpus/truth", "corpus/batch2/truth"] {
        for (stem, truth) in truth_files(&shared.join(dir)) {
            files += 1;
            let got = found.get(&stem).cloned().unwrap_or_default();
            let mut used = vec![false; got.len()];
            for w in truth["talks"].as_array().unwrap() {
                total += 1;
                let same_time =
                    |g: &Value| g["start_utc"] == w["start_utc"] && g["end_utc"] == w["end_utc"];
                let hit = (0..got.len())
                    .find(|&i| !used[i] && same_time(&got[i]) && got[i]["line"] == w["line"])
                    .or_else(|| (0..got.len()).find(|&i| !used[i] && same_time(&got[i])));
                match hit {
                    Some(i) => {
                        used[i] = true;
                        right += 1;
                    }
                    None => report.push(format!(
                        "{stem}:{}: missed {} .. {} ({}) {}",
                        w["line"], w["start_utc"], w["end_utc"], w["time_text"], w["title_prefix"]
                    )),
                }
            }
            for (g, _) in got.iter().zip(&used).filter(|(_, u)| !**u) {
                invented += 1;
                report.push(format!(
                    "{stem}:{}: not in the truth: {} {}",
                    g["line"], g["start_utc"], g["title"]
                ));
            }
        }
    }
    println!("{}", report.join("\n"));
    println!("corpus: {right} of {total} talks at the true time; {invented} not in the truth");
    assert_eq!((files, total), (44, 468), "every truth file was read");
    assert!(
        right >= FLOOR,
        "{right} of {total} at the true time, fewer than {FLOOR}:\n{}",
        report.join("\n")
    );
    // No talk the truth does not list: a talk invented is as wrong as one missed.
    assert!(
        invented == INVENTED,
        "{invented} talks not in the truth:\n{}",
        report.join("\n")
    );
}
