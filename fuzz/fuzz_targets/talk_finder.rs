//! Any text as a post body, through the talk finder and the resolver (the
//! whole of `talk::extract`). Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let text = format!("---\ntitle: Fuzz\ndate: 2024-01-01\n---\n{body}");
    if let Ok((post, _)) = almanac::post::parse(std::path::Path::new("fuzz.md"), text.as_bytes(), None) {
        let _ = almanac::talk::extract(&post, &almanac::Config::default());
    }
});
