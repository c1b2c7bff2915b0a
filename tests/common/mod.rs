//! Helpers shared by the integration tests: where the binary, the shared
//! folder and the validators are, and how to run them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `almanac` binary Cargo built for these tests.
pub fn almanac() -> Command {
    Command::new(env!("CARGO_BIN_EXE_almanac"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository (or `ALMANAC_SHARED`).
pub fn shared() -> PathBuf {
    std::env::var_os("ALMANAC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
}

/// A validator script; panics (never skips) when the validators are not installed.
pub fn validator(name: &str) -> PathBuf {
    let dir = shared().join("validators");
    let ready = dir.join(".venv/bin/python").exists() && dir.join("node_modules/ical.js").exists();
    assert!(
        ready,
        "the validators are not installed: run {}/install.sh (CI's .ci/run does)",
        dir.display()
    );
    dir.join(name)
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("command runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs a validator on many files, a few at a time; returns the failures.
pub fn validate_all(script: &str, files: &[PathBuf]) -> Vec<String> {
    let script = validator(script);
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(4).max(1)).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let script = script.clone();
                s.spawn(move || {
                    let mut failures = Vec::new();
                    for f in chunk {
                        let out = Command::new(&script)
                            .arg(f)
                            .output()
                            .expect("validator runs");
                        if !out.status.success() {
                            failures.push(format!(
                                "{}:\n{}{}",
                                f.display(),
                                text(&out.stdout),
                                text(&out.stderr)
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}
