//! Calendars made on request, kept for the next request that asks the same
//! of the same snapshot, within a fixed bound: at most [`MAX_ENTRIES`]
//! calendars and [`MAX_BYTES`] bytes (their plain and gzip bytes), the
//! least recently used going first. A flood of distinct queries costs CPU,
//! never memory past the bound; a new snapshot empties the cache.

use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::asset::Asset;

pub const MAX_ENTRIES: usize = 256;
pub const MAX_BYTES: usize = 64 << 20;

/// A calendar made on request, and how many of the talks it named were not
/// found (a personal calendar's removed talks).
#[derive(Debug, Clone)]
pub struct Made {
    pub asset: Arc<Asset>,
    pub unknown: usize,
}

impl Made {
    fn bytes(&self) -> usize {
        self.asset.len() + self.asset.gzip().map_or(0, |g| g.len())
    }
}

#[derive(Debug)]
struct Inner {
    serial: u64,
    map: LruCache<String, Made>,
    bytes: usize,
}

/// See the module's documentation.
#[derive(Debug)]
pub struct Cache {
    inner: Mutex<Inner>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            inner: Mutex::new(Inner {
                serial: 0,
                map: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }
}

impl Cache {
    /// The calendar under `key` for snapshot `serial`, made by `make` when
    /// it is not kept (outside the lock: two requests may both make it).
    pub fn get_or_make<E>(
        &self,
        serial: u64,
        key: &str,
        make: impl FnOnce() -> Result<Made, E>,
    ) -> Result<Made, E> {
        if let Ok(mut inner) = self.inner.lock()
            && inner.serial == serial
            && let Some(made) = inner.map.get(key)
        {
            return Ok(made.clone());
        }
        let made = make()?;
        if let Ok(mut inner) = self.inner.lock() {
            if inner.serial != serial {
                inner.map.clear();
                inner.bytes = 0;
                inner.serial = serial;
            }
            if made.bytes() <= MAX_BYTES {
                if let Some(old) = inner.map.put(key.to_string(), made.clone()) {
                    inner.bytes -= old.bytes();
                }
                inner.bytes += made.bytes();
                while inner.map.len() > MAX_ENTRIES || inner.bytes > MAX_BYTES {
                    let Some((_, gone)) = inner.map.pop_lru() else {
                        break;
                    };
                    inner.bytes -= gone.bytes();
                }
            }
        }
        Ok(made)
    }

    /// How many calendars and bytes are kept.
    pub fn usage(&self) -> (usize, usize) {
        self.inner.lock().map_or((0, 0), |i| (i.map.len(), i.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;
    use bytes::Bytes;

    fn made(n: usize) -> Made {
        Made {
            asset: Arc::new(Asset::uncompressed(
                Output::Mine,
                vec![Bytes::from(vec![b'x'; n])],
            )),
            unknown: 0,
        }
    }

    #[test]
    fn the_bound_holds_and_a_new_snapshot_empties_it() {
        let cache = Cache::default();
        for i in 0..MAX_ENTRIES * 2 {
            let m = cache
                .get_or_make(1, &i.to_string(), || Ok::<_, ()>(made(10)))
                .unwrap();
            assert_eq!(m.asset.len(), 10);
        }
        assert_eq!(cache.usage(), (MAX_ENTRIES, MAX_ENTRIES * 10));
        // Kept: not made again.
        let last = (MAX_ENTRIES * 2 - 1).to_string();
        assert!(cache.get_or_make(1, &last, || Err(())).is_ok());
        // By bytes too.
        for i in 0..5 {
            cache
                .get_or_make(1, &format!("big{i}"), || Ok::<_, ()>(made(MAX_BYTES / 3)))
                .unwrap();
        }
        assert!(cache.usage().1 <= MAX_BYTES);
        // Another snapshot: nothing kept is served.
        assert!(cache.get_or_make(2, &last, || Err(())).is_err());
        cache.get_or_make(2, "a", || Ok::<_, ()>(made(1))).unwrap();
        assert_eq!(cache.usage(), (1, 1));
    }
}
