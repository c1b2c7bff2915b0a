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

/// Appends the bytes of the raw deflate stream `compressed` to `out`, with
/// one decompressor per thread, reset between inputs (a kept post's body
/// is inflated each time the post renders; setting a decompressor up cost
/// more than a small body's inflating).
///
/// # Errors
/// The stream is corrupt or ends early.
pub fn inflate(compressed: &[u8], out: &mut Vec<u8>) -> std::io::Result<()> {
    let corrupt =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    thread_local! {
        static DECOMPRESSOR: RefCell<flate2::Decompress> =
            RefCell::new(flate2::Decompress::new(false));
    }
    DECOMPRESSOR.with(|d| {
        let mut d = d.borrow_mut();
        d.reset(false);
        loop {
            let consumed = d.total_in() as usize;
            if out.capacity() - out.len() < 64 {
                out.reserve(out.len().max(1024));
            }
            let before = (d.total_in(), d.total_out());
            let status = d
                .decompress_vec(
                    &compressed[consumed..],
                    out,
                    flate2::FlushDecompress::Finish,
                )
                .map_err(|e| corrupt(&e.to_string()))?;
            if status == flate2::Status::StreamEnd {
                return Ok(());
            }
            if (d.total_in(), d.total_out()) == before && out.capacity() > out.len() {
                return Err(corrupt("the deflate stream ends early"));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// What is deflated inflates back to the same bytes, at both
        /// levels, with the thread's decompressor reused between inputs.
        #[test]
        fn inflate_gives_back_what_was_deflated(
            texts in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..5000), 1..4)
        ) {
            for (i, t) in texts.iter().enumerate() {
                let level = if i % 2 == 0 { Level::Fast } else { Level::Default };
                let mut z = Vec::new();
                append(t, level, &mut z).unwrap();
                let mut back = Vec::new();
                inflate(&z, &mut back).unwrap();
                proptest::prop_assert_eq!(&back, t);
            }
        }
    }

    #[test]
    fn a_truncated_stream_is_an_error() {
        let text = "a talk at 10:00 ".repeat(500);
        let mut z = Vec::new();
        append(text.as_bytes(), Level::Default, &mut z).unwrap();
        let mut back = Vec::new();
        assert!(inflate(&z[..z.len() / 2], &mut back).is_err());
    }
}
