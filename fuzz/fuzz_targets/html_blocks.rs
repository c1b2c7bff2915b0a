//! Any text as the HTML of a post (an HTML block, as Medium exports and
//! cards are), through html5ever and the whole talk finder. Must never
//! panic, and must stay linear (libFuzzer's -timeout catches a hang).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else { return };
    // An HTML block opens with a block tag at the start of a line and runs
    // to a blank line: keep the input in one block whatever it holds.
    let html = html.replace("\n\n", "\n");
    let text = format!("---\ntitle: Fuzz 2024\ndate: 2024-01-01\n---\n<div>\n{html}\n</div>\n");
    if let Ok((post, _)) = almanac::post::parse(std::path::Path::new("fuzz.md"), text.as_bytes(), None) {
        let _ = almanac::talk::extract(&post, &almanac::Config::default());
    }
});
