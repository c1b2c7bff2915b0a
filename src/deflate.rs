//! Raw deflate with one compressor per thread and level, reset between
//! inputs: setting a compressor up costs more than compressing a small
//! calendar, and allocating one per input (a few hundred kilobytes, 10,000
//! times) made glibc's allocator keep 250 MiB more at 1,000 posts. A leaf:
//! the kept posts' bodies (`event`) and the gzip variants (`asset`) share it.

use std::cell::RefCell;

/// How hard to compress.
#[derive(Debug, Clone, Copy)]
pub enum Level {
    /// For bodies deflated once per edit and read back rarely.
    Fast,
    /// For the gzip files served and published (zlib's default, 6).
    Default,
}

/// Appends the raw deflate stream of `bytes` to `out`.
///
/// # Errors
/// The compressor failed (writing into a `Vec` does not).
pub fn append(bytes: &[u8], level: Level, out: &mut Vec<u8>) -> Result<(), flate2::CompressError> {
    thread_local! {
        static COMPRESSORS: [RefCell<flate2::Compress>; 2] = [
            RefCell::new(flate2::Compress::new(flate2::Compression::fast(), false)),
            RefCell::new(flate2::Compress::new(flate2::Compression::new(6), false)),
        ];
    }
    COMPRESSORS.with(|c| {
        let mut d = c[level as usize].borrow_mut();
        d.reset();
        loop {
            let consumed = d.total_in() as usize;
            if out.capacity() - out.len() < 64 {
                out.reserve(out.len().max(1024));
            }
            let status = d.compress_vec(&bytes[consumed..], out, flate2::FlushCompress::Finish)?;
            if status == flate2::Status::StreamEnd {
                return Ok(());
            }
        }
    })
}
