//! The code's shape, checked: the top-level modules depend on each other
//! without a cycle (so the pipeline reads in one direction), and no source
//! file grows past about 600 lines (tests aside) without saying why at its
//! top. Both are read from `src/`, so a change that breaks them fails here.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Lines a file may have before its tests without a reason at its top.
const MAX_LINES: usize = 600;

/// What a file must say near its top when it is longer.
const REASON: &str = "Long because";

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to (`src/site/render.rs` → `site`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// The crate's root re-exports, by the module that defines them.
fn root_item(name: &str) -> &str {
    match name {
        "Error" => "error",
        "Config" => "config",
        other => other,
    }
}

/// The top-level modules a file names with `crate::…` (also inside
/// `use crate::{a, b::c}`).
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let name = ident(item.trim());
                if !name.is_empty() {
                    out.insert(root_item(&name).to_string());
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(root_item(&name).to_string());
            }
        }
    }
    out
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources(&src) {
        let Some(module) = module_of(&src, &file) else {
            continue;
        };
        let text = fs::read_to_string(&file).unwrap();
        // Tests may reach anywhere; the code may not.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(uses(code).into_iter().filter(|d| *d != module));
    }
    graph
}

#[test]
fn the_modules_depend_on_each_other_without_a_cycle() {
    let graph = module_graph();
    assert!(graph.len() > 15, "the modules were read: {graph:?}");
    // The pipeline's direction, spot-checked: the site uses the renderers,
    // the renderers do not use the site.
    assert!(graph["site"].contains("render"));
    assert!(!graph["render"].contains("site"));
    assert_eq!(find_cycle(&graph), None, "{graph:#?}");
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        uses("use crate::{Config, Error, talk::when};\nlet x = crate::site::Site::new();"),
        ["config", "error", "site", "talk"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

#[test]
fn long_files_say_why() {
    let src = repo().join("src");
    let mut long = Vec::new();
    for file in sources(&src) {
        let text = fs::read_to_string(&file).unwrap();
        let code_lines = text
            .lines()
            .take_while(|l| !l.starts_with("#[cfg(test)]"))
            .count();
        let head: String = text.lines().take(15).collect::<Vec<_>>().join("\n");
        if code_lines > MAX_LINES && !head.contains(REASON) {
            long.push(format!("{}: {code_lines} lines", file.display()));
        }
    }
    assert!(
        long.is_empty(),
        "split these, or say \"{REASON} …\" at the top:\n{}",
        long.join("\n")
    );
}
