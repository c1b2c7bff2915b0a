//! Stage 1 of the pipeline: files on disk → [`Post`]s.
//!
//! Finds post files under the posts folder, reads them with guards (size,
//! encoding), splits the optional YAML front matter from the Markdown body and
//! turns the raw front matter into a validated [`Post`]. It knows nothing about
//! talks or output formats. A file that cannot be read becomes a
//! [`Diagnostic`] with its path and line, never a panic or an abort.

mod discover;
mod front_matter;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::undated::{Source, Undated};
pub use discover::{discover, is_editor_litter, is_post_path};
use front_matter::*;

/// One post, validated: what every later stage reads (and what the site's
/// saved model keeps of it: see `site::saved`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Post {
    /// The file, as found under the posts folder (used in messages).
    pub path: PathBuf,
    /// Unique name used in URLs: last segment of `path`, else the file stem.
    pub slug: String,
    pub title: String,
    /// Publication time: front matter `date`, else the file's modification time.
    pub date: DateTime<Utc>,
    /// Whether the front matter gave the date (else it is a stand-in).
    pub dated: bool,
    pub summary: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub image: Option<String>,
    /// Path of the post on the blog (`site_url` + this is its link).
    pub url_path: String,
    /// The author's own zone for the event (front matter `timezone`).
    pub timezone: Option<Tz>,
    pub location: Option<String>,
    /// Markdown after the front matter, LF line ends.
    pub body: String,
    /// 1-based line number of the body's first line in the file.
    pub body_line: usize,
    /// The talks the author lists in front matter (`talks:`): when present,
    /// they are the post's talks and the body is not searched.
    pub listed_talks: Option<Vec<ListedTalk>>,
}

/// A value as written in front matter, with its line in the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AtLine {
    pub text: String,
    pub line: usize,
}

/// One entry of front matter `talks:`, as written (checked when the talks
/// are made, so each problem names its own line).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListedTalk {
    /// Line of the entry in the file.
    pub line: usize,
    pub title: String,
    pub start: AtLine,
    pub end: Option<AtLine>,
    pub duration: Option<AtLine>,
    pub timezone: Option<AtLine>,
    pub url: Option<String>,
    pub speakers: Vec<String>,
    pub track: Option<String>,
    pub location: Option<String>,
    pub abstract_md: Option<String>,
}

/// Reads and parses one post file.
///
/// # Errors
/// A [`Diagnostic`] when the file is too large, not UTF-8, not a file, or its
/// front matter is broken; warnings that still let it publish come back with
/// the post.
pub fn read(
    path: &Path,
    config: &Config,
    undated: &Undated,
) -> Result<(Post, Vec<Diagnostic>), Diagnostic> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Diagnostic::error(path, 0, format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(Diagnostic::error(path, 0, "not a regular file"));
    }
    if meta.len() > config.max_post_bytes {
        return Err(Diagnostic::error(
            path,
            0,
            format!(
                "file is {} bytes, more than the limit of {} (max_post_bytes)",
                meta.len(),
                config.max_post_bytes
            ),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::error(path, 0, format!("cannot read: {e}")))?;
    // A file being written while we read it: its size or time moved. The
    // watcher reports the rest of the write, so say so instead of parsing half.
    let after = std::fs::metadata(path)
        .map_err(|e| Diagnostic::error(path, 0, format!("cannot read: {e}")))?;
    if after.len() != bytes.len() as u64 || after.modified().ok() != meta.modified().ok() {
        return Err(Diagnostic::error(
            path,
            0,
            "changed while being read; it will be read again",
        ));
    }
    parse(path, &bytes, Some(undated))
}

/// Parses a post from its bytes; `undated` dates a post that gives no date
/// (without it, such a post is dated 1970, as in tests).
///
/// # Errors
/// As [`read`].
pub fn parse(
    path: &Path,
    bytes: &[u8],
    undated: Option<&Undated>,
) -> Result<(Post, Vec<Diagnostic>), Diagnostic> {
    let text = decode(path, bytes)?;
    if text.trim().is_empty() {
        // An empty file is a post being written (or emptied by mistake): never
        // a reason to take published talks down.
        return Err(Diagnostic::error(path, 1, "the file is empty"));
    }
    let split =
        split_front_matter(&text).map_err(|(line, msg)| Diagnostic::error(path, line, msg))?;
    let raw: RawFrontMatter = match split.yaml {
        Some(yaml) if !yaml.trim().is_empty() => {
            crate::yaml::from_str(yaml).map_err(|(line, msg)| {
                Diagnostic::error(
                    path,
                    line + split.yaml_line - 1,
                    format!("front matter: {msg}"),
                )
            })?
        }
        _ => RawFrontMatter::default(),
    };
    let mut warnings = Vec::new();
    let key_line = |key: &str| split.key_line(key);

    let title = match raw.title.as_ref().map(|t| t.trim().to_string()) {
        Some(t) if !t.is_empty() => t,
        _ => match first_heading(split.body) {
            Some(h) => h,
            None => {
                let stem = file_stem(path);
                warnings.push(Diagnostic::warning(
                    path,
                    1,
                    format!("no title in front matter and no \"# \" heading; using \"{stem}\""),
                ));
                stem
            }
        },
    };

    // A date the file name gives, looked for only when the front matter has none.
    let named = raw
        .date
        .is_none()
        .then(|| date_in_file_name(path))
        .flatten();
    let date = match (raw.date.as_ref().map(Scalar::to_text), named) {
        (Some(text), _) => parse_post_date(&text).ok_or_else(|| {
            Diagnostic::error(
                path,
                key_line("date"),
                format!(
                    "date \"{text}\" is not a date (write it as 2024-03-19 or 2024-03-19T12:00:00Z)"
                ),
            )
        })?,
        (None, Some(day)) => day,
        (None, None) => {
            let (t, source) = undated.map_or((DateTime::<Utc>::UNIX_EPOCH, Source::ThisRun), |u| {
                u.date_of(path)
            });
            warnings.push(Diagnostic::warning(
                path,
                1,
                format!(
                    "no date in front matter; using {}, {}",
                    source.describe(),
                    t.format("%Y-%m-%dT%H:%M:%SZ")
                ),
            ));
            t
        }
    };

    let timezone = match raw.timezone.as_deref() {
        Some(z) => Some(z.trim().parse::<Tz>().map_err(|_| {
            Diagnostic::error(
                path,
                key_line("timezone"),
                format!("timezone \"{z}\" is not an IANA time zone (for example \"Europe/Paris\")"),
            )
        })?),
        None => None,
    };

    let url_path = raw
        .path
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.starts_with('/') {
                p.to_string()
            } else {
                format!("/{p}")
            }
        });
    let slug = slugify(
        url_path
            .as_deref()
            .and_then(|p| p.trim_end_matches('/').rsplit('/').next())
            .filter(|s| !s.is_empty())
            .unwrap_or(&file_stem(path)),
    );
    let slug = if slug.is_empty() {
        "post".to_string()
    } else {
        slug
    };
    let url_path = url_path.unwrap_or_else(|| format!("/{slug}"));

    let mut authors = raw.author.into_vec();
    authors.extend(raw.authors.into_vec());

    let post = Post {
        path: path.to_path_buf(),
        slug,
        title,
        date,
        dated: raw.date.is_some() || named.is_some(),
        listed_talks: raw.talks.map(|talks| {
            talks
                .into_iter()
                .map(|t| RawTalk::listed(t, split.yaml_line))
                .collect()
        }),
        summary: raw.og_summary.or(raw.summary).or(raw.description),
        categories: raw.categories.into_vec(),
        tags: raw.tags.into_vec(),
        authors,
        image: raw.og_image.or(raw.featured_image),
        url_path,
        timezone,
        location: raw.location,
        body: split.body.to_string(),
        body_line: split.body_line,
    };
    Ok((post, warnings))
}

/// Bytes → text: strips a BOM, refuses what is not UTF-8 (naming the line of
/// the first bad byte), and turns CRLF into LF without moving line numbers.
fn decode(path: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Diagnostic::error(
            path,
            line,
            format!(
                "not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    if text.contains('\0') {
        let at = text.find('\0').unwrap_or(0);
        let line = 1 + text[..at].matches('\n').count();
        return Err(Diagnostic::error(
            path,
            line,
            "binary file (contains NUL bytes)",
        ));
    }
    // Most posts have no carriage return: copied once, not searched twice.
    if !text.contains('\r') {
        return Ok(text.to_string());
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("post")
        .to_string()
}

/// Lower-case, URL-safe: letters, digits, `-`, `_` and `.` kept, runs of
/// anything else become one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let s = out.trim_matches(|c| c == '-' || c == '.').to_string();
    s.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<(Post, Vec<Diagnostic>), Diagnostic> {
        parse(Path::new("t.md"), text.as_bytes(), None)
    }

    #[test]
    fn front_matter_is_split_with_line_numbers() {
        let s = split_front_matter("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, Some("title: a\n"));
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
        let s = split_front_matter("# t\n").unwrap();
        assert_eq!((s.yaml, s.body_line), (None, 1));
        assert_eq!(split_front_matter("---\ntitle: a\n").unwrap_err().0, 1);
        let s = split_front_matter("---\n---\n").unwrap();
        assert_eq!((s.yaml, s.body), (Some(""), ""));
    }

    #[test]
    fn reads_the_fields_blogs_use() {
        let (post, warnings) = p("---\npath: '/blog/2024/x-y'\ndate: '2024-02-02T12:00:00.000Z'\ntitle: 'T'\nogSummary: S\ncategories:\n  - Community\ntimezone: Europe/Paris\nunknown: [1, 2]\n---\nbody").unwrap();
        assert!(warnings.is_empty());
        assert_eq!(post.slug, "x-y");
        assert_eq!(post.url_path, "/blog/2024/x-y");
        assert_eq!(post.title, "T");
        assert_eq!(post.summary.as_deref(), Some("S"));
        assert_eq!(post.categories, vec!["Community"]);
        assert_eq!(post.timezone, Some(chrono_tz::Europe::Paris));
        assert_eq!(post.date.to_rfc3339(), "2024-02-02T12:00:00+00:00");
        assert_eq!(post.body_line, 11);
    }

    #[test]
    fn a_date_in_the_file_name_dates_the_post() {
        for (path, want) in [
            (
                "_posts/2018-11-26-kubevirt-at-kubecon.md",
                Some("2018-11-26"),
            ),
            ("content/2019-02-03-talks/index.md", Some("2019-02-03")),
            ("2018-11-26.md", None),
            ("2018-13-26-x.md", None),
            ("talks-2018-11-26.md", None),
        ] {
            let (post, warnings) = parse(Path::new(path), b"# T\n", None).unwrap();
            let got = post.dated.then(|| post.date.format("%Y-%m-%d").to_string());
            assert_eq!(got.as_deref(), want, "{path}");
            assert_eq!(warnings.is_empty(), want.is_some(), "{path}");
        }
    }

    #[test]
    fn title_from_heading_and_a_date_that_is_not_the_mtime() {
        let (post, warnings) = p("\u{feff}# Episode 45\r\n\r\nbody\r\n").unwrap();
        assert_eq!(post.title, "Episode 45");
        assert_eq!(post.slug, "t");
        assert_eq!(post.body, "# Episode 45\n\nbody\n");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("no date"), "{}", warnings[0]);
        assert_eq!(post.date, DateTime::<Utc>::UNIX_EPOCH);
    }

    #[test]
    fn bad_input_is_reported_with_its_line() {
        let e = p("---\ntitle: [unclosed\n---\n").unwrap_err();
        assert!(e.is_error());
        assert!(e.line >= 2, "{e}");
        let e = parse(Path::new("t.md"), b"ok\n\xff\xfe", None).unwrap_err();
        assert_eq!(e.line, 2);
        let e = p("---\ndate: someday\n---\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = p("---\ntimezone: Nowhere/Land\n---\n").unwrap_err();
        assert!(e.message.contains("Nowhere/Land"));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut doc = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
            doc.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let text = format!("---\n{doc}title: x\n---\n");
        let started = std::time::Instant::now();
        let r = p(&text);
        assert!(r.is_err(), "alias bomb accepted");
        // Not a timing assertion on the code's speed: a guard that the test
        // itself ends, so a regression shows up as a failure, not a hang.
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
    }

    #[test]
    fn post_dates() {
        for (t, want) in [
            ("2024-02-02T12:00:00.000Z", "2024-02-02T12:00:00+00:00"),
            ("2022-05-13T00:00:00.000+00:00", "2022-05-13T00:00:00+00:00"),
            ("2022-10-10", "2022-10-10T00:00:00+00:00"),
            ("2017-05-22 18:00:14", "2017-05-22T18:00:14+00:00"),
        ] {
            assert_eq!(parse_post_date(t).unwrap().to_rfc3339(), want, "{t}");
        }
        assert!(parse_post_date("soon").is_none());
    }

    #[test]
    fn which_files_are_posts() {
        for (name, want) in [
            ("a.md", true),
            ("a.markdown", true),
            ("a.TXT", true),
            (".a.md", false),
            (".a.md.swp", false),
            ("a.md~", false),
            ("#a.md#", false),
            ("4913", false),
            ("a.html", false),
        ] {
            assert_eq!(is_post_path(Path::new(name)), want, "{name}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Cilium Talks at KubeCon!"),
            "cilium-talks-at-kubecon"
        );
        assert_eq!(slugify("../.."), "");
    }
}
