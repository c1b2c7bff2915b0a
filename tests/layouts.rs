//! One small post per layout family, written for this test (not copies of
//! corpus posts): each must give exactly its talks, at the right UTC times.
//! The posts are in `tests/layouts/`; the expected times were worked out by
//! hand from each post's zone (see the comments).

mod common;

use std::collections::BTreeMap;

use common::*;

/// File → (title prefix, start UTC, end UTC or "" when the post gives
/// only a start), in line order.
fn expected() -> BTreeMap<&'static str, Vec<(&'static str, &'static str, &'static str)>> {
    BTreeMap::from([
        // Front matter Europe/Berlin; CEST (+2) written on the first talk.
        (
            "link_and_date_line.md",
            vec![
                (
                    "Scaling the thing",
                    "2025-05-14T09:00:00Z",
                    "2025-05-14T09:30:00Z",
                ),
                (
                    "Debugging in production",
                    "2025-05-15T14:45:00Z",
                    "2025-05-15T15:15:00Z",
                ),
            ],
        ),
        // Cards: a heading, then fields; EEST (+3) written on each time field.
        (
            "field_cards.md",
            vec![
                (
                    "Scaling Postgres with Citus",
                    "2024-10-24T12:30:00Z",
                    "2024-10-24T13:00:00Z",
                ),
                (
                    "Vacuum, explained",
                    "2024-10-25T08:00:00Z",
                    "2024-10-25T08:45:00Z",
                ),
            ],
        ),
        // A meetup's page: its one time in a `**When:**` field under no
        // title is its talk, named by the post (CEST, +2).
        (
            "meetup_when_field.md",
            vec![(
                "Rust Meetup Zürich #42: Async in practice",
                "2024-05-09T16:30:00Z",
                "2024-05-09T19:00:00Z",
            )],
        ),
        // The same under a "## Details" heading (no talk's title), in
        // `Date:` and `Time:` fields, the zone "(Eastern)": EDT, -4.
        (
            "details_heading_date_and_time_fields.md",
            vec![(
                "October meetup: Observability with OpenTelemetry",
                "2024-10-15T22:30:00Z",
                "2024-10-16T00:30:00Z",
            )],
        ),
        // Booth hours in the same fields are no talk.
        ("booth_hours_in_fields.md", vec![]),
        // Each list item writes its own date before the link; the second
        // is not given the first's. "London time": BST (+1) on 25
        // October, GMT on 1 November.
        (
            "dated_times_before_links.md",
            vec![
                ("Cloud costs explained", "2024-10-25T16:00:00Z", ""),
                ("SBOMs in practice", "2024-11-01T17:00:00Z", ""),
            ],
        ),
        // A bold abbreviated weekday and date, then the time: "Noon – 1
        // p.m. ET" (EST, -5, on 7 March), and one instant in three zones
        // (9am PDT, -7, on 21 March); the title is the link after them.
        (
            "abbreviated_weekdays_and_three_zones.md",
            vec![
                (
                    "Ask us anything about v3",
                    "2024-03-07T17:00:00Z",
                    "2024-03-07T18:00:00Z",
                ),
                ("Migration clinic", "2024-03-21T16:00:00Z", ""),
            ],
        ),
        // `Mon 9/16` in a Date column: no year, the order settled by 16;
        // Vienna, CEST (+2).
        (
            "numeric_dates_without_year.md",
            vec![
                (
                    "Rust in the kernel",
                    "2024-09-16T09:00:00Z",
                    "2024-09-16T09:40:00Z",
                ),
                (
                    "Confidential computing",
                    "2024-09-17T12:15:00Z",
                    "2024-09-17T12:55:00Z",
                ),
            ],
        ),
        // An empty Date cell is the day of the row above (CEST, +2,
        // stated once).
        (
            "empty_date_cells_under_a_dated_row.md",
            vec![
                ("Keynote: data contracts", "2024-05-14T08:00:00Z", ""),
                ("dbt at scale", "2024-05-14T09:00:00Z", ""),
                ("Streaming joins", "2024-05-15T07:30:00Z", ""),
                ("Lakehouse Q&A", "2024-05-15T08:30:00Z", ""),
            ],
        ),
        // A city named with its accents ("Montréal"): America/Toronto, EDT
        // (-4) in September.
        (
            "city_with_accents.md",
            vec![
                (
                    "Opening keynote",
                    "2024-09-10T14:00:00Z",
                    "2024-09-10T14:30:00Z",
                ),
                (
                    "Async closures, finally",
                    "2024-09-10T18:00:00Z",
                    "2024-09-10T18:30:00Z",
                ),
                (
                    "The Rust Foundation update",
                    "2024-09-11T15:00:00Z",
                    "2024-09-11T15:30:00Z",
                ),
            ],
        ),
        // HTML cards whose `<time datetime>` gives the offset the shown
        // text leaves out (+01:00), with the room after the time.
        (
            "html_time_elements.md",
            vec![
                ("Policy as code", "2024-03-20T13:00:00Z", ""),
                ("Service mesh in 2024", "2024-03-21T08:30:00Z", ""),
            ],
        ),
        // ISO date-times with their offsets: +01:00, -05:00 (an offset,
        // not an end time) and Z.
        (
            "iso_date_times_with_offsets.md",
            vec![
                ("Policy engines compared", "2024-03-20T13:00:00Z", ""),
                ("Supply chain levels, explained", "2024-03-21T15:30:00Z", ""),
                ("Office hours", "2024-03-22T16:00:00Z", ""),
            ],
        ),
        // Two talks in one sentence, each with its date after its time:
        // CEST (+2) on 30 October, CET (+1) on 31 October (the "6am PT"
        // in parentheses is the same instant).
        (
            "sentence_dates_after_each_time.md",
            vec![
                (
                    "Error budgets that work",
                    "2024-10-30T08:00:00Z",
                    "2024-10-30T08:45:00Z",
                ),
                ("Chaos drills", "2024-10-31T13:00:00Z", ""),
            ],
        ),
        // "All times are in BST" after the schedule (+1 in October).
        (
            "zone_stated_after_the_schedule.md",
            vec![
                ("Opening keynote", "2024-10-15T08:00:00Z", ""),
                ("Scaling Postgres", "2024-10-15T09:00:00Z", ""),
                ("Observability for humans", "2024-10-16T08:30:00Z", ""),
            ],
        ),
        // Link-first entries under "All times are in BST" (+1).
        (
            "link_first_under_a_stated_zone.md",
            vec![
                ("Alpha talk", "2024-10-15T09:00:00Z", "2024-10-15T09:30:00Z"),
                ("Beta talk", "2024-10-16T10:00:00Z", "2024-10-16T10:30:00Z"),
            ],
        ),
        // A column per day (`| Time | Monday 3 June | Tuesday 4 June |`):
        // each cell on its column's day; Europe/Amsterdam, CEST (+2); lunch
        // left out.
        (
            "a_column_per_day.md",
            vec![
                ("Intro to Julia", "2024-06-03T07:00:00Z", ""),
                ("GPU programming", "2024-06-04T07:00:00Z", ""),
                ("Type systems", "2024-06-03T09:00:00Z", ""),
                ("Macros", "2024-06-03T12:00:00Z", ""),
                ("Closing panel", "2024-06-04T12:00:00Z", ""),
            ],
        ),
        // `### Day 1`, `### Day 2` under "November 13–15, 2024": the
        // event's first and second days; MST (-7) written.
        (
            "numbered_day_headings.md",
            vec![
                (
                    "Gateway API update",
                    "2024-11-13T18:00:00Z",
                    "2024-11-13T18:30:00Z",
                ),
                (
                    "eBPF for observability",
                    "2024-11-13T21:30:00Z",
                    "2024-11-13T22:05:00Z",
                ),
                (
                    "Policy at scale",
                    "2024-11-14T17:00:00Z",
                    "2024-11-14T17:35:00Z",
                ),
            ],
        ),
        // `1430 hrs IST` (+5:30), and a glued `2:30–3:05pm IST`.
        (
            "military_clocks.md",
            vec![
                ("Women in open source", "2024-12-05T09:00:00Z", ""),
                (
                    "Careers in SRE",
                    "2024-12-06T09:00:00Z",
                    "2024-12-06T09:35:00Z",
                ),
            ],
        ),
        // "22–24 April 2024" is the event's first day; `**Monday**, 11:30`
        // is that Monday, `**Tuesday**` the next day; Berlin, CEST (+2).
        (
            "weekday_lines_under_a_day_range.md",
            vec![
                ("Type hints at scale", "2024-04-22T09:30:00Z", ""),
                ("Polars vs pandas", "2024-04-23T12:15:00Z", ""),
            ],
        ),
        // A label, a moment or a deadline then a time names no talk,
        // under a day heading too.
        ("labels_and_deadlines_then_times.md", vec![]),
        // A date and hours in bold inside a sentence name no talk.
        ("bold_date_in_prose.md", vec![]),
        // Quoted cards: a bold title, its date and time on the next line,
        // then "with Speaker" (no talk of its own); GMT.
        (
            "quoted_cards_with_a_speaker_line.md",
            vec![
                (
                    "Building trustworthy AI",
                    "2024-11-06T15:00:00Z",
                    "2024-11-06T16:00:00Z",
                ),
                (
                    "Open data for climate",
                    "2024-11-07T11:00:00Z",
                    "2024-11-07T12:00:00Z",
                ),
            ],
        ),
        // Tables whose header row is empty (`| | |`): the time cell and
        // the title cell found by their content; Amsterdam, CEST (+2);
        // registration left out.
        (
            "table_with_an_empty_header.md",
            vec![
                ("Opening", "2024-06-19T07:45:00Z", ""),
                (
                    "Keynote: platform teams that last",
                    "2024-06-19T08:00:00Z",
                    "",
                ),
                ("Ignites", "2024-06-19T08:45:00Z", ""),
                ("Observability is a team sport", "2024-06-20T07:30:00Z", ""),
            ],
        ),
        // `CET/CEST` is Central European time (CEST, +2, on 15 October);
        // "2pm Eastern" after the time is US Eastern (EST, -5, on 7
        // November).
        (
            "zone_pairs_and_region_words.md",
            vec![
                ("Release planning", "2024-10-15T12:00:00Z", ""),
                ("Community Q&A", "2024-11-07T19:00:00Z", ""),
            ],
        ),
        // `**Wednesday 12 June, 13:40–14:40, Room 3:** [Title](…)`: the
        // room is not the title; Oslo, CEST (+2).
        (
            "room_before_the_link.md",
            vec![
                (
                    "Blazor at scale",
                    "2024-06-12T11:40:00Z",
                    "2024-06-12T12:40:00Z",
                ),
                ("C# 13 tour", "2024-06-13T07:00:00Z", "2024-06-13T08:00:00Z"),
            ],
        ),
        // HTML list items: the link, then the date and time in `<em>`;
        // MST (-7).
        (
            "html_list_links_then_dates.md",
            vec![
                ("Scaling CoreDNS", "2024-11-13T18:15:00Z", ""),
                ("Cluster API at 1000 clusters", "2024-11-14T21:30:00Z", ""),
            ],
        ),
        // `Monday: [Title](…) at 10:00 PT` under the title's "October 6-10,
        // 2025": that week's Monday and Wednesday; PDT (-7).
        (
            "weekday_labels_in_a_week.md",
            vec![
                ("Intro to Dagger", "2025-10-06T17:00:00Z", ""),
                ("CI caching deep dive", "2025-10-08T17:00:00Z", ""),
            ],
        ),
        // An HTML definition list: each term a linked title, its
        // description the date and time; CEST (+2).
        (
            "html_definition_list.md",
            vec![
                (
                    "Typing at scale",
                    "2025-04-23T08:30:00Z",
                    "2025-04-23T09:00:00Z",
                ),
                (
                    "Polars in production",
                    "2025-04-24T12:00:00Z",
                    "2025-04-24T12:30:00Z",
                ),
            ],
        ),
        // HTML paragraphs: a `<strong>` title, `<br>`, the date and time,
        // `<br>`, the speakers; CEST (+2).
        (
            "html_paragraph_cards.md",
            vec![
                (
                    "Argo CD at scale",
                    "2024-06-25T08:00:00Z",
                    "2024-06-25T08:30:00Z",
                ),
                (
                    "Flux and OCI",
                    "2024-06-25T09:30:00Z",
                    "2024-06-25T10:00:00Z",
                ),
            ],
        ),
        // A `**When:**` field in a post whose title names no gathering
        // (a maintenance window) is no talk.
        ("maintenance_window_fields.md", vec![]),
        // Two lines of one paragraph, each a bold date and time, then a
        // link: each line its own talk; "(New York)" is New York, not
        // York, England (EST, -5, after 3 November).
        (
            "consecutive_lines_with_times_before_links.md",
            vec![
                (
                    "Vectorized UDFs",
                    "2024-11-06T15:30:00Z",
                    "2024-11-06T16:05:00Z",
                ),
                (
                    "DuckDB tricks",
                    "2024-11-07T19:15:00Z",
                    "2024-11-07T19:50:00Z",
                ),
            ],
        ),
        // Cards whose fields are emoji (📅 a date, 🕑 a time, 📍 a place):
        // EDT (-4) written on the time line.
        (
            "emoji_field_cards.md",
            vec![
                (
                    "Unlocking the GIL: free-threaded Python",
                    "2024-05-17T18:30:00Z",
                    "2024-05-17T19:00:00Z",
                ),
                (
                    "Packaging in 2024",
                    "2024-05-18T15:00:00Z",
                    "2024-05-18T15:30:00Z",
                ),
            ],
        ),
        // Cards whose fields have italic labels (`*Speaker:*`, `*Date:*`,
        // `*Time:*`), the zone stated once ("Times are Eastern": EST, -5,
        // in February).
        (
            "italic_field_cards.md",
            vec![
                (
                    "Graph neural networks for chemistry",
                    "2025-02-07T20:00:00Z",
                    "2025-02-07T21:00:00Z",
                ),
                (
                    "Verifying distributed protocols",
                    "2025-02-21T20:00:00Z",
                    "2025-02-21T21:00:00Z",
                ),
            ],
        ),
        // Zones written out in words: "Central European Summer Time" (+2)
        // stated for the post, "Pacific Time" (PDT, -7, in June) on a line.
        (
            "zone_names_written_out.md",
            vec![
                (
                    "Keynote: The next ten years of Fedora",
                    "2025-06-12T07:00:00Z",
                    "2025-06-12T07:30:00Z",
                ),
                (
                    "Immutable desktops in the enterprise",
                    "2025-06-12T08:00:00Z",
                    "2025-06-12T08:45:00Z",
                ),
                (
                    "Podman deep dive",
                    "2025-06-19T15:00:00Z",
                    "2025-06-19T15:30:00Z",
                ),
            ],
        ),
        // "All times are in UTC"; the day from the heading; the break left out.
        (
            "table_time_column.md",
            vec![
                (
                    "Welcome and introductions",
                    "2025-03-03T09:00:00Z",
                    "2025-03-03T09:45:00Z",
                ),
                (
                    "Writing your first probe",
                    "2025-03-03T09:45:00Z",
                    "2025-03-03T10:30:00Z",
                ),
                (
                    "Hands-on lab",
                    "2025-03-03T11:00:00Z",
                    "2025-03-03T12:00:00Z",
                ),
            ],
        ),
        // America/Chicago, CDT (-5) in September; a start alone lasts 30 min.
        (
            "day_headings.md",
            vec![
                (
                    "Opening keynote",
                    "2025-09-09T15:00:00Z",
                    "2025-09-09T15:30:00Z",
                ),
                (
                    "State of the project",
                    "2025-09-09T18:15:00Z",
                    "2025-09-09T19:00:00Z",
                ),
                (
                    "Contributor panel",
                    "2025-09-10T14:30:00Z",
                    "2025-09-10T15:15:00Z",
                ),
                ("Lightning talks", "2025-09-10T16:00:00Z", ""),
            ],
        ),
        // Weekday-only headings within October 6-10, 2025 (title); BST (+1).
        (
            "weekday_headings.md",
            vec![
                ("Intro to tracing", "2025-10-06T17:00:00Z", ""),
                ("Policies as code", "2025-10-09T17:30:00Z", ""),
            ],
        ),
        // HTML cards, Asia/Tokyo (+9).
        (
            "html_cards.md",
            vec![
                (
                    "Observability without tears",
                    "2025-06-17T05:00:00Z",
                    "2025-06-17T05:30:00Z",
                ),
                (
                    "Zero-trust networking",
                    "2025-06-18T01:20:00Z",
                    "2025-06-18T01:50:00Z",
                ),
            ],
        ),
        // An HTML table whose time header names the zone.
        (
            "html_table.md",
            vec![
                (
                    "Release planning",
                    "2025-01-21T15:00:00Z",
                    "2025-01-21T16:00:00Z",
                ),
                (
                    "Security review",
                    "2025-02-04T15:00:00Z",
                    "2025-02-04T16:00:00Z",
                ),
            ],
        ),
        // Europe/Brussels, CET (+1); the day in the heading; lunch left out.
        (
            "time_then_bold.md",
            vec![
                ("Packaging done right", "2026-01-31T09:30:00Z", ""),
                (
                    "Reproducible builds in practice",
                    "2026-01-31T10:15:00Z",
                    "",
                ),
            ],
        ),
        // CEST (+2) in the time header; one talk per track cell; breaks out.
        (
            "zone_in_header_parallel_tracks.md",
            vec![
                (
                    "Service meshes today",
                    "2025-04-08T13:00:00Z",
                    "2025-04-08T13:30:00Z",
                ),
                (
                    "Storage for stateful apps",
                    "2025-04-08T13:00:00Z",
                    "2025-04-08T13:30:00Z",
                ),
                (
                    "Multi-cluster routing",
                    "2025-04-08T14:00:00Z",
                    "2025-04-08T14:30:00Z",
                ),
            ],
        ),
        // "Pacific" stated once (PDT, -7 in March after the 9th); "1:00 am"
        // after lunch is a typo for pm; nothing under "Past workshops".
        (
            "workshop_day_with_typo_and_past.md",
            vec![
                ("Welcome and setup", "2025-03-17T16:00:00Z", ""),
                ("Working with containers", "2025-03-17T20:00:00Z", ""),
                ("Wrap-up and questions", "2025-03-17T22:00:00Z", ""),
            ],
        ),
        // A bold date line alone, the title on the `Topic:` line below it.
        (
            "community_calls.md",
            vec![
                ("Triage without tears", "2025-09-08T16:00:00Z", ""),
                ("Writing docs people read", "2025-10-13T16:00:00Z", ""),
            ],
        ),
        // Reference links, each time in a bullet nested under its talk; EST.
        (
            "nested_time_bullets.md",
            vec![
                ("Operators in practice", "2025-11-12T19:15:00Z", ""),
                ("Scheduling at scale", "2025-11-13T16:00:00Z", ""),
            ],
        ),
        // A level-2 heading per call, then `Date: … | Time: …` (plain and
        // bold labels); UTC written.
        (
            "headings_then_date_and_time_labels.md",
            vec![
                (
                    "Getting started with Argo Workflows",
                    "2025-01-22T17:00:00Z",
                    "",
                ),
                (
                    "Argo Rollouts deep dive",
                    "2025-02-05T17:00:00Z",
                    "2025-02-05T18:00:00Z",
                ),
            ],
        ),
        // Dates in numbers: day first (16 > 12), with dots, month first
        // (18 > 12); CEST (+2) written.
        (
            "numeric_dates.md",
            vec![
                (
                    "eBPF for the rest of us",
                    "2024-09-16T09:00:00Z",
                    "2024-09-16T09:40:00Z",
                ),
                (
                    "Fixing flaky tests at scale",
                    "2024-09-17T13:10:00Z",
                    "2024-09-17T13:50:00Z",
                ),
                (
                    "Release engineering, reconsidered",
                    "2024-09-18T07:30:00Z",
                    "2024-09-18T08:10:00Z",
                ),
            ],
        ),
        // Sentences that name the title after the time ("Dana Chu presents
        // [\"Title\"](…)"); MST (-7). The booth and its map stay prose.
        (
            "title_after_the_time.md",
            vec![
                ("\"Kubernetes at the edge", "2024-11-13T21:30:00Z", ""),
                ("platform engineering maturity", "2024-11-14T18:00:00Z", ""),
            ],
        ),
        // `14h00 - 14h45` clocks; Europe/Paris from the front matter
        // (CEST, +2, in April).
        (
            "h_clocks.md",
            vec![
                (
                    "Kubernetes without the pain",
                    "2025-04-16T12:00:00Z",
                    "2025-04-16T12:45:00Z",
                ),
                (
                    "Observability with OpenTelemetry",
                    "2025-04-16T14:30:00Z",
                    "2025-04-16T15:15:00Z",
                ),
            ],
        ),
        // A Day column of abbreviated weekdays, counted from the range of
        // days the prose gives ("November 10–11, 2024"); MST in the header.
        (
            "day_column_and_a_range_of_days.md",
            vec![
                (
                    "Operators that don't page you",
                    "2024-11-10T18:00:00Z",
                    "2024-11-10T18:30:00Z",
                ),
                ("eBPF in CI", "2024-11-11T21:15:00Z", "2024-11-11T21:45:00Z"),
            ],
        ),
        // When / What / Who columns: the speaker column is no talk, lunch
        // is a meal; America/New_York (EDT, -4, in May).
        (
            "what_and_who_columns.md",
            vec![
                ("Opening remarks", "2025-05-14T13:30:00Z", ""),
                ("Scaling Postgres reads", "2025-05-14T14:00:00Z", ""),
            ],
        ),
        // `Date:` and `Time:` on two lines under each talk's heading; MST.
        (
            "date_and_time_lines_under_headings.md",
            vec![
                (
                    "Progressive delivery at scale",
                    "2024-11-12T21:30:00Z",
                    "2024-11-12T22:05:00Z",
                ),
                (
                    "GitOps for the edge",
                    "2024-11-12T22:15:00Z",
                    "2024-11-12T22:50:00Z",
                ),
            ],
        ),
        // Start and End columns; Europe/Amsterdam (CEST, +2, in July).
        (
            "start_and_end_columns.md",
            vec![
                (
                    "Reproducible research",
                    "2025-07-07T07:30:00Z",
                    "2025-07-07T08:30:00Z",
                ),
                (
                    "Version control for data",
                    "2025-07-07T09:00:00Z",
                    "2025-07-07T10:00:00Z",
                ),
            ],
        ),
        // A bold title line, then `Time:` on the next line; the day from
        // the heading (2024 from the title); MST.
        (
            "bold_titles_then_time_lines.md",
            vec![
                (
                    "Envoy Gateway: one year in",
                    "2024-11-12T21:30:00Z",
                    "2024-11-12T22:05:00Z",
                ),
                (
                    "Rate limiting without tears",
                    "2024-11-12T23:00:00Z",
                    "2024-11-12T23:35:00Z",
                ),
            ],
        ),
        // A heading per talk, its time after a `**Date:**` label.
        (
            "keynotes_with_date_label.md",
            vec![
                ("Open data for everyone", "2025-07-07T09:30:00Z", ""),
                ("Building welcoming communities", "2025-07-08T16:00:00Z", ""),
            ],
        ),
        // Talks in sentences: the bold or quoted title before each time; the
        // booth sentence has no title before its time and stays prose.
        (
            "talks_in_sentences.md",
            vec![
                (
                    "keynote on sustainable maintenance",
                    "2025-05-06T16:00:00Z",
                    "2025-05-06T17:00:00Z",
                ),
                ("\"Faster builds with caching\"", "2025-05-07T10:30:00Z", ""),
                ("\"Reproducible releases\"", "2025-05-08T14:00:00Z", ""),
                // Days without a month take the month they fall on nearest
                // the dates above (May 2025): one session per day.
                (
                    "Docs sprint",
                    "2025-05-12T17:30:00Z",
                    "2025-05-12T19:00:00Z",
                ),
                (
                    "Docs sprint",
                    "2025-05-13T17:30:00Z",
                    "2025-05-13T19:00:00Z",
                ),
            ],
        ),
        // A Medium export: HTML lists under day headings split by `<strong>`,
        // Vienna (CET, +1, in November). Two items open with the same time,
        // each on its own line; the table cell's bold name keeps its colon.
        (
            "medium_export.md",
            vec![
                (
                    "Hands-on: tracing from scratch",
                    "2025-11-03T08:00:00Z",
                    "2025-11-03T11:30:00Z",
                ),
                (
                    "Panel: logs, metrics, traces: one stack?",
                    "2025-11-03T10:50:00Z",
                    "2025-11-03T11:30:00Z",
                ),
                (
                    "Sampling that keeps the errors",
                    "2025-11-04T13:35:00Z",
                    "2025-11-04T14:10:00Z",
                ),
                (
                    "Profiles in production",
                    "2025-11-04T13:35:00Z",
                    "2025-11-04T14:10:00Z",
                ),
                (
                    "Mira Novak: Closing notes [Level 100]",
                    "2025-11-04T17:00:00Z",
                    "",
                ),
            ],
        ),
        // Dates and times as the texts of links: one session per link.
        (
            "sessions_in_link_texts.md",
            vec![
                ("Opening Keynote", "2025-06-02T14:00:00Z", ""),
                ("Opening Keynote", "2025-06-03T02:00:00Z", ""),
                ("Community panel", "2025-06-10T16:30:00Z", ""),
            ],
        ),
        // Speakers named like cities (Santos: São Paulo; Austin) are no
        // venue: the post's city is Lisbon, named after them (WEST, +1).
        (
            "speakers_named_like_cities.md",
            vec![
                (
                    "Async Rust in production",
                    "2024-10-17T17:30:00Z",
                    "2024-10-17T18:00:00Z",
                ),
                (
                    "Embedded Rust on a budget",
                    "2024-10-17T18:15:00Z",
                    "2024-10-17T18:45:00Z",
                ),
            ],
        ),
        // A webinar's page: its one time in emoji fields, written in three
        // zones (10:00 PDT, -7, two days after the US change), its end
        // from the duration field.
        (
            "webinar_fields_in_three_zones_with_a_duration.md",
            vec![(
                "Webinar: Observability for the rest of us",
                "2024-03-12T17:00:00Z",
                "2024-03-12T18:00:00Z",
            )],
        ),
        // Headings that are only a time, each over its talk's title (a
        // link, a plain line, a bold line); CEST (+2). The last is over
        // prose: no talk, and a note.
        (
            "time_headings_then_titles.md",
            vec![
                (
                    "Supply chain security in practice",
                    "2024-09-16T12:00:00Z",
                    "2024-09-16T12:45:00Z",
                ),
                ("Lightning talks", "2024-09-16T13:00:00Z", ""),
                (
                    "Reproducible builds with Nix",
                    "2024-09-16T14:00:00Z",
                    "2024-09-16T14:30:00Z",
                ),
            ],
        ),
        // Headers almanac does not know (German): the cells that are a
        // date or a time alone are the time columns; CEST (+2).
        (
            "table_headers_in_another_language.md",
            vec![
                (
                    "Podman ohne Root",
                    "2024-08-17T08:00:00Z",
                    "2024-08-17T08:45:00Z",
                ),
                (
                    "eBPF für Einsteiger",
                    "2024-08-18T12:00:00Z",
                    "2024-08-18T12:45:00Z",
                ),
            ],
        ),
        // Bold rows that only name a day head the rows under them; the
        // city in the title gives CDT (-5).
        (
            "table_with_day_rows.md",
            vec![
                ("Opening keynote", "2024-09-24T14:00:00Z", ""),
                ("Platform teams that last", "2024-09-24T15:00:00Z", ""),
                ("Terraform testing lab", "2024-09-24T15:00:00Z", ""),
                ("Incident command for everyone", "2024-09-25T14:30:00Z", ""),
            ],
        ),
        // "Pacific" after a time (PDT, -7, two days after the US change),
        // `11 a.m.–noon`, and PST as written (-8).
        (
            "region_names_after_times.md",
            vec![
                ("Welcome and roadmap", "2024-03-12T16:00:00Z", ""),
                (
                    "Contributor onboarding",
                    "2024-03-12T18:00:00Z",
                    "2024-03-12T19:00:00Z",
                ),
                ("Release process", "2024-03-13T17:00:00Z", ""),
            ],
        ),
        // A title, then a separator and the time that ends the item, under
        // day headings; BST (+1). Lunch is no talk.
        (
            "title_then_time_under_day_headings.md",
            vec![
                ("Keynote: The next ten years", "2025-04-02T08:15:00Z", ""),
                (
                    "Autoscaling that works",
                    "2025-04-02T10:45:00Z",
                    "2025-04-02T11:15:00Z",
                ),
                ("Debugging eBPF programs", "2025-04-03T13:30:00Z", ""),
            ],
        ),
        // A bold title, then its time in parentheses (and a remark), under
        // a day heading; CEST (+2).
        (
            "bold_title_then_its_time.md",
            vec![
                (
                    "Async drop, at last",
                    "2025-05-13T08:00:00Z",
                    "2025-05-13T08:30:00Z",
                ),
                (
                    "Borrow checker internals",
                    "2025-05-13T09:15:00Z",
                    "2025-05-13T09:45:00Z",
                ),
            ],
        ),
        // `From 10:00 to 10:30: Title` under the one date the prose gives;
        // an underscore inside a word stays in the title; CEST (+2).
        (
            "from_to_lines.md",
            vec![
                (
                    "Opening remarks",
                    "2024-06-21T08:00:00Z",
                    "2024-06-21T08:30:00Z",
                ),
                (
                    "Async I/O with io_uring",
                    "2024-06-21T08:30:00Z",
                    "2024-06-21T09:15:00Z",
                ),
            ],
        ),
        // Plain paragraphs: a title line, a speaker line, then the date
        // and time; EDT (-4).
        (
            "plain_title_speaker_and_time_lines.md",
            vec![
                (
                    "Scaling Kubernetes operators",
                    "2024-08-15T14:00:00Z",
                    "2024-08-15T14:45:00Z",
                ),
                (
                    "Building a community around Fedora",
                    "2024-08-16T18:00:00Z",
                    "2024-08-16T18:35:00Z",
                ),
            ],
        ),
        // `Talk:`/`Session:` title lines, then `When:` (and `Speaker:`)
        // fields in the same paragraph; CET (+1).
        (
            "talk_and_when_lines.md",
            vec![
                (
                    "Zero-downtime migrations",
                    "2024-03-19T13:30:00Z",
                    "2024-03-19T14:00:00Z",
                ),
                (
                    "Feature flags at scale",
                    "2024-03-20T10:00:00Z",
                    "2024-03-20T10:30:00Z",
                ),
            ],
        ),
        // Numbered items: a bold title, its date, time and room on the
        // item's next line (the room is no talk); Vienna, CEST (+2).
        (
            "bold_numbered_items_with_a_room.md",
            vec![
                (
                    "Rust in the kernel: status update",
                    "2024-09-18T08:00:00Z",
                    "2024-09-18T08:45:00Z",
                ),
                (
                    "Scheduler extensions with BPF",
                    "2024-09-19T13:30:00Z",
                    "2024-09-19T14:15:00Z",
                ),
            ],
        ),
        // HTML cards: a heading, a speaker's line, then the date and time;
        // EDT (-4).
        (
            "html_cards_with_a_speaker_line.md",
            vec![
                (
                    "Signals in every framework",
                    "2024-05-23T15:00:00Z",
                    "2024-05-23T15:30:00Z",
                ),
                (
                    "The web platform in 2024",
                    "2024-05-23T18:00:00Z",
                    "2024-05-23T18:30:00Z",
                ),
            ],
        ),
        // 10:00 PDT (-7) and 19:00 CEST (+2) are the same instant.
        (
            "two_zones_on_one_line.md",
            vec![("Ask the maintainers", "2025-06-12T17:00:00Z", "")],
        ),
        // Titles in italics in sentences (capitalised, two words or more;
        // "*very happy*" is emphasis), one after an invitation's "for".
        // Oslo, CEST (+2).
        (
            "italic_titles_in_sentences.md",
            vec![
                ("Rust for C# developers", "2025-05-21T11:40:00Z", ""),
                ("Event sourcing, again", "2025-05-22T08:20:00Z", ""),
            ],
        ),
        // `**What:**` names the talk, `**When:**` its time; a card at a
        // booth is none. London, BST (+1).
        (
            "what_and_when_fields.md",
            vec![
                (
                    "Cilium in production",
                    "2025-04-03T10:00:00Z",
                    "2025-04-03T11:00:00Z",
                ),
                (
                    "Hubble deep dive",
                    "2025-04-04T13:00:00Z",
                    "2025-04-04T13:30:00Z",
                ),
            ],
        ),
        // An HTML table whose When cells break the date from the time with
        // `<br>`. London, GMT (+0) in February.
        (
            "html_table_with_breaks_in_cells.md",
            vec![
                ("Open source AI", "2025-02-04T10:30:00Z", ""),
                (
                    "Funding maintainers",
                    "2025-02-05T14:00:00Z",
                    "2025-02-05T14:30:00Z",
                ),
            ],
        ),
        // A session's label, its time in parentheses, then the title, one
        // per line of a paragraph; a meal's label is no talk. Lisbon, WEST
        // (+1).
        (
            "session_labels_with_times_in_parentheses.md",
            vec![
                (
                    "Foundations of type theory",
                    "2025-07-07T08:00:00Z",
                    "2025-07-07T09:30:00Z",
                ),
                (
                    "Dependent types in Lean",
                    "2025-07-07T13:00:00Z",
                    "2025-07-07T14:30:00Z",
                ),
                (
                    "Proof automation",
                    "2025-07-08T08:00:00Z",
                    "2025-07-08T11:30:00Z",
                ),
            ],
        ),
        // A time, then a title in quotation marks and its presenter: the
        // title without them (a link's text keeps its own). Salt Lake City,
        // MST (-7).
        (
            "quoted_titles_after_the_time.md",
            vec![
                (
                    "Building a platform with Backstage",
                    "2024-11-13T18:15:00Z",
                    "",
                ),
                ("Scorecards for everyone", "2024-11-14T22:25:00Z", ""),
                ("\"Quoted link title\"", "2024-11-15T16:00:00Z", ""),
            ],
        ),
        // A `Time:` field, then a `Title:` field in the same item (and a
        // `Location:` that names no talk). Salt Lake City, MST (-7).
        (
            "time_field_then_title_field.md",
            vec![
                (
                    "Policy as code with Kyverno",
                    "2024-11-13T18:00:00Z",
                    "2024-11-13T18:30:00Z",
                ),
                (
                    "Kyverno CLI deep dive",
                    "2024-11-13T21:30:00Z",
                    "2024-11-13T22:05:00Z",
                ),
            ],
        ),
        // `CST` in a Hong Kong post is China Standard Time (+8), not US
        // Central (-6), a 14-hour difference.
        (
            "zone_abbreviations_read_by_the_city.md",
            vec![
                (
                    "Multi-cluster networking",
                    "2024-08-21T03:00:00Z",
                    "2024-08-21T03:35:00Z",
                ),
                (
                    "Edge AI with KubeEdge",
                    "2024-08-22T06:15:00Z",
                    "2024-08-22T06:50:00Z",
                ),
            ],
        ),
        // `**Tuesday**` headings count from the event's dates in the prose
        // (March 25–27), not from the post's date. Santa Clara,
        // California (not Cuba), PDT (-7).
        (
            "weekday_headings_under_the_event_dates.md",
            vec![
                (
                    "Incident review at scale",
                    "2025-03-25T17:45:00Z",
                    "2025-03-25T18:30:00Z",
                ),
                (
                    "SLOs that matter",
                    "2025-03-26T21:00:00Z",
                    "2025-03-26T21:45:00Z",
                ),
            ],
        ),
        // Days with a weekday and no year, before the post's date: the
        // post's year, not the next year they fall on that weekday (2031).
        // Ghent, CET (+1).
        (
            "weekdays_before_the_post_date.md",
            vec![
                ("Talk A", "2025-02-03T10:00:00Z", ""),
                ("Talk B", "2025-02-04T14:30:00Z", ""),
            ],
        ),
        // A time, a room, then the title in italics after `·`. Bologna,
        // CEST (+2).
        (
            "room_then_italic_title.md",
            vec![
                ("Typing in practice", "2025-05-29T09:15:00Z", ""),
                ("Async Django", "2025-05-29T13:00:00Z", ""),
            ],
        ),
        // A `Session ID` column is a catalogue's number, no talk of its own.
        // Las Vegas, PST (-8).
        (
            "session_id_column.md",
            vec![
                (
                    "Scaling containers",
                    "2024-12-03T18:00:00Z",
                    "2024-12-03T19:00:00Z",
                ),
                (
                    "Serverless at scale",
                    "2024-12-04T22:30:00Z",
                    "2024-12-04T23:30:00Z",
                ),
            ],
        ),
        // A calendar emoji before the date and time that open the item.
        // Vienna, CEST (+2).
        (
            "calendar_emoji_before_the_time.md",
            vec![
                ("Supply chains", "2024-09-16T09:55:00Z", ""),
                ("Fuzzing the kernel", "2024-09-17T13:10:00Z", ""),
            ],
        ),
        // `**Day 1 — 7 October 2024**`: the 7th, not a range of days from
        // the 1st. Copenhagen, CEST (+2).
        (
            "numbered_days_with_their_dates.md",
            vec![
                (
                    "Keynote: Open by default",
                    "2024-10-07T07:00:00Z",
                    "2024-10-07T07:30:00Z",
                ),
                (
                    "Building a community",
                    "2024-10-07T07:45:00Z",
                    "2024-10-07T08:30:00Z",
                ),
                (
                    "Licensing clinic",
                    "2024-10-08T07:00:00Z",
                    "2024-10-08T07:45:00Z",
                ),
            ],
        ),
        // HTML cards that show the time (in a `<span>`) above the title's
        // `<h3>`, then the speaker. London, BST (+1).
        (
            "html_cards_with_the_time_above_the_title.md",
            vec![
                (
                    "Loki 3.0 in production",
                    "2024-09-25T10:40:00Z",
                    "2024-09-25T11:10:00Z",
                ),
                (
                    "Tempo and traces at scale",
                    "2024-09-26T13:00:00Z",
                    "2024-09-26T13:30:00Z",
                ),
            ],
        ),
        // Dotted clocks with a German "Uhr" before the title. Karlsruhe,
        // CEST (+2).
        (
            "dotted_clocks_with_uhr.md",
            vec![
                (
                    "Reverse engineering firmware",
                    "2024-05-30T12:00:00Z",
                    "2024-05-30T12:45:00Z",
                ),
                (
                    "Mesh networking",
                    "2024-05-30T14:30:00Z",
                    "2024-05-30T15:15:00Z",
                ),
            ],
        ),
        // An Event column names the conference, the Talk column the talk:
        // one talk a row. CET (+1) and GMT written.
        (
            "event_and_talk_columns.md",
            vec![
                ("Java records", "2024-11-12T13:00:00Z", ""),
                ("Virtual threads", "2024-12-03T10:00:00Z", ""),
            ],
        ),
        // A meetup's agenda: doors and the apéro are no talks. Zurich, CET
        // (+1).
        (
            "meetup_agenda_with_an_apero.md",
            vec![
                ("Gateway API in practice", "2024-11-19T17:30:00Z", ""),
                ("Cluster API at scale", "2024-11-19T18:15:00Z", ""),
            ],
        ),
        // Two events in one post, each under a heading naming its city:
        // each section in its city's zone (Amsterdam CEST +2, Atlanta EST
        // -5 after DST ended); a talk's own heading names no place.
        (
            "two_events_in_two_cities.md",
            vec![
                (
                    "Securing the build",
                    "2025-08-25T12:30:00Z",
                    "2025-08-25T13:10:00Z",
                ),
                (
                    "Zero-trust CI",
                    "2025-11-11T16:00:00Z",
                    "2025-11-11T16:30:00Z",
                ),
                (
                    "Lessons from Tokyo",
                    "2025-11-12T19:15:00Z",
                    "2025-11-12T19:45:00Z",
                ),
            ],
        ),
        // A bold title, a `Speaker:` field, then the date and time alone
        // (and a room): the room is no title. Atlanta, EDT (-4).
        (
            "speaker_field_then_date_line.md",
            vec![
                (
                    "Recipes in Drupal 11",
                    "2025-03-25T17:00:00Z",
                    "2025-03-25T17:45:00Z",
                ),
                (
                    "Headless with Next.js",
                    "2025-03-26T13:00:00Z",
                    "2025-03-26T13:45:00Z",
                ),
            ],
        ),
        // A heading or an item whose time is in the parentheses that end
        // it; a weekday alone is the next such day after the talk above.
        // Seattle, PDT (-7).
        (
            "time_in_parentheses_after_the_title.md",
            vec![
                ("Async traits in practice", "2025-09-03T21:30:00Z", ""),
                ("The borrow checker, explained", "2025-09-04T17:00:00Z", ""),
                (
                    "Notebooks at scale",
                    "2025-09-05T17:30:00Z",
                    "2025-09-05T18:00:00Z",
                ),
                (
                    "Kernels in the browser",
                    "2025-09-05T21:00:00Z",
                    "2025-09-05T21:30:00Z",
                ),
            ],
        ),
        // Plain titles, then the date and time after a separator, then a
        // room or a speaker; the quotation marks of a title that is no
        // link's text go. Bangkok, ICT (+7).
        (
            "plain_titles_then_date_time_and_room.md",
            vec![
                (
                    "Open hardware for classrooms$",
                    "2025-03-13T07:00:00Z",
                    "2025-03-13T07:30:00Z",
                ),
                (
                    "Translating docs at scale$",
                    "2025-03-14T04:00:00Z",
                    "2025-03-14T04:30:00Z",
                ),
                (
                    "Community lightning talks",
                    "2025-03-15T03:00:00Z",
                    "2025-03-15T03:45:00Z",
                ),
                ("Closing panel", "2025-03-15T09:00:00Z", ""),
            ],
        ),
        // A definition list (kramdown, Pandoc): the time is the term, the
        // title its description after `: `. Berlin, CEST (+2).
        (
            "definition_list_times.md",
            vec![
                (
                    "Writing parsers with nom$",
                    "2025-06-14T08:00:00Z",
                    "2025-06-14T08:45:00Z",
                ),
                (
                    "Embedded Rust on the RP2040",
                    "2025-06-14T09:00:00Z",
                    "2025-06-14T09:45:00Z",
                ),
            ],
        ),
        // A title in italics or bold after the time, then its speakers
        // or room, which are not the title; a short label before it stays.
        // Raleigh, EDT (-4).
        (
            "set_off_titles_then_speakers.md",
            vec![
                (
                    "Why your CI is slow$",
                    "2024-10-28T15:45:00Z",
                    "2024-10-28T16:30:00Z",
                ),
                ("Fearless FFI$", "2024-10-28T22:30:00Z", ""),
                (
                    "Talk: Data contracts that work$",
                    "2024-10-29T14:45:00Z",
                    "2024-10-29T15:15:00Z",
                ),
                ("eBPF, from zero to production$", "2024-10-29T17:00:00Z", ""),
            ],
        ),
        // Dates with dots are day first (04.02 is 4 February, never 2
        // April); `14h-15h`, an hour alone with its "h" in a range. Lyon,
        // CET (+1).
        (
            "dotted_dates_and_hours_with_h.md",
            vec![
                (
                    "Découvrir Rust$",
                    "2025-01-28T13:00:00Z",
                    "2025-01-28T14:00:00Z",
                ),
                (
                    "Docker en pratique$",
                    "2025-02-04T08:30:00Z",
                    "2025-02-04T10:00:00Z",
                ),
            ],
        ),
        // A calendar and a clock emoji before each field of the line under
        // a heading that names the talk. Chicago, CDT (-5).
        (
            "emoji_before_each_field.md",
            vec![
                ("Observability as a team sport$", "2025-08-27T19:00:00Z", ""),
                (
                    "Chaos engineering on a shoestring$",
                    "2025-08-28T15:30:00Z",
                    "",
                ),
            ],
        ),
        // A title, then its date and `@ 9am` in three zones that agree.
        // PST (-8) in January.
        (
            "episodes_with_the_start_in_three_zones.md",
            vec![
                (
                    "Episode 12: Debugging Kubernetes networking$",
                    "2025-01-09T17:00:00Z",
                    "",
                ),
                ("Episode 13: GitOps with Flux$", "2025-01-23T17:00:00Z", ""),
            ],
        ),
        // `11/04/2024` reads either way alone; the post's `10/28/2024`
        // puts the month first. New York, EDT (-4), then EST (-5) from 3
        // November.
        (
            "numeric_dates_settled_by_another.md",
            vec![
                ("Helm charts Q&A$", "2024-10-28T18:00:00Z", ""),
                ("Operators Q&A$", "2024-11-04T19:00:00Z", ""),
            ],
        ),
        // `Date:` and `Time:` fields in one HTML paragraph, broken by
        // `<br>`, under the title's heading. EST (-5), then EDT (-4) from 9
        // March.
        (
            "html_fields_broken_by_br.md",
            vec![
                (
                    "Intro to Kubernetes operators$",
                    "2025-03-05T19:00:00Z",
                    "2025-03-05T20:00:00Z",
                ),
                (
                    "Building admission webhooks$",
                    "2025-03-12T18:00:00Z",
                    "2025-03-12T19:00:00Z",
                ),
            ],
        ),
        // Under the title's heading, a date alone, then the time alone on
        // the next line (a Markdown hard break, or `<br>`); a room under
        // them is no title.
        (
            "date_line_then_time_line.md",
            vec![
                (
                    "Intro to Kubernetes operators$",
                    "2025-03-05T19:00:00Z",
                    "2025-03-05T20:00:00Z",
                ),
                (
                    "Building admission webhooks$",
                    "2025-03-12T18:00:00Z",
                    "2025-03-12T19:00:00Z",
                ),
                (
                    "Writing custom controllers$",
                    "2025-03-19T18:00:00Z",
                    "2025-03-19T19:00:00Z",
                ),
            ],
        ),
        // Weekday headings with the time and title, and the event's dates
        // in the prose below them: the weekdays of that week, not of the
        // week after the post's date. PST (-8).
        (
            "weekday_headings_above_the_event_dates.md",
            vec![
                ("Serverless at scale$", "2024-12-03T18:30:00Z", ""),
                ("Cost-aware architectures$", "2024-12-04T22:00:00Z", ""),
            ],
        ),
        // A numbered room before the title is not part of it ("Room for
        // improvement" is a title). Edinburgh, BST (+1).
        (
            "room_then_title_after_the_time.md",
            vec![
                (
                    "Getting started with Julia$",
                    "2025-10-09T09:30:00Z",
                    "2025-10-09T11:00:00Z",
                ),
                (
                    "Parallel computing in Julia$",
                    "2025-10-09T12:30:00Z",
                    "2025-10-09T14:00:00Z",
                ),
                (
                    "Room for improvement: profiling Julia$",
                    "2025-10-09T14:30:00Z",
                    "2025-10-09T15:00:00Z",
                ),
            ],
        ),
        // Items of several events, each naming its city before its date:
        // each in its city's zone (Brussels CET +1, Pasadena PDT -7,
        // Monterrey CST -6); the link after the time is the talk, the bold
        // text the event.
        (
            "events_in_items_with_their_cities.md",
            vec![
                ("Packaging Rust for Debian$", "2024-02-03T13:00:00Z", ""),
                ("Immutable distros$", "2024-03-15T18:30:00Z", ""),
                ("Flatpak in 2024$", "2024-10-12T22:00:00Z", ""),
            ],
        ),
        // Speakers' universities and a title name cities in other zones:
        // no place of the talks. Paris, CET (+1).
        (
            "affiliations_name_no_place.md",
            vec![
                ("Scaling etcd$", "2024-03-20T09:00:00Z", ""),
                ("Policy as code$", "2024-03-20T10:00:00Z", ""),
                ("Lessons from Tokyo$", "2024-03-21T13:00:00Z", ""),
            ],
        ),
        // A bold title, the speaker's line, then a weekday, the time and
        // the room; the event's dates in the prose below. Austin, CDT (-5).
        (
            "bold_title_speaker_then_weekday_time.md",
            vec![
                (
                    "Designing resilient APIs$",
                    "2025-03-18T15:00:00Z",
                    "2025-03-18T15:45:00Z",
                ),
                (
                    "GraphQL federation in practice$",
                    "2025-03-19T20:30:00Z",
                    "2025-03-19T21:15:00Z",
                ),
            ],
        ),
        // Items that open with the event's day number (`Day 2, 15:05`),
        // counted from the dates above. Munich, CEST (+2).
        (
            "numbered_days_in_items.md",
            vec![
                ("Cluster API in anger$", "2025-07-14T09:20:00Z", ""),
                ("eBPF for SREs$", "2025-07-15T13:05:00Z", ""),
            ],
        ),
        // Headings that name the speaker, and a `Talk:` field that names
        // the talk. Oslo, CEST (+2).
        (
            "speaker_headings_with_a_talk_field.md",
            vec![
                (
                    "Event sourcing without tears$",
                    "2025-05-21T09:40:00Z",
                    "2025-05-21T10:40:00Z",
                ),
                (
                    "Blazor in production$",
                    "2025-05-22T07:00:00Z",
                    "2025-05-22T08:00:00Z",
                ),
            ],
        ),
        // A time, a bold title, then the speaker in italics. London, BST
        // (+1).
        (
            "bold_titles_then_italic_speakers.md",
            vec![
                (
                    "Keynote: Go at 15$",
                    "2024-08-14T08:30:00Z",
                    "2024-08-14T09:10:00Z",
                ),
                (
                    "Generics in the wild$",
                    "2024-08-14T09:15:00Z",
                    "2024-08-14T09:55:00Z",
                ),
                (
                    "Profiling with pprof$",
                    "2024-08-15T10:00:00Z",
                    "2024-08-15T10:40:00Z",
                ),
            ],
        ),
        // A bold date, the meetup and its time, then the talk in italics.
        // Berlin and Hamburg, CET (+1).
        (
            "bold_dates_then_italic_titles.md",
            vec![
                ("Writing a database in Rust$", "2025-03-05T18:00:00Z", ""),
                ("Go and SQLite$", "2025-03-19T17:30:00Z", ""),
            ],
        ),
        // Abbreviations of zones in Africa, Asia and the Americas: EAT
        // (+3), WAT (+1), PHT (+8), NST (-3:30), CLT (-4).
        (
            "zone_abbreviations_around_the_world.md",
            vec![
                ("Open data in Nairobi$", "2025-03-04T07:00:00Z", ""),
                ("Fintech APIs in Lagos$", "2025-03-04T13:00:00Z", ""),
                ("Flutter in Manila$", "2025-03-04T03:00:00Z", ""),
                ("Cold-weather computing$", "2025-03-04T22:00:00Z", ""),
                ("Observability in Santiago$", "2025-03-04T13:00:00Z", ""),
            ],
        ),
        // `Tue 3/25 @ 10:45a`: the "@" is no third part of the date (it
        // was read as "Tue 3", a Tuesday the 3rd, in December). Santa
        // Clara, PDT (-7).
        (
            "weekday_and_month_day_with_at.md",
            vec![
                ("Incident command for humans$", "2025-03-25T17:45:00Z", ""),
                ("SLOs in the real world$", "2025-03-26T21:15:00Z", ""),
            ],
        ),
        // Day columns headed `Monday 16.06.`: dotted, day first, no year.
        // Berlin, CEST (+2).
        (
            "weekday_columns_with_dotted_days.md",
            vec![
                ("Vector search at scale$", "2025-06-16T08:00:00Z", ""),
                ("Search relevance tuning$", "2025-06-17T08:00:00Z", ""),
                ("OpenSearch internals$", "2025-06-16T09:00:00Z", ""),
                ("Learning to rank$", "2025-06-17T09:00:00Z", ""),
            ],
        ),
        // `**Day 2**` under "September 4 & 5" with no year written: the
        // second day (it was the first). Amsterdam, CEST (+2).
        (
            "numbered_day_lines_under_a_yearless_date.md",
            vec![
                ("Keynote: Rails 8.1$", "2025-09-04T08:30:00Z", ""),
                ("Solid Queue in production$", "2025-09-04T09:15:00Z", ""),
                ("Hotwire Native$", "2025-09-05T08:00:00Z", ""),
            ],
        ),
        // `**10:30–11:00** · *Title* · Speaker` under weekday headings: the
        // speaker after the dot is not the title. Darmstadt, CEST (+2).
        (
            "italic_titles_between_dots.md",
            vec![
                (
                    "Writing fast Python with Rust$",
                    "2025-04-23T08:30:00Z",
                    "2025-04-23T09:00:00Z",
                ),
                (
                    "Polars in production$",
                    "2025-04-23T12:00:00Z",
                    "2025-04-23T12:30:00Z",
                ),
                (
                    "Testing data pipelines$",
                    "2025-04-24T09:45:00Z",
                    "2025-04-24T10:15:00Z",
                ),
            ],
        ),
        // `Thu`/`Fri` rows under "May 15–16" with no year next to it: the
        // event's days, not the week after the post's date. Kraków, CEST
        // (+2).
        (
            "weekday_rows_under_yearless_event_dates.md",
            vec![
                ("Keynote$", "2025-05-15T08:15:00Z", ""),
                ("LiveView at scale$", "2025-05-15T09:30:00Z", ""),
                ("Phoenix 2.0$", "2025-05-16T07:30:00Z", ""),
            ],
        ),
        // An HTML card whose one line gives the speaker, then the date,
        // time and room after ` · `: the heading is the title. CET (+1).
        (
            "html_cards_with_speaker_and_time_on_one_line.md",
            vec![
                (
                    "Distributed tracing 101$",
                    "2025-11-05T13:00:00Z",
                    "2025-11-05T13:45:00Z",
                ),
                (
                    "Kafka without ZooKeeper$",
                    "2025-11-06T09:00:00Z",
                    "2025-11-06T09:45:00Z",
                ),
            ],
        ),
    ])
}

/// A title is expected to start with the text given (the corpus's
/// `title_prefix`), or, where the text ends with `$`, to be exactly it:
/// for posts whose point is what the title leaves out.
fn title_matches(have: &str, want: &str) -> bool {
    match want.strip_suffix('$') {
        Some(exact) => have == exact,
        None => have.starts_with(want),
    }
}

#[test]
fn every_layout_family_gives_its_talks_at_the_right_time() {
    let dir = repo().join("tests/layouts");
    let o = run(almanac()
        .args(["list", "--format", "json", "--posts"])
        .arg(&dir));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut got: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for t in &listed {
        let file = std::path::Path::new(t["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        got.entry(file).or_default().push((
            t["title"].as_str().unwrap().to_string(),
            t["start_utc"].as_str().unwrap().to_string(),
            t["end_utc"].as_str().unwrap_or("").to_string(),
        ));
    }
    let mut wrong = Vec::new();
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for f in &files {
        assert!(
            expected().contains_key(f.as_str()),
            "{f} has no expectation"
        );
    }
    for (file, want) in expected() {
        let have = got.remove(file).unwrap_or_default();
        let ok = have.len() == want.len()
            && have
                .iter()
                .zip(&want)
                .all(|(h, w)| title_matches(&h.0, w.0) && h.1 == w.1 && h.2 == w.2);
        if !ok {
            wrong.push(format!("{file}:\n  want {want:?}\n  have {have:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `check` names every time that became no talk, with the reason; nothing
/// else in these posts is a problem.
#[test]
fn check_notes_the_times_that_became_no_talk() {
    let o = run(almanac()
        .args(["check", "--posts"])
        .arg(repo().join("tests/layouts")));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    let want = [
        "bold_date_in_prose.md:6: note: a time that became no talk: a time inside running prose",
        "booth_hours_in_fields.md:8: note: a time that became no talk: a time inside running prose",
        "dated_times_before_links.md:6: note: a time that became no talk: a time inside running prose",
        "definition_list_times.md:8: note: a time that became no talk: a time with no title after it or on the next line of its item",
        "italic_titles_in_sentences.md:10: note: a time that became no talk: a time inside running prose",
        "labels_and_deadlines_then_times.md:9: note: a time that became no talk: a time inside running prose",
        "labels_and_deadlines_then_times.md:10: note: a time that became no talk: a time inside running prose",
        "labels_and_deadlines_then_times.md:11: note: a time that became no talk: a time inside running prose",
        "labels_and_deadlines_then_times.md:12: note: a time that became no talk: a time inside running prose",
        "maintenance_window_fields.md:6: note: a time that became no talk: a time inside running prose",
        "medium_export.md:28: note: a time that became no talk: a time with no title",
        "meetup_agenda_with_an_apero.md:10: note: a time that became no talk: a break, meal",
        "meetup_agenda_with_an_apero.md:13: note: a time that became no talk: a break, meal",
        "meetup_when_field.md:11: note: a time that became no talk: a time inside running prose",
        "session_labels_with_times_in_parentheses.md:11: note: a time that became no talk: a time inside running prose",
        "table_time_column.md:13: note: a time that became no talk: a table row",
        "table_with_an_empty_header.md:10: note: a time that became no talk: a table row",
        "talks_in_sentences.md:11: note: a time that became no talk: a time inside running prose",
        "time_headings_then_titles.md:24: note: a time that became no talk: a time with no title after it",
        "time_then_bold.md:12: note: a time that became no talk: a break, meal",
        "title_after_the_time.md:11: note: a time that became no talk: a time inside running prose",
        "title_then_time_under_day_headings.md:16: note: a time that became no talk: a time inside running prose",
        "what_and_when_fields.md:17: note: a time that became no talk: a time inside running prose",
        "what_and_who_columns.md:11: note: a time that became no talk: a table row",
        "workshop_day_with_typo_and_past.md:12: note: a time that became no talk: a break, meal",
        "workshop_day_with_typo_and_past.md:13: warning: 1:00 am is listed after a later entry of the same day; read as 1:00 pm",
        "workshop_day_with_typo_and_past.md:20: note: a time that became no talk: under a heading of past events",
        "zone_in_header_parallel_tracks.md:10: note: a time that became no talk: a table row",
    ];
    assert_eq!(lines.len(), want.len(), "{out}");
    for (line, want) in lines.iter().zip(want) {
        assert!(line.contains(want), "{line:?} lacks {want:?}");
    }
    assert!(text(&o.stderr).contains("0 errors, 1 warnings, 27 notes"));
}

/// `explain` shows each talk's lines and how its date, year and zone were
/// decided.
#[test]
fn explain_says_where_each_part_of_a_time_came_from() {
    let o = run(almanac()
        .arg("explain")
        .arg(repo().join("tests/layouts/day_headings.md")));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    for want in [
        "\"Community days 2025\": 4 talks, found in its text",
        "day_headings.md:15: Contributor panel",
        "  title     line 15: - 9:30am - 10:15am **Contributor panel**",
        "  local     Wed 2025-09-10 09:30 – 10:15 America/Chicago",
        "  UTC       2025-09-10T14:30Z – 2025-09-10T15:15Z",
        "  date      from the nearest day heading or date above",
        "  year      2025, the year the post's title states",
        "  zone      America/Chicago, from front matter `timezone`",
        "  local     Wed 2025-09-10 11:00 – 11:30 (no end written: default_duration) America/Chicago",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}
