//! Helpers shared by the integration tests: where the binary, the shared
//! folder and the validators are, and how to run them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `almanac` binary Cargo built for these tests.
pub fn almanac() -> Command {
    Command::new(env!("CARGO_BIN_EXE_almanac"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository (or `ALMANAC_SHARED`).
pub fn shared() -> PathBuf {
    std::env::var_os("ALMANAC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
}

/// A validator script; panics (never skips) when the validators are not installed.
pub fn validator(name: &str) -> PathBuf {
    let dir = shared().join("validators");
    let ready = dir.join(".venv/bin/python").exists() && dir.join("node_modules/ical.js").exists();
    assert!(
        ready,
        "the validators are not installed: run {}/install.sh (CI's .ci/run does)",
        dir.display()
    );
    dir.join(name)
}

/// The seed post whose first talk tests move: 09:00-09:10 am MST on
/// 12 November 2024, in `/events/cilium-kubecon-na-2024.ics`.
pub const SEED_POST: &str = "001_751c3eeda9040c24.txt";

/// Moves that talk to `new` (e.g. "08:35 am - 08:50 am") in the copy of the
/// seeds at `posts`; returns the post's text before.
pub fn move_seed_talk(posts: &Path, new: &str) -> String {
    let path = posts.join(SEED_POST);
    let text = std::fs::read_to_string(&path).unwrap();
    let moved = text.replace("09:00 am - 09:10 am MST", &format!("{new} MST"));
    assert_ne!(moved, text, "the seed's talk is where tests expect it");
    std::fs::write(&path, moved).unwrap();
    text
}

/// Sets (`"+i"`) or clears (`"-i"`) a file's immutable attribute: nothing
/// can then be written in that folder, even by root, whom permissions do
/// not stop.
pub fn chattr(flag: &str, path: &Path) {
    let s = std::process::Command::new("chattr")
        .arg(flag)
        .arg(path)
        .status()
        .expect("chattr (e2fsprogs) runs");
    assert!(s.success(), "chattr {flag} {}", path.display());
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("command runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Copies every file of `src` into `dst` (created if needed).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for f in files(src) {
        std::fs::copy(src.join(&f), dst.join(&f)).unwrap();
    }
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs a validator on many files, a few at a time; returns the failures.
pub fn validate_all(script: &str, files: &[PathBuf]) -> Vec<String> {
    let script = validator(script);
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(4).max(1)).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let script = script.clone();
                s.spawn(move || {
                    let mut failures = Vec::new();
                    for f in chunk {
                        let out = Command::new(&script)
                            .arg(f)
                            .output()
                            .expect("validator runs");
                        if !out.status.success() {
                            failures.push(format!(
                                "{}:\n{}{}",
                                f.display(),
                                text(&out.stdout),
                                text(&out.stderr)
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

/// A running `almanac serve` on 127.0.0.1:0, killed when dropped.
pub struct Daemon {
    pub child: std::process::Child,
    pub addr: String,
    pub dir: tempfile::TempDir,
    /// Everything the daemon wrote to stderr so far. A thread reads it as it
    /// comes: a pipe nobody reads fills at 64 KiB (one panic's backtrace can
    /// be that long) and then blocks the daemon's every log line.
    log: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Daemon {
    /// Starts the daemon on a copy of `posts` (or an empty folder), with
    /// `config` as its configuration file.
    pub fn start(posts: Option<&Path>, config: &str) -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("posts");
        std::fs::create_dir_all(&p).unwrap();
        if let Some(src) = posts {
            copy_dir(src, &p);
        }
        std::fs::write(dir.path().join("almanac.yaml"), config).unwrap();
        Self::spawn(dir, &[])
    }

    /// Starts the daemon in `dir` (which holds `posts/` and `almanac.yaml`),
    /// with extra `serve` arguments.
    pub fn spawn(dir: tempfile::TempDir, extra_args: &[&str]) -> Daemon {
        Self::spawn_with_env(dir, extra_args, &[])
    }

    /// As [`Daemon::spawn`], with environment variables for the daemon.
    pub fn spawn_with_env(
        dir: tempfile::TempDir,
        extra_args: &[&str],
        env: &[(&str, &str)],
    ) -> Daemon {
        use std::io::BufRead;
        let mut cmd = almanac();
        cmd.current_dir(dir.path())
            .args([
                "serve",
                "--posts",
                "posts",
                "--out",
                "out",
                "--config",
                "almanac.yaml",
                "--listen",
                "127.0.0.1:0",
            ])
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.args(extra_args);
        // After the defaults, so a test may set RUST_LOG too.
        cmd.envs(env.iter().copied());
        let mut child = cmd.spawn().expect("almanac serve starts");
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        let d = Daemon {
            child,
            addr,
            dir,
            log,
            reader: Some(reader),
        };
        // The first build is served before it is written: tests read `out/`.
        d.wait_for("/healthz", "the first publish", settled);
        d
    }

    /// All the daemon wrote to stderr, once it has exited (waits for the
    /// reader to reach the end of the pipe).
    pub fn exited_stderr(&mut self) -> String {
        assert!(
            self.child.try_wait().unwrap().is_some(),
            "the daemon has exited"
        );
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        self.stderr()
    }

    /// What the daemon has written to stderr so far (all of it, once it
    /// has exited and the reader has caught up).
    pub fn stderr(&self) -> String {
        text(&self.log.lock().unwrap())
    }

    pub fn posts(&self) -> PathBuf {
        self.dir.path().join("posts")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path, &[])
    }

    /// Polls `path` until `pred` holds (bounded: 20 s), returning the reply.
    pub fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&Reply) -> bool) -> Reply {
        wait_for(&self.addr, path, what, pred)
    }

    pub fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a `/healthz` reply says the output folder holds what is served
/// (or that it cannot be written: then it never will).
pub fn settled(r: &Reply) -> bool {
    let h: serde_json::Value = match serde_json::from_slice(&r.body) {
        Ok(h) => h,
        Err(_) => return false,
    };
    h["published"] == true || !h["publish_error"].is_null()
}

/// Polls `path` on `addr` until `pred` holds (bounded: 20 s), returning the
/// reply; fails naming `what` and the last reply.
pub fn wait_for(addr: &str, path: &str, what: &str, pred: impl Fn(&Reply) -> bool) -> Reply {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let r = request(addr, "GET", path, &[]);
        if pred(&r) {
            return r;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what} at {path}; last: {} {}",
            r.status,
            r.text()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// An HTTP response read off the wire.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        text(&self.body)
    }
}

/// One request on a fresh connection, written by hand so tests control
/// every byte (the server is what is being tested, not a client library).
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        raw.push_str(&format!("{k}: {v}\r\n"));
    }
    raw.push_str("\r\n");
    raw_request(addr, raw.as_bytes(), method == "HEAD")
}

/// Sends raw bytes, reads one response.
pub fn raw_request(addr: &str, raw: &[u8], head: bool) -> Reply {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    s.write_all(raw).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse_reply(&buf, head)
}

pub fn parse_reply(buf: &[u8], head: bool) -> Reply {
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", text(buf)));
    let head_text = text(&buf[..end]);
    let mut lines = head_text.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = buf[end + 4..].to_vec();
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if let Some(len) = len.filter(|_| !head) {
        body.truncate(len);
    }
    Reply {
        status,
        headers,
        body,
    }
}
