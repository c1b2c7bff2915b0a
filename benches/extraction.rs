//! The talk finder's throughput (`cargo bench --bench extraction`): posts →
//! talks on 200 generated posts (`../shared/bench/gen-posts.py`, seed 1), on
//! the real posts of the corpus, and on hostile input that must stay linear
//! (2 MiB of deeply nested HTML, a table of 10,000 columns).
//!
//! It uses only `post::parse` and `talk::extract`, whose signatures have not
//! changed, so the same file measures an older commit for the README's
//! before/after table (see README "Performance").

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group};

use almanac::Config;

fn shared() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("ALMANAC_SHARED").map_or_else(|| repo.join("../shared"), Into::into)
}

fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| (f.display().to_string(), std::fs::read(&f).unwrap()))
        .collect()
}

/// 200 posts from the shared generator (deterministic: seed 1).
fn generated() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-posts-200");
    if !dir.join(".done").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let ok = std::process::Command::new("python3")
            .arg(shared().join("bench/gen-posts.py"))
            .args(["--posts", "200", "--seed", "1", "--out"])
            .arg(&dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "gen-posts.py failed");
        std::fs::write(dir.join(".done"), "").unwrap();
    }
    read_dir(&dir)
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = read_dir(&repo.join("seeds"));
    all.extend(read_dir(&shared().join("corpus/real")));
    all.extend(read_dir(&shared().join("corpus/batch2/real")));
    all
}

fn extract_all(input: &[(String, Vec<u8>)], config: &Config) -> usize {
    input
        .iter()
        .filter_map(|(name, bytes)| {
            let (post, _) = almanac::post::parse(Path::new(name), bytes, None).ok()?;
            Some(almanac::talk::extract(&post, config).0.len())
        })
        .sum()
}

/// 2 MiB of `<div>`s nested 100,000 deep, with times and titles inside.
fn nested_html() -> Vec<u8> {
    let mut s = String::from("---\ntitle: Nested 2024\ndate: 2024-01-01\n---\n");
    let mut depth = 0;
    while s.len() < 2 * 1024 * 1024 - 64 {
        s.push_str("<div><b>10:00</b> Talk ");
        depth += 1;
    }
    for _ in 0..depth {
        s.push_str("</div>");
    }
    s.into_bytes()
}

/// A Markdown table of 10,000 columns and 20 rows, a time in the first.
fn wide_table() -> Vec<u8> {
    let cols = 10_000;
    let mut s = String::from("---\ntitle: Wide 2024\ndate: 2024-01-01\n---\n| Time |");
    s.push_str(&" Track |".repeat(cols - 1));
    s.push_str("\n|");
    s.push_str(&"---|".repeat(cols));
    for r in 0..20 {
        s.push_str(&format!("\n| March 4, 10:{r:02} |"));
        s.push_str(&" A talk |".repeat(cols - 1));
    }
    s.push('\n');
    s.into_bytes()
}

fn benches(c: &mut Criterion) {
    let config = Config::default();
    let mut g = c.benchmark_group("extract");
    for (name, input) in [("generated_200", generated()), ("corpus_real", corpus())] {
        let bytes: usize = input.iter().map(|(_, b)| b.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(name, |b| b.iter(|| extract_all(&input, &config)));
    }
    g.finish();

    let mut g = c.benchmark_group("hostile");
    g.sample_size(10);
    for (name, post) in [
        ("nested_html_2mib", nested_html()),
        ("table_10000_columns", wide_table()),
    ] {
        let input = vec![(format!("{name}.md"), post)];
        g.throughput(Throughput::Bytes(input[0].1.len() as u64));
        g.bench_function(name, |b| b.iter(|| extract_all(&input, &config)));
    }
    g.finish();
}

criterion_group! {
    name = extraction;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = benches
}

fn main() {
    // `ALMANAC_EXTRACT_ONCE=1`: one pass over the generated posts, then
    // exit, to count instructions under `valgrind --tool=callgrind` on a
    // machine whose timings move more than the change being measured.
    if std::env::var_os("ALMANAC_EXTRACT_ONCE").is_some() {
        let talks = extract_all(&generated(), &Config::default());
        println!("{talks} talks");
        return;
    }
    extraction();
    Criterion::default().configure_from_args().final_summary();
}
