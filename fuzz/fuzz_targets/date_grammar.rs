//! Any text through the date/time lexer and grammar. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = almanac::talk::when::scan(text);
    let _ = almanac::talk::when::may_name_weekday(text);
});
