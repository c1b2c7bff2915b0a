//! One output file, ready to serve: its bytes, gzip variant, content type,
//! ETags and the time it was first published, computed once per build so
//! that serving and publishing are lookups.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

use bytes::Bytes;
use sha2::{Digest as _, Sha256};

use crate::deflate;
use crate::output::Output;
use crate::render::ics::TalkCalendar;

/// One output file, ready to serve.
#[derive(Debug)]
pub struct Asset {
    body: Body,
    /// The bytes' length and ETag: made with the asset, but for a talk's
    /// own calendar, whose bytes are made only when asked for: its digest
    /// is taken from them the first time (see [`Asset::talk`]).
    digest: OnceLock<Digest>,
    /// gzip of the bytes, when it is smaller: made with the asset, or on
    /// first use for a [`Asset::deferred`] one (see [`Asset::gzip`]).
    gzip: OnceLock<Option<Bytes>>,
    pub content_type: &'static str,
    /// The `Cache-Control` it is served with.
    pub cache_control: &'static str,
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
        let digest = Digest::of(&parts);
        Asset::with(output, Body::Held(parts.into()), Some(digest), None, 0)
    }

    /// A talk's own calendar; its bytes are made each time they are asked
    /// for (see [`TalkCalendar`]), and its length and ETag the first time
    /// they are: when `out/` is written, or by its first request. Not now:
    /// a start at 10,000 posts would make and hash 214,000 calendars
    /// before its first answer, and a build would make each twice.
    pub fn talk(output: Output<'_>, calendar: TalkCalendar) -> Asset {
        Asset::with(output, Body::Talk(calendar), None, None, 0)
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
        let digest = Digest {
            len: total_len(&parts),
            etag,
        };
        Asset::with(
            output,
            Body::Held(parts.into()),
            Some(digest),
            gzip,
            published,
        )
    }

    /// A talk's own calendar brought back from the site's saved model: its
    /// length, ETag and publication time as they were published.
    pub fn indexed_talk(
        output: Output<'_>,
        calendar: TalkCalendar,
        len: usize,
        etag: String,
        published: i64,
    ) -> Asset {
        let digest = Digest { len, etag };
        Asset::with(output, Body::Talk(calendar), Some(digest), None, published)
    }

    fn with(
        output: Output<'_>,
        body: Body,
        digest: Option<Digest>,
        gzip: Option<Bytes>,
        published: i64,
    ) -> Asset {
        let made = OnceLock::new();
        if let Some(d) = digest {
            let _ = made.set(d);
        }
        Asset {
            content_type: output.content_type(),
            cache_control: output.cache_control(),
            body,
            digest: made,
            gzip: OnceLock::from(gzip),
            published: AtomicI64::new(published),
        }
    }

    /// The length and ETag, made from the bytes if they were not yet.
    fn digest(&self) -> &Digest {
        self.digest.get_or_init(|| Digest::of(&self.parts()))
    }

    /// Strong validator: a hash of the bytes, quoted.
    pub fn etag(&self) -> &str {
        &self.digest().etag
    }

    /// The bytes, piece by piece (most assets are one piece; a talk's own
    /// calendar is made now).
    pub fn parts(&self) -> Cow<'_, [Bytes]> {
        match &self.body {
            Body::Held(parts) => Cow::Borrowed(parts),
            Body::Talk(calendar) => Cow::Owned(calendar.parts()),
        }
    }

    /// What a talk's own calendar is made of.
    pub fn talk_calendar(&self) -> Option<&TalkCalendar> {
        match &self.body {
            Body::Talk(calendar) => Some(calendar),
            Body::Held(_) => None,
        }
    }

    /// The number of bytes (uncompressed).
    pub fn len(&self) -> usize {
        self.digest().len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes in one piece (a copy when the asset has several). A talk's
    /// calendar made for the first time gives its length and ETag too: it
    /// is made once when `out/` is written, not once more to be hashed.
    pub fn to_bytes(&self) -> Bytes {
        let bytes = match &self.parts()[..] {
            [one] => one.clone(),
            parts => Bytes::from(parts.concat()),
        };
        self.digest
            .get_or_init(|| Digest::of(std::slice::from_ref(&bytes)));
        bytes
    }

    /// Whether the asset holds exactly these bytes, however either is cut.
    pub fn same_bytes(&self, other: &[Bytes]) -> bool {
        if self.len() != other.iter().map(Bytes::len).sum::<usize>() {
            return false;
        }
        let parts = self.parts();
        if parts.len() == other.len() && parts.iter().zip(other).all(|(a, b)| a == b) {
            return true;
        }
        let mine = parts.iter().flat_map(|p| p.iter());
        mine.eq(other.iter().flat_map(|p| p.iter()))
    }

    /// Takes `old`'s publication time if it holds the same bytes (the same
    /// ETag, a hash of them): a talk's calendar made again keeps the time
    /// it was first published, without keeping the old asset alive.
    pub fn keep_published_of(&self, old: &Asset) {
        if let Some(t) = old.published().filter(|_| old.etag() == self.etag()) {
            self.set_published(t);
        }
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

/// An asset's length and strong validator.
#[derive(Debug)]
struct Digest {
    len: usize,
    /// A hash of the bytes, quoted.
    etag: String,
}

impl Digest {
    fn of(parts: &[Bytes]) -> Digest {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        let hash = h.finalize();
        Digest {
            len: total_len(parts),
            etag: format!("\"{}\"", faster_hex::hex_string(&hash[..16])),
        }
    }
}

fn total_len(parts: &[Bytes]) -> usize {
    parts.iter().map(Bytes::len).sum()
}

/// What an asset's bytes are kept as.
#[derive(Debug)]
enum Body {
    /// The bytes, in one piece (most assets) or a few.
    Held(Box<[Bytes]>),
    /// A talk's own calendar: its header is written when the bytes are
    /// asked for, and the `VTIMEZONE` and `VEVENT` pieces are shared with
    /// its event's calendar (see [`TalkCalendar`]).
    Talk(TalkCalendar),
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
