//! One output file, ready to serve: its bytes, gzip variant, content type,
//! ETags and the time it was first published, computed once per build so
//! that serving and publishing are lookups.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::deflate;
use crate::output::Output;

/// One output file, ready to serve.
#[derive(Debug)]
pub struct Asset {
    /// The bytes, in one piece or a few: a talk's own calendar is its
    /// header and the `VTIMEZONE` and `VEVENT` pieces it shares with its
    /// event's calendar (served with one vectored write, never copied).
    parts: Box<[Bytes]>,
    len: usize,
    /// gzip of the bytes, when it is smaller: made with the asset, or on
    /// first use for a [`Asset::deferred`] one (see [`Asset::gzip`]).
    gzip: OnceLock<Option<Bytes>>,
    pub content_type: &'static str,
    /// The `Cache-Control` it is served with.
    pub cache_control: &'static str,
    /// Strong validator: a hash of the bytes, quoted.
    pub etag: String,
    /// When these bytes were first published (Unix seconds; 0: not yet).
    /// Set once by `publish`; it is the file's modification time, so it
    /// survives a restart when the bytes did not change.
    published: AtomicI64,
}

impl Asset {
    /// Compresses and hashes once, at build time.
    pub fn new(output: Output<'_>, bytes: Bytes) -> Asset {
        let asset = Asset::deferred(output, bytes);
        asset.gzip();
        asset
    }

    /// An asset whose gzip is made when first asked for: by a request that
    /// accepts it, or when `out/` is written. An event's calendar is one: a
    /// start serves as soon as every calendar is made, and compressing
    /// 10,000 of them (a tenth of a start's CPU) waits until after that.
    pub fn deferred(output: Output<'_>, bytes: Bytes) -> Asset {
        Asset {
            gzip: OnceLock::new(),
            ..Asset::uncompressed(output, vec![bytes])
        }
    }

    /// The gzip variant, if it is smaller than the bytes; made now if it
    /// was deferred (once: concurrent callers wait for the first).
    pub fn gzip(&self) -> Option<&Bytes> {
        self.gzip
            .get_or_init(|| {
                let bytes = self.to_bytes();
                // Exactly its length: the buffer was sized for the worst
                // case, and a site keeps 10,000 of these.
                gzip(&bytes)
                    .filter(|g| g.len() < bytes.len())
                    .map(|g| Bytes::from(g.into_boxed_slice()))
            })
            .as_ref()
    }

    /// An asset served and written as it is: a talk's own calendar is about
    /// 2 KB, which gzip shrinks by a kilobyte at the price of a second file
    /// per talk on disk (hundreds of thousands on a big site) and a second
    /// copy in memory.
    pub fn uncompressed(output: Output<'_>, parts: Vec<Bytes>) -> Asset {
        let mut h = Sha256::new();
        for p in &parts {
            h.update(p);
        }
        let digest = h.finalize();
        let etag = format!("\"{}\"", faster_hex::hex_string(&digest[..16]));
        Asset {
            content_type: output.content_type(),
            cache_control: output.cache_control(),
            len: parts.iter().map(Bytes::len).sum(),
            parts: parts.into(),
            gzip: OnceLock::from(None),
            etag,
            published: AtomicI64::new(0),
        }
    }

    /// A published file read back (a warm start), in one piece or made again
    /// in pieces: its ETag and publication time as recorded when it was
    /// published, nothing computed again.
    pub fn indexed(
        output: Output<'_>,
        parts: Vec<Bytes>,
        gzip: Option<Bytes>,
        etag: String,
        published: i64,
    ) -> Asset {
        Asset {
            content_type: output.content_type(),
            cache_control: output.cache_control(),
            len: parts.iter().map(Bytes::len).sum(),
            parts: parts.into(),
            gzip: OnceLock::from(gzip),
            etag,
            published: AtomicI64::new(published),
        }
    }

    /// The bytes, piece by piece (most assets are one piece).
    pub fn parts(&self) -> &[Bytes] {
        &self.parts
    }

    /// The number of bytes (uncompressed).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes in one piece (a copy when the asset has several).
    pub fn to_bytes(&self) -> Bytes {
        match &self.parts[..] {
            [one] => one.clone(),
            parts => Bytes::from(parts.concat()),
        }
    }

    /// The same bytes cut as `parts`, with this asset's validator and
    /// publication time.
    pub(crate) fn recut(&self, parts: Vec<Bytes>) -> Asset {
        Asset {
            parts: parts.into(),
            len: self.len,
            gzip: self.gzip.clone(),
            content_type: self.content_type,
            cache_control: self.cache_control,
            etag: self.etag.clone(),
            published: AtomicI64::new(self.published.load(Ordering::Relaxed)),
        }
    }

    /// Whether the asset holds exactly these bytes, however either is cut.
    pub fn same_bytes(&self, other: &[Bytes]) -> bool {
        if self.len != other.iter().map(Bytes::len).sum::<usize>() {
            return false;
        }
        if self.parts.len() == other.len() && self.parts.iter().zip(other).all(|(a, b)| a == b) {
            return true;
        }
        let mine = self.parts.iter().flat_map(|p| p.iter());
        mine.eq(other.iter().flat_map(|p| p.iter()))
    }

    /// Unix seconds when first published, if it has been.
    pub fn published(&self) -> Option<i64> {
        match self.published.load(Ordering::Relaxed) {
            0 => None,
            t => Some(t),
        }
    }

    /// Records the publication time (the first one wins).
    pub fn set_published(&self, unix_seconds: i64) {
        let _ = self.published.compare_exchange(
            0,
            unix_seconds.max(1),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
}

/// Outputs larger than this (the page of a big site) are compressed fast.
const GZIP_FAST_ABOVE: usize = 1 << 20;

/// Deterministic gzip (RFC 1952; no file name, no timestamp in the header).
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
    // Magic, deflate, no flags, mtime 0, no extra flags, OS unknown.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    // The page of a big site (a few MB) is made again on every edit of an
    // event it lists: compressed fast, it costs 14 ms instead of 35 on the
    // way to being served, for a fifth more bytes.
    let level = match bytes.len() {
        0..=GZIP_FAST_ABOVE => deflate::Level::Default,
        _ => deflate::Level::Fast,
    };
    deflate::append(bytes, level, &mut out).ok()?;
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    Some(out)
}
