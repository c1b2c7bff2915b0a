//! The `almanac` command: parses flags, loads the configuration, calls the
//! library, and maps the outcome to an exit code (0 fine, 1 problems in
//! posts, 2 cannot run).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use almanac::Config;
use almanac::diag::{Diagnostic, Severity};
use almanac::site::Site;

#[derive(Parser)]
#[command(
    name = "almanac",
    version,
    about = "Turns blog posts announcing conference talks into calendars and feeds, and keeps them published."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Inputs {
    /// Folder of posts (*.md, *.markdown, *.txt), read recursively.
    #[arg(long, default_value = "seeds")]
    posts: PathBuf,
    /// Configuration file [default: almanac.yaml in the working directory, if present].
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Build everything, then watch the posts, republish on every change and serve over HTTP until SIGTERM/SIGINT (SIGHUP reloads the configuration).
    Serve {
        #[command(flatten)]
        inputs: Inputs,
        /// Output folder, kept in step with what is served.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Address to listen on (ignored when systemd passes a socket).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Connections served at once.
        #[arg(long, default_value_t = 4096)]
        max_connections: usize,
        /// Seconds a client gets to send a request's headers before it is cut off.
        #[arg(long, default_value_t = 10)]
        header_timeout: u64,
    },
    /// Write every calendar and feed once into the output folder, then print a summary.
    Build {
        #[command(flatten)]
        inputs: Inputs,
        /// Output folder; only changed files are written, stale ones removed.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Check every post and print each problem as `path:line: error|warning: message`; writes nothing. Exits 1 if there is an error.
    Check {
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Explain one post: each talk found, the lines it came from, how its date, year and zone were decided, and every time that became no talk.
    Explain {
        /// The post file.
        post: PathBuf,
        /// Configuration file [default: almanac.yaml in the working directory, if present].
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// List every talk found, with its UTC start and end, as text or JSON; writes nothing.
    List {
        #[command(flatten)]
        inputs: Inputs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum ListFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("almanac: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, almanac::Error> {
    match cli.command {
        Command::Serve {
            inputs,
            out,
            listen,
            max_connections,
            header_timeout,
        } => {
            let opts = almanac::daemon::Options {
                posts: inputs.posts,
                out,
                config: inputs.config,
                limits: almanac::http::Limits {
                    max_connections,
                    header_timeout: std::time::Duration::from_secs(header_timeout.max(1)),
                    ..Default::default()
                },
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(almanac::Error::Runtime)?;
            rt.block_on(async {
                // Signals first: one that arrives during the first build waits.
                let control = controls_from_signals()?;
                let listener = almanac::daemon::bind(listen).await?;
                almanac::daemon::run(listener, opts, control).await
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Build { inputs, out } => {
            let config = Config::load(inputs.config.as_deref())?;
            let s = almanac::build::build(&inputs.posts, &out, &config)?;
            print_problems(std::io::stderr().lock(), &s.diagnostics);
            println!(
                "{} posts, {} talks, {} warnings, {} errors; {} files written, {} unchanged, {} removed in {}",
                s.posts,
                s.talks,
                s.warnings(),
                s.errors(),
                s.report.written,
                s.report.unchanged,
                s.report.removed,
                out.display()
            );
            Ok(if s.errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Explain { post, config } => {
            let config = Config::load(config.as_deref())?;
            match almanac::explain::explain(&post, &config) {
                Ok(text) => {
                    print!("{text}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(d) => {
                    println!("{d}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Check { inputs } => {
            let config = Config::load(inputs.config.as_deref())?;
            let diags = check(&inputs, &config)?;
            print_problems(std::io::stdout().lock(), &diags);
            let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
            let errors = count(Severity::Error);
            eprintln!(
                "{errors} errors, {} warnings, {} notes",
                count(Severity::Warning),
                count(Severity::Note)
            );
            Ok(if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::List { inputs, format } => {
            let config = Config::load(inputs.config.as_deref())?;
            let mut site = Site::new(config);
            site.load_all(&inputs.posts)?;
            let snapshot = site.snapshot(None, chrono::Utc::now());
            print_problems(std::io::stderr().lock(), &snapshot.problems.all());
            let events = site.published();
            let mut rows = Vec::new();
            for ev in events {
                for t in &ev.talks {
                    rows.push(serde_json::json!({
                        "file": ev.post.path,
                        "post": ev.post.slug,
                        "line": t.line,
                        "title": t.title,
                        "speakers": t.speakers_text(),
                        "start_utc": t.when.start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                        "end_utc": t.when.has_end.then(|| t.when.end.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                        "uid": t.uid,
                    }));
                }
            }
            match format {
                ListFormat::Json => println!("{}", serde_json::Value::Array(rows)),
                ListFormat::Text => {
                    for r in rows {
                        println!(
                            "{}:{}: {} – {} {}",
                            r["file"].as_str().unwrap_or(""),
                            r["line"],
                            r["start_utc"].as_str().unwrap_or(""),
                            r["end_utc"].as_str().unwrap_or("?"),
                            r["title"].as_str().unwrap_or("")
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// SIGHUP → reload; SIGTERM, SIGINT → stop. Registered before anything else
/// runs; must be called within the runtime.
fn controls_from_signals()
-> Result<tokio::sync::mpsc::UnboundedReceiver<almanac::daemon::Control>, almanac::Error> {
    use almanac::daemon::Control;
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind| signal(kind).map_err(almanac::Error::Signals);
    let (mut hup, mut term, mut int) = (
        listen(SignalKind::hangup())?,
        listen(SignalKind::terminate())?,
        listen(SignalKind::interrupt())?,
    );
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let control = tokio::select! {
                _ = hup.recv() => { tracing::info!("SIGHUP"); Control::Reload }
                _ = term.recv() => { tracing::info!("SIGTERM"); Control::Stop }
                _ = int.recv() => { tracing::info!("SIGINT"); Control::Stop }
            };
            if tx.send(control).is_err() {
                break;
            }
        }
    });
    Ok(rx)
}

/// Every problem in the posts, sorted by file and line.
fn check(inputs: &Inputs, config: &Config) -> Result<Vec<Diagnostic>, almanac::Error> {
    let mut site = Site::new(config.clone());
    site.load_all(&inputs.posts)?;
    let mut all = site.snapshot(None, chrono::Utc::now()).problems.all();
    // The times that became no talk, so a missed talk does not go unseen.
    let mut notes = Vec::new();
    for event in site.published() {
        let errors: Vec<_> = all
            .iter()
            .filter(|d| d.path == event.post.path && d.is_error())
            .cloned()
            .collect();
        notes.extend(almanac::talk::unused_times(
            &event.post,
            &event.talks,
            &errors,
        ));
    }
    all.extend(notes);
    all.sort();
    Ok(all)
}

/// One problem per line, written in blocks: a big site has tens of
/// thousands of warnings, and stderr is unbuffered (a write per piece).
fn print_problems(to: impl std::io::Write, diags: &[almanac::diag::Diagnostic]) {
    use std::io::Write;
    let mut to = std::io::BufWriter::with_capacity(64 * 1024, to);
    for d in diags {
        // A closed pipe (`almanac check | head`) is not an error of ours.
        if writeln!(to, "{d}").is_err() {
            return;
        }
    }
    let _ = to.flush();
}

/// Structured logs on stderr; plain (no colours, no timestamps) under
/// journald, which adds its own. `RUST_LOG` filters (default `info`).
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let journald = std::env::var_os("JOURNAL_STREAM").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && !journald)
        .with_target(false);
    if journald {
        builder.without_time().init();
    } else {
        builder.init();
    }
}
