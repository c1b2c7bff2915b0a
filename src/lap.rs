//! A leaf: debug-level timing of the steps of a pass (`RUST_LOG=almanac=debug`),
//! so where a build or a rebuild spends its time can be read off a log line
//! per step instead of guessed.

use std::cell::Cell;
use std::time::Instant;

/// The time since the last step (or the start), logged at each step.
pub(crate) struct Lap(Cell<Instant>);

impl Lap {
    pub(crate) fn start() -> Lap {
        Lap(Cell::new(Instant::now()))
    }

    pub(crate) fn step(&self, what: &str) {
        let now = Instant::now();
        let took = now - self.0.replace(now);
        tracing::debug!(took_us = took.as_micros() as u64, "{what}");
    }
}
