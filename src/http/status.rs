//! What the daemon says of itself: `/healthz` (JSON, for probes and
//! operators) and `/metrics` (Prometheus text).

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Resp, STATUSES, Shared, dynamic};
use crate::snapshot::Snapshot;

/// `/healthz`: status and the last build's problems, as JSON.
pub(super) fn health(shared: &Shared, snapshot: &Snapshot) -> Resp {
    let h = shared.health.load();
    let errors = snapshot.errors();
    let status = if h.starting {
        "starting"
    } else if h.publish_error.is_some() || h.posts_error.is_some() {
        "degraded"
    } else if errors > 0 {
        "errors"
    } else {
        "ok"
    };
    let body = serde_json::json!({
        "status": status,
        "posts": snapshot.posts,
        "talks": snapshot.talks,
        "errors": errors,
        "warnings": snapshot.problems.warnings,
        "published": snapshot.serial == shared.on_disk.load(Ordering::Relaxed),
        "builds": h.builds,
        "last_build_ms": h.last_build_ms,
        "publish_error": h.publish_error,
        "posts_error": h.posts_error,
        "problems": snapshot.problems.all().iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    dynamic("application/json", format!("{body:#}\n"))
}

/// `/metrics`: Prometheus text format.
pub(super) fn metrics(shared: &Shared, snapshot: &Snapshot) -> Resp {
    let m = &shared.metrics;
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut s = String::with_capacity(1024);
    let mut gauge = |name: &str, help: &str, kind: &str, value: String| {
        s.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
        ));
    };
    gauge(
        "almanac_posts",
        "Posts published.",
        "gauge",
        snapshot.posts.to_string(),
    );
    gauge(
        "almanac_talks",
        "Talks published.",
        "gauge",
        snapshot.talks.to_string(),
    );
    gauge(
        "almanac_post_errors",
        "Errors in posts at the last build.",
        "gauge",
        snapshot.errors().to_string(),
    );
    gauge(
        "almanac_builds_total",
        "Rebuilds since start.",
        "counter",
        get(&m.builds).to_string(),
    );
    gauge(
        "almanac_build_duration_seconds_total",
        "Time spent rebuilding.",
        "counter",
        format!("{:.6}", get(&m.build_micros_total) as f64 / 1e6),
    );
    gauge(
        "almanac_last_build_duration_seconds",
        "Duration of the last rebuild.",
        "gauge",
        format!("{:.6}", get(&m.last_build_micros) as f64 / 1e6),
    );
    gauge(
        "almanac_publish_failures_total",
        "Failed writes to the output folder.",
        "counter",
        get(&m.publish_failures).to_string(),
    );
    let (kept, kept_bytes) = shared.subscriptions.usage();
    gauge(
        "almanac_chosen_calendars_kept",
        "Filtered and personal calendars kept in memory.",
        "gauge",
        kept.to_string(),
    );
    gauge(
        "almanac_chosen_calendars_kept_bytes",
        "Bytes of the filtered and personal calendars kept in memory.",
        "gauge",
        kept_bytes.to_string(),
    );
    s.push_str("# HELP almanac_http_responses_total HTTP responses by status.\n# TYPE almanac_http_responses_total counter\n");
    for (i, code) in STATUSES
        .iter()
        .map(|c| c.to_string())
        .chain(["other".to_string()])
        .enumerate()
    {
        s.push_str(&format!(
            "almanac_http_responses_total{{status=\"{code}\"}} {}\n",
            get(&m.responses[i])
        ));
    }
    dynamic("text/plain; version=0.0.4; charset=utf-8", s)
}
