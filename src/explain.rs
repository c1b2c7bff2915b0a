//! `almanac explain POST`: every talk found in one post, the lines it came
//! from and how its date, year and zone were decided, then every problem
//! and every time that became no talk, so an author can fix a post in a
//! minute. A consumer of the pipeline's first two stages, like `list`.

use std::fmt::Write;
use std::path::Path;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::talk::{self, TalkZone};
use crate::undated::Undated;

/// The explanation of one post, as text.
///
/// # Errors
/// The post cannot be read at all (the same error `check` gives).
pub fn explain(path: &Path, config: &Config) -> Result<String, Diagnostic> {
    let (post, mut problems) = crate::post::read(path, config, &Undated::default())?;
    let source = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = source.lines().collect();
    let line = |n: usize| -> String {
        let l = lines.get(n.wrapping_sub(1)).map_or("", |l| l.trim());
        if l.chars().count() > 110 {
            format!("{}…", l.chars().take(110).collect::<String>())
        } else {
            l.to_string()
        }
    };
    let (talks, talk_problems) = talk::extract(&post, config);
    problems.extend(talk_problems);
    let errors: Vec<Diagnostic> = problems.iter().filter(|d| d.is_error()).cloned().collect();
    problems.extend(talk::unused_times(&post, &talks, &errors));
    problems.sort();

    let mut out = String::new();
    let how_found = if post.listed_talks.is_some() {
        "listed in its front matter (`talks:`); the body is not searched"
    } else {
        "found in its text"
    };
    let _ = writeln!(
        out,
        "{}: \"{}\": {} talks, {how_found}",
        path.display(),
        post.title,
        talks.len()
    );
    for t in &talks {
        let w = &t.when;
        let zone = match w.zone {
            TalkZone::Iana(tz) => tz.name().to_string(),
            TalkZone::Fixed { .. } => w.zone.label(w.start),
        };
        let _ = writeln!(out, "\n{}:{}: {}", path.display(), t.line, t.title);
        if !t.speakers.is_empty() {
            let _ = writeln!(out, "  speakers  {}", t.speakers_text());
        }
        let _ = writeln!(out, "  title     line {}: {}", t.line, line(t.line));
        if t.time_line != t.line {
            let _ = writeln!(
                out,
                "  time      line {}: {}",
                t.time_line,
                line(t.time_line)
            );
        }
        let end = if w.has_end {
            w.end_local.format("%H:%M").to_string()
        } else {
            format!(
                "{} (no end written: default_duration)",
                w.end_local.format("%H:%M")
            )
        };
        let _ = writeln!(
            out,
            "  local     {} – {end} {zone}",
            w.start_local.format("%a %Y-%m-%d %H:%M")
        );
        let _ = writeln!(
            out,
            "  UTC       {} – {}",
            w.start.format("%Y-%m-%dT%H:%MZ"),
            w.end.format("%Y-%m-%dT%H:%MZ")
        );
        for part in t.how.to_string().split("; ") {
            if let Some((what, why)) = part.split_once(' ') {
                let _ = writeln!(out, "  {what:<9} {why}");
            }
        }
        if let Some(track) = &t.track {
            let _ = writeln!(out, "  track     {track}");
        }
        let _ = writeln!(out, "  UID       {}", t.uid);
    }
    if !problems.is_empty() {
        let _ = writeln!(out, "\nProblems, and times that became no talk:");
        for d in &problems {
            let _ = writeln!(out, "{d}");
            if d.line > 0 {
                let _ = writeln!(out, "    {}", line(d.line));
            }
        }
    }
    Ok(out)
}
