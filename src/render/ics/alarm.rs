//! Reminders on request: `?alarm=N` on a calendar URL gives the same
//! calendar with a display alarm N minutes before each event (RFC 5545
//! §3.6.6). Without it, almanac's calendars carry no alarms: whether and
//! when to be reminded is the subscriber's choice, not the author's.

/// Largest reminder asked for, in minutes (a day).
pub const MAX_MINUTES: u32 = 1440;

/// `calendar` (almanac's own output: one property per `CRLF` line, folded
/// lines starting with a space) with a `VALARM` `minutes` before each
/// `VEVENT` that is not cancelled. A linear pass over the bytes; the rest of
/// the calendar is unchanged, so UIDs, SEQUENCEs and time zones stay.
pub fn with_alarms(calendar: &[u8], minutes: u32) -> Vec<u8> {
    let alarm = format!(
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT{minutes}M\r\nEND:VALARM\r\n"
    );
    let events = calendar
        .windows(b"BEGIN:VEVENT".len())
        .filter(|w| w == b"BEGIN:VEVENT")
        .count();
    let mut out = Vec::with_capacity(calendar.len() + events * alarm.len());
    let mut cancelled = false;
    for line in calendar.split_inclusive(|&b| b == b'\n') {
        match line {
            b"BEGIN:VEVENT\r\n" => cancelled = false,
            b"STATUS:CANCELLED\r\n" => cancelled = true,
            b"END:VEVENT\r\n" if !cancelled => out.extend_from_slice(alarm.as_bytes()),
            _ => {}
        }
        out.extend_from_slice(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_but_the_cancelled_gets_an_alarm() {
        let cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:One\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Three\r\n  folded\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let out = String::from_utf8(with_alarms(cal.as_bytes(), 15)).unwrap();
        assert_eq!(out.matches("BEGIN:VALARM\r\n").count(), 2);
        assert_eq!(out.matches("TRIGGER:-PT15M\r\n").count(), 2);
        // Inside the events, right before their end.
        assert!(out.contains("SUMMARY:One\r\nBEGIN:VALARM\r\n"));
        assert!(out.contains("  folded\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n"));
        assert!(out.contains("STATUS:CANCELLED\r\nEND:VEVENT\r\n"));
        // Nothing else changed.
        assert_eq!(out.replace("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n", ""), cal);
        assert!(
            String::from_utf8(with_alarms(cal.as_bytes(), 0))
                .unwrap()
                .contains("TRIGGER:-PT0M\r\n")
        );
    }
}
