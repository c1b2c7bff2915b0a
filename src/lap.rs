//! A leaf: debug-level timing of the steps of a pass (`RUST_LOG=almanac=debug`),
//! so where a build or a rebuild spends its time and its memory can be read
//! off a log line per step instead of guessed.

use std::cell::Cell;
use std::time::Instant;

/// The time since the last step (or the start), logged at each step.
pub(crate) struct Lap(Cell<Instant>);

impl Lap {
    pub(crate) fn start() -> Lap {
        Lap(Cell::new(Instant::now()))
    }

    /// Logs the step's time, with the resident memory now and at its peak
    /// so far (MiB; 0 where `/proc` does not say): a build's peak is one of
    /// its measured costs, and the step it falls in is what to look at.
    pub(crate) fn step(&self, what: &str) {
        let now = Instant::now();
        let took = now - self.0.replace(now);
        if tracing::enabled!(tracing::Level::DEBUG) {
            let (rss, peak) = memory_mib();
            tracing::debug!(took_us = took.as_micros() as u64, rss, peak, "{what}");
        }
    }
}

/// Resident memory now and at its peak, in MiB, from `/proc/self/status`.
fn memory_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
