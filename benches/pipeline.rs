//! Hot paths of the pipeline, with criterion (`cargo bench`):
//! talk finding and date parsing per MB of posts, ICS rendering per talk,
//! feed rendering. Inputs are the seeds and the corpus (real posts).

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use almanac::Config;
use almanac::render::{feed, ics};

fn posts() -> Vec<(String, Vec<u8>)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared =
        std::env::var_os("ALMANAC_SHARED").map_or_else(|| repo.join("../shared"), Into::into);
    let mut out = Vec::new();
    for dir in [repo.join("seeds"), Path::new(&shared).join("corpus/real")] {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            out.push((f.display().to_string(), std::fs::read(&f).unwrap()));
        }
    }
    out
}

fn parse_all(input: &[(String, Vec<u8>)], config: &Config) -> Vec<almanac::event::Event> {
    input
        .iter()
        .filter_map(|(name, bytes)| {
            let (post, _) = almanac::post::parse(Path::new(name), bytes, None).ok()?;
            let (talks, _) = almanac::talk::extract(&post, config);
            Some(almanac::event::Event { post, talks })
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let input = posts();
    let bytes: usize = input.iter().map(|(_, b)| b.len()).sum();
    let config = Config::default();

    let mut g = c.benchmark_group("talks");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("find_and_parse_dates", |b| {
        b.iter(|| parse_all(&input, &config))
    });
    g.finish();

    let texts: Vec<String> = input
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    let mut g = c.benchmark_group("date_grammar");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("scan_every_line", |b| {
        b.iter(|| {
            texts
                .iter()
                .flat_map(|t| t.lines())
                .filter(|l| almanac::talk::when::scan(l).time.is_some())
                .count()
        })
    });
    g.finish();

    let events = parse_all(&input, &config);
    let talks: Vec<&almanac::talk::Talk> = events.iter().flat_map(|e| e.talks.iter()).collect();
    let rev = |e: &almanac::event::Event| almanac::site::first_revision(&e.post);
    let mut g = c.benchmark_group("ics");
    g.throughput(Throughput::Elements(talks.len() as u64));
    g.bench_function("vevent_per_talk", |b| {
        b.iter(|| {
            events
                .iter()
                .flat_map(|e| e.talks.iter().map(move |t| ics::vevent(t, rev(e))))
                .count()
        })
    });
    let vevents: Vec<ics::IcsEvent> = events
        .iter()
        .flat_map(|e| e.talks.iter().map(move |t| ics::vevent(t, rev(e))))
        .collect();
    let refs: Vec<&ics::IcsEvent> = vevents.iter().collect();
    let zones = ics::ZoneCache::default();
    let meta = ics::CalendarMeta {
        name: "All".into(),
        description: "All".into(),
        source: "http://x/c.ics".into(),
        refresh: chrono::Duration::hours(1),
    };
    g.bench_function("calendar_of_all_talks", |b| {
        b.iter(|| ics::calendar(&meta, &refs, &zones))
    });
    g.bench_function("gzip_of_all_talks", |b| {
        let cal = ics::calendar(&meta, &refs, &zones);
        b.iter(|| almanac::site::gzip(&cal[..]))
    });
    g.finish();

    let items: Vec<feed::FeedItem> = events.iter().map(|e| feed::item(e, &config)).collect();
    let mut g = c.benchmark_group("feeds");
    g.throughput(Throughput::Elements(items.len() as u64));
    let channel = feed::Channel::site(&config);
    g.bench_function("rss", |b| b.iter(|| feed::rss(&items, &channel, &config)));
    g.bench_function("atom", |b| b.iter(|| feed::atom(&items, &channel, &config)));
    g.bench_function("json", |b| b.iter(|| feed::json(&items, &channel, &config)));
    g.bench_function("item_markdown_to_html", |b| {
        b.iter(|| {
            events
                .iter()
                .map(|e| feed::item(e, &config))
                .collect::<Vec<_>>()
        })
    });
    g.finish();
}

/// The schedules `out/` gets for every event (`subscribe::schedule`), made
/// from a snapshot of the corpus: per talk, since a build makes one pair per
/// event and a big site has hundreds of thousands of talks.
fn schedules(c: &mut Criterion) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared =
        std::env::var_os("ALMANAC_SHARED").map_or_else(|| repo.join("../shared"), Into::into);
    let mut site = almanac::site::Site::new(Config::default());
    site.load_all(&Path::new(&shared).join("corpus/real"))
        .unwrap();
    let snapshot = site.snapshot(None, chrono::Utc::now());
    let talks: usize = snapshot.events.values().map(|e| e.vevents.len()).sum();
    let mut g = c.benchmark_group("schedules");
    g.throughput(Throughput::Elements(talks as u64));
    g.bench_function("xml_and_json_per_talk", |b| {
        b.iter(|| {
            snapshot
                .events
                .values()
                .map(|e| {
                    almanac::subscribe::schedule::schedules(e, &snapshot.config)
                        .0
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group! {
    name = pipeline;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = benches, schedules
}
criterion_main!(pipeline);
