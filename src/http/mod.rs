//! Stage 6 of the pipeline: the current [`Snapshot`] over HTTP (hyper 1).
//!
//! The handler only looks bytes up: content type, ETag, Last-Modified and
//! the gzip variant were computed when the snapshot was built. It reads as a
//! flat sequence: method check, health and metrics, lookup, conditional
//! request (RFC 9110 §13), content coding, body. No path ever reaches the file
//! system. The server ([`server`]: a thread per core) caps connections and
//! header size, times out slow headers, and shuts down gracefully.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::output::Output;
use crate::render::ics;
use crate::site::{Asset, Snapshot};
use crate::subscribe::{self, Query};
use status::{health, metrics};

mod server;
mod status;

pub use server::serve;

/// Limits that keep one client from hurting the others.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// Time a client gets to send a request's headers.
    pub header_timeout: Duration,
    /// Largest request head (request line and headers), in bytes.
    pub max_header_bytes: usize,
    /// How long in-flight responses may take to finish at shutdown.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 4096,
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Status of the last build and publish, for `/healthz`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Health {
    pub builds: u64,
    pub last_build_ms: u64,
    /// The last publish to the output folder failed with this message.
    pub publish_error: Option<String>,
    /// The posts folder could not be read.
    pub posts_error: Option<String>,
    /// Serving what the last run published, while the posts are read again.
    pub starting: bool,
}

/// Counters for `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    pub builds: AtomicU64,
    pub build_micros_total: AtomicU64,
    pub last_build_micros: AtomicU64,
    pub publish_failures: AtomicU64,
    /// Responses by status: 200, 304, 404, 405, 400, other.
    responses: [AtomicU64; 6],
}

const STATUSES: [u16; 5] = [200, 304, 404, 405, 400];

impl Metrics {
    fn count(&self, status: StatusCode) {
        let i = STATUSES
            .iter()
            .position(|s| *s == status.as_u16())
            .unwrap_or(5);
        self.responses[i].fetch_add(1, Ordering::Relaxed);
    }
}

/// What the server reads: the current snapshot, swapped whole after each
/// rebuild, so a response is never a mix of two builds.
#[derive(Debug)]
pub struct Shared {
    pub snapshot: ArcSwap<Snapshot>,
    pub health: ArcSwap<Health>,
    pub metrics: Metrics,
    /// Filtered and personal calendars made on request (bounded).
    pub subscriptions: subscribe::Cache,
    /// One thing made on request at a time (see [`respond_async`]).
    making: Semaphore,
    /// Used for assets not yet published (before the first publish ends,
    /// or while the output folder is unwritable).
    pub started: i64,
    /// The [`Snapshot::serial`] of what the output folder holds: when it is
    /// the served one's, `/healthz` says `published` (0, a warm or empty
    /// snapshot's, is what a start finds on disk).
    pub on_disk: AtomicU64,
    /// Whether the daemon is applying an edit: each serving thread then
    /// gives way once per request (see [`server::serve`]).
    pub rebuilding: std::sync::atomic::AtomicBool,
}

impl Shared {
    pub fn new(snapshot: Snapshot) -> Shared {
        Shared {
            snapshot: ArcSwap::from_pointee(snapshot),
            health: ArcSwap::from_pointee(Health::default()),
            metrics: Metrics::default(),
            subscriptions: subscribe::Cache::default(),
            making: Semaphore::new(1),
            started: chrono::Utc::now().timestamp(),
            on_disk: AtomicU64::new(0),
            rebuilding: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// The local address a listener is bound to, for logs.
pub fn local_addr(listener: &TcpListener) -> Option<SocketAddr> {
    listener.local_addr().ok()
}

type Resp = Response<Body>;

/// A response body: bytes sent as they are, or an asset's pieces one after
/// the other (hyper writes them with one vectored write; nothing is copied).
#[derive(Debug)]
pub enum Body {
    /// One piece (none for an empty body).
    One(Option<Bytes>),
    /// The plain bytes of an asset, pieces still to send last first (a
    /// talk's calendar is made for the response; most assets are borrowed).
    Parts(Vec<Bytes>),
}

impl Body {
    fn empty() -> Body {
        Body::One(None)
    }

    fn one(bytes: Bytes) -> Body {
        Body::One(Some(bytes).filter(|b| !b.is_empty()))
    }

    fn parts(asset: &Asset) -> Body {
        match &asset.parts()[..] {
            [one] => Body::one(one.clone()),
            parts => Body::Parts(parts.iter().rev().cloned().collect()),
        }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let next = match self.get_mut() {
            Body::One(b) => b.take(),
            Body::Parts(left) => left.pop(),
        };
        std::task::Poll::Ready(next.map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::One(b) => b.is_none(),
            Body::Parts(left) => left.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        let left = match self {
            Body::One(b) => b.as_ref().map_or(0, Bytes::len),
            Body::Parts(left) => left.iter().map(Bytes::len).sum(),
        };
        SizeHint::with_exact(left as u64)
    }
}

/// A request for something made on request (a filtered, personal or track
/// calendar, a schedule) is answered off the runtime's workers, one at a
/// time: a search of 200,000 talks' text takes seconds, and a flood of
/// them must queue behind each other, not stall the lookups every other
/// subscriber is waiting for.
async fn respond_async<B: Send + 'static>(req: Request<B>, shared: Arc<Shared>) -> Resp {
    if !made_on_request(&req) {
        return handle(&req, &shared);
    }
    let making = shared.clone();
    let Ok(_one_at_a_time) = making.making.acquire().await else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
    };
    tokio::task::spawn_blocking(move || handle(&req, &shared))
        .await
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n"))
}

/// Whether answering may mean making a calendar or schedule (see
/// [`respond_async`]).
fn made_on_request<B>(req: &Request<B>) -> bool {
    match Output::parse(req.uri().path()) {
        Some(Output::Track(_) | Output::Schedule { .. } | Output::Mine) => true,
        Some(o) if o.is_calendar() => req.uri().query().is_some_and(|q| {
            q.split('&')
                .any(|p| !p.is_empty() && !p.starts_with("alarm="))
        }),
        _ => false,
    }
}

/// One request → one response.
pub fn handle<B>(req: &Request<B>, shared: &Shared) -> Resp {
    let resp = respond(req, shared);
    shared.metrics.count(resp.status());
    resp
}

fn respond<B>(req: &Request<B>, shared: &Shared) -> Resp {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = req.uri().path();
    let snapshot = shared.snapshot.load();
    match path {
        "/healthz" => return strip_body(health(shared, &snapshot), head),
        "/metrics" => return strip_body(metrics(shared, &snapshot), head),
        _ => {}
    }
    let output = Output::parse(path);
    // A calendar's query is read strictly; other URLs ignore theirs (feed
    // readers and browsers add their own).
    let query = match output.filter(Output::is_calendar) {
        Some(o) => match Query::parse(req.uri().query().unwrap_or(""), o == Output::Mine) {
            Ok(q) => q,
            Err(reason) => {
                return strip_body(plain(StatusCode::BAD_REQUEST, format!("{reason}\n")), head);
            }
        },
        None => Query::default(),
    };
    let (asset, unknown) = match output {
        // A track's calendar is made on request, filtered or not.
        Some(o) if query.chooses() || matches!(o, Output::Track(_)) => {
            let key = format!("{path}?{}", query.canonical());
            match on_request(&key, &snapshot, shared, || {
                subscribe::calendar(&snapshot, o, &query)
            }) {
                Ok(made) => (made.asset, Some(made.unknown)),
                Err(resp) => return strip_body(*resp, head),
            }
        }
        Some(o @ Output::Schedule { .. }) => {
            match on_request(path, &snapshot, shared, || {
                subscribe::schedule(&snapshot, o)
            }) {
                Ok(made) => (made.asset, None),
                Err(resp) => return strip_body(*resp, head),
            }
        }
        _ => match snapshot.lookup(path) {
            Some(asset) => (asset, None),
            None => return strip_body(plain(StatusCode::NOT_FOUND, "not found\n"), head),
        },
    };
    let mut resp = match query.alarm {
        Some(minutes) => with_alarms(req, &asset, minutes, shared, head),
        None => whole(req, &asset, shared, head),
    };
    if let Some(n) = unknown.filter(|n| *n > 0) {
        resp.headers_mut()
            .insert(UNKNOWN_TALKS, HeaderValue::from(n));
    }
    resp
}

/// Says how many of a personal calendar's talk IDs were not found (a talk
/// removed from its post long enough ago that it is no longer announced as
/// cancelled): the calendar holds the others.
const UNKNOWN_TALKS: &str = "x-almanac-unknown-talks";

/// What is made on request (a filtered or personal calendar, a schedule),
/// from the cache when the same was asked of this snapshot; `make` gives
/// `None` for what does not exist.
fn on_request(
    key: &str,
    snapshot: &Snapshot,
    shared: &Shared,
    make: impl FnOnce() -> Option<subscribe::Made>,
) -> Result<subscribe::Made, Box<Resp>> {
    if snapshot.is_warm() {
        // The published files are served at once; what is made from the
        // talks waits for the first build (seconds).
        let mut r = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "starting: this is made from the posts once they are read\n",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return Err(Box::new(r));
    }
    shared
        .subscriptions
        .get_or_make(snapshot.serial, key, || make().ok_or(()))
        .map_err(|()| Box::new(plain(StatusCode::NOT_FOUND, "not found\n")))
}

/// An asset as it is (gzip when accepted), or its `304`.
fn whole<B>(req: &Request<B>, asset: &Arc<Asset>, shared: &Shared, head: bool) -> Resp {
    let gzip = accepts_gzip(req.headers()).then(|| asset.gzip()).flatten();
    let etag = match gzip {
        Some(_) => gzip_etag(asset.etag()),
        None => asset.etag().to_string(),
    };
    let mut builder = match validated(req, &etag, asset, shared) {
        Ok(b) => b,
        Err(not_modified) => return *not_modified,
    };
    let len = match gzip {
        Some(g) => {
            builder = builder.header(header::CONTENT_ENCODING, "gzip");
            g.len()
        }
        None => asset.len(),
    };
    builder = builder
        .header(header::CONTENT_TYPE, asset.content_type)
        .header(header::CONTENT_LENGTH, len);
    // Made only for a response that sends it (a talk's calendar is
    // written now).
    let body = match gzip {
        _ if head => Body::empty(),
        Some(g) => Body::one(g.clone()),
        None => Body::parts(asset),
    };
    builder
        .status(StatusCode::OK)
        .body(body)
        .expect("static headers are valid")
}

/// A calendar with a reminder before each event: its own strong ETag (the
/// calendar's, marked with the minutes), the calendar's Last-Modified, made
/// per request by one pass over the bytes (nothing is kept, so no query can
/// grow memory), sent uncompressed.
fn with_alarms(
    req: &Request<impl Sized>,
    asset: &Asset,
    minutes: u32,
    shared: &Shared,
    head: bool,
) -> Resp {
    let etag = format!("{}-a{minutes}\"", asset.etag().trim_end_matches('"'));
    let builder = match validated(req, &etag, asset, shared) {
        Ok(b) => b,
        Err(not_modified) => return *not_modified,
    };
    let bytes = Bytes::from(ics::alarm::with_alarms(&asset.to_bytes(), minutes));
    builder
        .header(header::CONTENT_TYPE, asset.content_type)
        .header(header::CONTENT_LENGTH, bytes.len())
        .status(StatusCode::OK)
        .body(if head {
            Body::empty()
        } else {
            Body::one(bytes)
        })
        .expect("static headers are valid")
}

/// The validators and caching headers of one representation of `asset`
/// (`etag` names it), or the `304` when the request holds it already.
fn validated<B>(
    req: &Request<B>,
    etag: &str,
    asset: &Asset,
    shared: &Shared,
) -> Result<hyper::http::response::Builder, Box<Resp>> {
    let published = asset.published().unwrap_or(shared.started);
    let builder = Response::builder()
        .header(header::ETAG, etag)
        .header(header::LAST_MODIFIED, httpdate(published))
        .header(header::CACHE_CONTROL, asset.cache_control)
        .header(header::VARY, "Accept-Encoding");
    if not_modified(req.headers(), etag, published) {
        return Err(Box::new(
            builder
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .expect("static headers are valid"),
        ));
    }
    Ok(builder)
}

/// The ETag of the gzip representation: a different strong validator, as
/// RFC 9110 §8.8.3 requires for a different representation.
fn gzip_etag(etag: &str) -> String {
    format!("{}-gz\"", etag.trim_end_matches('"'))
}

/// RFC 9110 §13.2.2: If-None-Match, when present, decides alone; else
/// If-Modified-Since. If-None-Match is compared (weakly, §13.1.2) with the
/// ETag of the representation this request selects: an identity request
/// that sends the gzip representation's tag has not got these bytes, so it
/// gets `200`, and the reverse.
fn not_modified(headers: &HeaderMap, selected_etag: &str, published: i64) -> bool {
    if let Some(inm) = headers.get(header::IF_NONE_MATCH) {
        let Ok(inm) = inm.to_str() else { return false };
        return inm.split(',').map(str::trim).any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*" || tag == selected_etag
        });
    }
    if let Some(ims) = headers.get(header::IF_MODIFIED_SINCE) {
        let since = ims
            .to_str()
            .ok()
            .and_then(|s| httpdate::parse_http_date(s).ok());
        return since.is_some_and(|s| {
            let s = s
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            published <= s
        });
    }
    false
}

/// Is gzip acceptable (`Accept-Encoding: gzip`, `gzip;q=0.5`, `*`), not refused with `q=0`?
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|part| {
                let mut it = part.split(';');
                let coding = it.next().unwrap_or("").trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (coding.eq_ignore_ascii_case("gzip") || coding == "*") && q > 0.0
            })
        })
}

/// IMF-fixdate (RFC 9110 §5.6.7).
pub fn httpdate(unix: i64) -> String {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64);
    httpdate::fmt_http_date(t)
}

fn plain(status: StatusCode, text: impl Into<Bytes>) -> Resp {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::one(text.into()))
        .expect("static headers are valid")
}

fn strip_body(mut r: Resp, head: bool) -> Resp {
    if head {
        let len = r.headers().get(header::CONTENT_LENGTH).cloned();
        *r.body_mut() = Body::empty();
        if let Some(l) = len {
            r.headers_mut().insert(header::CONTENT_LENGTH, l);
        }
    }
    r
}

fn dynamic(content_type: &'static str, body: String) -> Resp {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::one(Bytes::from(body)))
        .expect("static headers are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> Shared {
        let mut s = Snapshot::default();
        let a = Arc::new(Asset::new(
            crate::output::Output::AllTalks,
            Bytes::from("BEGIN:VCALENDAR\r\n".repeat(50)),
        ));
        a.set_published(1_700_000_000);
        s.shared.insert("calendar.ics".into(), a);
        Shared::new(s)
    }

    fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> Request<()> {
        let mut b = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn calendar_queries_are_read_strictly_and_others_ignored() {
        let s = shared();
        let status = |path: &str| handle(&req("GET", path, &[]), &s).status();
        assert_eq!(status("/calendar.ics?alarm=15"), StatusCode::OK);
        assert_eq!(status("/calendar.ics?alarm=1441"), StatusCode::BAD_REQUEST);
        assert_eq!(status("/calendar.ics?colour=red"), StatusCode::BAD_REQUEST);
        assert_eq!(status("/my.ics"), StatusCode::BAD_REQUEST);
        assert_eq!(status("/rss.xml?q=x"), StatusCode::NOT_FOUND);
        assert_eq!(
            status("/calendar.ics?utm_source=x"),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(status("/calendar.ics"), StatusCode::OK);
    }

    /// While a warm start reads the posts again, `/healthz` says so.
    #[test]
    fn health_says_starting_until_current() {
        let s = shared();
        let status = |s: &Shared| {
            let r = handle(&req("GET", "/healthz", &[]), s);
            let Body::One(Some(body)) = r.into_body() else {
                panic!("a JSON body")
            };
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["status"].clone()
        };
        assert_eq!(status(&s), "ok");
        s.health.store(Arc::new(Health {
            starting: true,
            ..Health::default()
        }));
        assert_eq!(status(&s), "starting");
    }

    /// RFC 9110 §13.2.2 precedence, gzip negotiation, methods.
    #[test]
    fn conditional_requests() {
        let s = shared();
        let ok = handle(&req("GET", "/calendar.ics", &[]), &s);
        let etag = ok.headers()[header::ETAG].to_str().unwrap().to_string();
        let lm = ok.headers()[header::LAST_MODIFIED]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(lm, "Tue, 14 Nov 2023 22:13:20 GMT");
        let weak = format!("W/{etag}");
        let table: Vec<(Vec<(&str, &str)>, u16)> = vec![
            (vec![("if-none-match", &etag)], 304),
            (vec![("if-none-match", &weak)], 304),
            (vec![("if-none-match", "\"other\", *")], 304),
            (vec![("if-none-match", "\"other\"")], 200),
            (vec![("if-modified-since", &lm)], 304),
            (
                vec![("if-modified-since", "Tue, 14 Nov 2023 22:13:19 GMT")],
                200,
            ),
            (vec![("if-modified-since", "garbage")], 200),
            // If-None-Match wins over a matching If-Modified-Since.
            (
                vec![("if-none-match", "\"other\""), ("if-modified-since", &lm)],
                200,
            ),
        ];
        for (headers, want) in table {
            let r = handle(&req("GET", "/calendar.ics", &headers), &s);
            assert_eq!(r.status().as_u16(), want, "{headers:?}");
            if want == 304 {
                assert!(r.headers().contains_key(header::ETAG));
                assert!(r.headers().contains_key(header::LAST_MODIFIED));
            }
        }
        let gz = handle(
            &req("GET", "/calendar.ics", &[("accept-encoding", "br, gzip")]),
            &s,
        );
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        let gz_etag = gz.headers()[header::ETAG].to_str().unwrap().to_string();
        assert_ne!(gz_etag, etag);
        // If-None-Match is compared with the selected representation's tag
        // (RFC 9110 §13.1.2), in both directions.
        let accept = ("accept-encoding", "gzip");
        let table: Vec<(Vec<(&str, &str)>, u16)> = vec![
            (vec![("if-none-match", &gz_etag)], 200),
            (vec![("if-none-match", &etag), accept], 200),
            (vec![("if-none-match", &gz_etag), accept], 304),
            (vec![("if-none-match", &etag)], 304),
        ];
        for (headers, want) in table {
            let r = handle(&req("GET", "/calendar.ics", &headers), &s);
            assert_eq!(r.status().as_u16(), want, "{headers:?}");
        }
        let no = handle(
            &req("GET", "/calendar.ics", &[("accept-encoding", "gzip;q=0")]),
            &s,
        );
        assert!(!no.headers().contains_key(header::CONTENT_ENCODING));
        assert_eq!(handle(&req("POST", "/calendar.ics", &[]), &s).status(), 405);
        assert_eq!(handle(&req("GET", "/../etc/passwd", &[]), &s).status(), 404);
        assert_eq!(
            handle(&req("GET", "/%2e%2e/calendar.ics", &[]), &s).status(),
            404
        );
        let head = handle(&req("HEAD", "/calendar.ics", &[]), &s);
        assert_eq!(
            head.headers()[header::CONTENT_LENGTH],
            ok.headers()[header::CONTENT_LENGTH]
        );
    }
}
