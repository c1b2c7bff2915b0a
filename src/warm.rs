//! A warm start: after a restart, the published state is served at once,
//! while the posts are read and rendered again in the background.
//!
//! `out/` already holds exactly what was served; what a restart lacks is what
//! serving needs besides the bytes: each file's ETag and publication time.
//! They are kept in one small index, `out/.almanac/served`, written when the
//! daemon stops cleanly (and by `almanac build`), checksummed, and removed
//! when a daemon starts from it, so it is never older than the files: after a
//! crash there is no index and the start is cold (a full build first).
//!
//! A file is served from the index only when its length and modification
//! time are still the ones indexed; otherwise its bytes are hashed again.
//! An index that is truncated, corrupt or of another format is reported and
//! not used.
//!
//! The index also says what the files were made from ([`Sources`]: every
//! post's fingerprint, the configuration, the binary) and the problems the
//! posts had then. A restart that finds the same sources is current as soon
//! as it serves: nothing the posts could give differs from what `out/`
//! holds, so `/healthz` says `ok` (with those problems) at once, while the
//! posts are still read in the background to follow later edits.
//!
//! Without a usable index (after a crash, say) but with published files in
//! `out/`, those are served as they are: each hashed when asked for, and
//! without their `.gz` siblings (a crash between two renames could leave a
//! `.gz` from another build than its file).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{Seek as _, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::asset::Asset;
use crate::diag::Diagnostic;
use crate::output::Output;
use crate::sources::Sources;
use crate::state::{self, STATE_DIR};

/// Bumped when the index's layout or encoding changes: an index of another
/// format is not read (the start is then cold). 3: postcard instead of
/// JSON (33 MB instead of 48 at 10,000 posts, read in less than half the time).
const FORMAT: u32 = 3;

/// The index's first line starts with this, then the format and the
/// SHA-256 of the rest.
const MAGIC: &str = "almanac-served";

/// Where the index is kept.
pub fn index_file(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("served")
}

/// One published file (its ETag borrowed from the asset when written).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry<'a> {
    path: String,
    len: u64,
    etag: Cow<'a, str>,
    /// Unix seconds: the file's modification time when indexed.
    published: i64,
    /// A `.gz` sibling was published.
    gz: bool,
}

/// The index; `F` is the published files: a `Vec` when read, [`Lazily`]
/// when written.
#[derive(Debug, Serialize, Deserialize)]
struct Body<'a, F> {
    posts: usize,
    talks: usize,
    /// `None` when they are not known for sure (posts changed while a
    /// build read them): the next start is then not taken as current.
    sources: Option<Cow<'a, Sources>>,
    /// Borrowed when written: a big site has tens of thousands.
    problems: Cow<'a, [Diagnostic]>,
    files: F,
}

/// A sequence serialised as it is made, never held whole (the index lists
/// every published file: 264,000 at 10,000 posts, written when a build's
/// memory peaks). The same encoding as a `Vec` of the items.
struct Lazily<F>(F);

impl<I, F> Serialize for Lazily<F>
where
    F: Fn() -> I,
    I: Iterator<Item: Serialize>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = s.serialize_seq(Some((self.0)().count()))?;
        for item in (self.0)() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// What the published files were made from, and what was found in them.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub posts: usize,
    pub talks: usize,
    pub sources: Option<&'a Sources>,
    pub problems: &'a [Diagnostic],
}

/// Writes the index of the assets `assets` gives (each with its path under
/// `out/`), as published in `out` from `origin`. Assets not published yet
/// are left out. A function, not an iterator: the files are counted, then
/// written one by one, never collected.
///
/// # Errors
/// The state folder cannot be written.
pub fn save<'a, I>(out: &Path, origin: Origin<'_>, assets: impl Fn() -> I) -> Result<(), Error>
where
    I: Iterator<Item = (String, &'a Asset)>,
{
    let files = Lazily(|| {
        assets().filter_map(|(path, a)| {
            Some(Entry {
                path,
                len: a.len() as u64,
                etag: Cow::Borrowed(a.etag()),
                published: a.published()?,
                gz: a.gzip().is_some(),
            })
        })
    });
    let body = Body {
        posts: origin.posts,
        talks: origin.talks,
        sources: origin.sources.map(Cow::Borrowed),
        problems: Cow::Borrowed(origin.problems),
        files,
    };
    write_sealed(&index_file(out), MAGIC, FORMAT, &body)
}

/// Writes `value` to `path` atomically, encoded with postcard behind a
/// header line: `magic`, `format` and the SHA-256 of the body, so
/// [`read_sealed`] tells a truncated, altered or older file from a good
/// one. For the state files a start trusts (this index, the site's saved
/// model).
///
/// # Errors
/// The file cannot be written.
pub fn write_sealed<T: Serialize>(
    path: &Path,
    magic: &str,
    format: u32,
    value: &T,
) -> Result<(), Error> {
    // The body streams to the file through the hasher, never whole in
    // memory (the saved model is hundreds of MB at 10,000 posts; built in a
    // Vec and copied behind its header, it cost three times that at every
    // stop). The checksum has a fixed width: zeros first, then written over
    // once the body is through.
    state::write_atomic_with(path, |file| {
        let head = format!("{magic} {format} ");
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut *file);
        w.write_all(head.as_bytes())?;
        // Two hex digits per byte of the digest, as `hex` writes it.
        w.write_all(&vec![b'0'; 2 * <Sha256 as Digest>::output_size()])?;
        w.write_all(b"\n")?;
        let mut body = Hashing {
            inner: w,
            hash: Sha256::new(),
        };
        postcard::to_io(value, &mut body).map_err(std::io::Error::other)?;
        let Hashing { inner: w, hash } = body;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.seek(std::io::SeekFrom::Start(head.len() as u64))?;
        file.write_all(hex(&hash.finalize()).as_bytes())
    })
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads back what [`write_sealed`] wrote to `path` with the same `magic`
/// and `format`.
///
/// # Errors
/// There is no such file, or it is not one (unreadable, another format, a
/// checksum that does not match, a body that does not decode).
pub fn read_sealed<T: serde::de::DeserializeOwned>(
    path: &Path,
    magic: &str,
    format: u32,
) -> Result<T, Unusable> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Missing),
        Err(e) => return Err(Unusable::Corrupt(e.to_string())),
    };
    let body = unseal(&bytes, magic, format)?;
    postcard::from_bytes(body).map_err(|e| Unusable::Corrupt(e.to_string()))
}

/// The body of a file written by [`write_sealed`] with the same `magic` and
/// `format`.
fn unseal<'a>(bytes: &'a [u8], magic: &str, format: u32) -> Result<&'a [u8], Unusable> {
    let corrupt = |why: &str| Unusable::Corrupt(why.to_string());
    let nl = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| corrupt("no header line"))?;
    let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| corrupt("bad header"))?;
    let mut parts = header.split(' ');
    if parts.next() != Some(magic) {
        return Err(corrupt("not a file of almanac's state"));
    }
    let found = parts.next().unwrap_or_default();
    if found != format.to_string() {
        return Err(Unusable::OtherFormat(found.to_string()));
    }
    let body = &bytes[nl + 1..];
    if parts.next() != Some(hex(&Sha256::digest(body)).as_str()) {
        return Err(corrupt("checksum mismatch (truncated or altered)"));
    }
    Ok(body)
}

/// Removes the index: from now on the files may change under it.
pub fn forget(out: &Path) {
    let _ = std::fs::remove_file(index_file(out));
}

/// Why a sealed state file (the index, the site's saved model) cannot be
/// used; shown after what the file is ("the index of the published files
/// is corrupt: …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// None was left (first start, or the last stop was not clean).
    Missing,
    /// It is truncated, altered or unreadable.
    Corrupt(String),
    /// It was written in another format (by another version).
    OtherFormat(String),
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::Missing => f.write_str("missing"),
            Unusable::Corrupt(why) => write!(f, "corrupt: {why}"),
            Unusable::OtherFormat(v) => write!(f, "of another format ({v})"),
        }
    }
}

/// The published files of the last run, served from `out/`.
#[derive(Debug)]
pub struct Index {
    out: PathBuf,
    /// `None`: no index; every published file is served as it is.
    files: Option<HashMap<String, Entry<'static>>>,
    pub posts: usize,
    pub talks: usize,
    /// What the files were made from, when known (see [`Index::is_current`]).
    sources: Option<Sources>,
    /// The posts' problems when the files were made.
    pub problems: Vec<Diagnostic>,
}

impl Index {
    /// Whether the files were made from exactly `now`'s sources: nothing
    /// the posts could give differs from what is served.
    pub fn is_current(&self, now: &Sources) -> bool {
        self.sources.as_ref() == Some(now)
    }

    /// Reads and checks the index left in `out`.
    ///
    /// # Errors
    /// It is missing, corrupt or of another format.
    pub fn load(out: &Path) -> Result<Index, Unusable> {
        let body: Body<'static, Vec<Entry<'static>>> =
            read_sealed(&index_file(out), MAGIC, FORMAT)?;
        Ok(Index {
            out: out.to_path_buf(),
            files: Some(
                body.files
                    .into_iter()
                    .map(|e| (e.path.clone(), e))
                    .collect(),
            ),
            posts: body.posts,
            talks: body.talks,
            sources: body.sources.map(Cow::into_owned),
            problems: body.problems.into_owned(),
        })
    }

    /// The files a previous run published in `out`, without an index: when
    /// `out` holds a published site (its `calendar.ics`), else `None`.
    pub fn unindexed(out: &Path) -> Option<Index> {
        out.join(Output::AllTalks.path()).is_file().then(|| Index {
            out: out.to_path_buf(),
            files: None,
            posts: 0,
            talks: 0,
            sources: None,
            problems: Vec::new(),
        })
    }

    /// The shared outputs it indexes (the page, the feeds, the all-talks
    /// calendar, each tag's and category's feeds) as they are on disk, by
    /// path.
    pub fn shared_assets(&self) -> std::collections::BTreeMap<String, Arc<Asset>> {
        let Some(files) = &self.files else {
            return Default::default();
        };
        files
            .keys()
            .filter(|p| {
                !matches!(
                    Output::parse(p),
                    None | Some(
                        Output::Event(_)
                            | Output::Talk { .. }
                            | Output::Schedule { .. }
                            | Output::Track(_)
                            | Output::Mine
                    )
                )
            })
            .filter_map(|p| Some((p.clone(), self.asset(p)?)))
            .collect()
    }

    /// How many files it indexes (0 without an index).
    pub fn len(&self) -> usize {
        self.files.as_ref().map_or(0, HashMap::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The asset at a URL path, read from `out/` now. Its ETag and
    /// publication time are the indexed ones when the file's length and
    /// modification time are unchanged; otherwise they are the file's own
    /// (hashed again), so what is served is always what is on disk.
    pub fn asset(&self, url_path: &str) -> Option<Arc<Asset>> {
        let output = Output::parse(url_path)?;
        let rel = output.path();
        let entry = match &self.files {
            Some(files) => Some(files.get(&rel)?),
            None => None,
        };
        let file = self.out.join(&rel);
        let bytes = Bytes::from(std::fs::read(&file).ok()?);
        let modified = std::fs::metadata(&file)
            .ok()?
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs() as i64;
        let Some(entry) = entry.filter(|e| e.len == bytes.len() as u64 && e.published == modified)
        else {
            // Not indexed, or changed since: served as it is, plain.
            let asset = Asset::uncompressed(output, vec![bytes]);
            asset.set_published(modified);
            return Some(Arc::new(asset));
        };
        let gzip = entry
            .gz
            .then(|| std::fs::read(self.out.join(format!("{rel}.gz"))).ok())
            .flatten()
            .map(Bytes::from);
        Some(Arc::new(Asset::indexed(
            output,
            vec![bytes],
            gzip,
            entry.etag.to_string(),
            entry.published,
        )))
    }
}

fn hex(bytes: &[u8]) -> String {
    faster_hex::hex_string(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed writer gives exactly the layout [`unseal`] reads: the
    /// header line with the SHA-256 of the body (written over its
    /// placeholder), then the body as postcard encodes it in one piece;
    /// and [`Lazily`] encodes as the `Vec` it stands for.
    #[test]
    fn a_sealed_file_is_its_header_then_the_postcard_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sealed");
        let items: Vec<(String, u64)> = (0..5000u64).map(|i| (format!("item {i}"), i)).collect();
        write_sealed(&path, "almanac-test", 7, &Lazily(|| items.iter())).unwrap();
        let body = postcard::to_stdvec(&items).unwrap();
        let mut expected = format!("almanac-test 7 {}\n", hex(&Sha256::digest(&body))).into_bytes();
        expected.extend_from_slice(&body);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        let back: Vec<(String, u64)> = read_sealed(&path, "almanac-test", 7).unwrap();
        assert_eq!(back, items);
    }
}
