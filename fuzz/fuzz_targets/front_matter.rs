//! Any bytes as a post file: splitting front matter, YAML, decoding. Must
//! never panic; errors are fine.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = almanac::post::parse(std::path::Path::new("fuzz.md"), data, None);
});
