//! A leaf: giving the heap back after a whole pass.
//!
//! A full build (the first one, a reload, a retried publish) allocates
//! hundreds of MB of temporaries: posts being parsed, track calendars and
//! schedules being written. glibc's allocator keeps the freed pages in its
//! arenas for reuse, so without this the daemon's resident memory stays at
//! the build's peak for as long as it runs (at 10,000 posts, in one
//! measurement, 1,065 MiB resident of which 921 MiB live). `malloc_trim`
//! returns the free pages to the kernel. Rebuilding after an edit frees
//! little, so it is not trimmed after.
//!
//! `almanac build` gives back what a step frees before the next one
//! allocates: the steps free many small blocks (history records, parsed
//! posts) and the next ones make large buffers (the page, the feeds, the
//! files' bytes) that those cannot hold, so without this the peak is the
//! sum of both (at 1,000 posts, 113 MiB resident at the peak instead of
//! 101 to 104).

/// Returns the allocator's free pages to the operating system. Takes the
/// allocator's locks for a few milliseconds: call it off the serving path,
/// after a whole build, never per request.
pub(crate) fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let t = std::time::Instant::now();
        // SAFETY: malloc_trim only walks and releases the allocator's own
        // free memory; it is safe to call from any thread at any time.
        let released = unsafe { libc::malloc_trim(0) };
        tracing::debug!(
            released = released != 0,
            took_ms = t.elapsed().as_millis() as u64,
            "gave free heap back to the system"
        );
    }
}
