#!/usr/bin/env python3
"""Start times of `almanac serve` against `hugo server`, on the same posts.

- cold: an empty output folder: time to the first `200` for /calendar.ics
  (everything is read and rendered first), and the daemon's peak memory;
- warm: a restart after a clean stop (out/ and its state there): time to the
  first `200`, and time until /healthz says it is current ("ok", no longer
  "starting"): at once when nothing changed while it was stopped;
- edited: the same restart after one post was edited while stopped: the
  first `200`, and the time until the edit is read and everything current;
- hugo: `hugo server` on the same posts: time to its first `200` for the home
  page (it renders everything into memory first).

Each is the median of --runs. Absolute times on a shared machine drift; the
ratios are the result. Not a test: it asserts nothing.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("ALMANAC_SHARED", os.path.join(REPO, "..", "shared"))
PEERS = os.path.join(SHARED, "bench")
BIN = os.path.join(REPO, "target", "release", "almanac")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    """Status and body, or (None, b"") when nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except OSError:
        return None, b""


def wait_until(pred, t0, limit=600):
    while time.monotonic() - t0 < limit:
        if pred():
            return time.monotonic() - t0
        time.sleep(0.005)
    raise SystemExit("timed out")


def peak_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def almanac_start(posts, out, cfg):
    """One start: (seconds to first 200, seconds to current, peak MiB). Stops it cleanly."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    d = subprocess.Popen([BIN, "serve", "--posts", posts, "--out", out, "--config", cfg, "--listen", f"127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "error"})
    try:
        first = wait_until(lambda: get(base + "/calendar.ics")[0] == 200, t0)
        current = wait_until(lambda: json.loads(get(base + "/healthz")[1] or b"{}").get("status") in ("ok", "errors"), t0)
        return first, current, peak_mib(d.pid)
    finally:
        d.terminate()
        d.wait()


def hugo_start(posts):
    port = free_port()
    work = tempfile.mkdtemp(prefix="hugo-server-")
    t0 = time.monotonic()
    h = subprocess.Popen(["hugo", "server", "--source", os.path.join(PEERS, "hugo-site"), "--contentDir", posts,
                          "--port", str(port), "--bind", "127.0.0.1", "--noBuildLock", "--disableLiveReload",
                          "--watch=false", "--destination", work],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env={**os.environ, "HUGO_RESOURCEDIR": os.path.join(work, "resources")})
    try:
        first = wait_until(lambda: get(f"http://127.0.0.1:{port}/")[0] == 200, t0)
        return first, peak_mib(h.pid)
    finally:
        h.terminate()
        h.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", required=True, help="folder of generated posts")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    posts = os.path.abspath(a.posts)
    work = tempfile.mkdtemp(prefix="almanac-starts-")
    cfg = os.path.join(work, "empty.yaml")
    open(cfg, "w").close()
    cold, warm, edited, hugo = [], [], [], []
    victim = os.path.join(posts, sorted(f for f in os.listdir(posts) if not f.startswith("."))[0])
    try:
        for _ in range(a.runs):
            out = os.path.join(work, "out")
            shutil.rmtree(out, ignore_errors=True)
            cold.append(almanac_start(posts, out, cfg))
            warm.append(almanac_start(posts, out, cfg))
            original = open(victim, encoding="utf-8").read()
            try:
                with open(victim, "a", encoding="utf-8") as f:
                    f.write("\nEdited while the daemon was stopped.\n")
                edited.append(almanac_start(posts, out, cfg))
            finally:
                with open(victim, "w", encoding="utf-8") as f:
                    f.write(original)
            if not a.no_hugo:
                hugo.append(hugo_start(posts))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = lambda xs: round(statistics.median(xs), 3)
    r = {
        "posts": len([f for f in os.listdir(posts) if not f.startswith(".")]),
        "cold": {"first_s": med([c[0] for c in cold]), "peak_mib": med([c[2] for c in cold])},
        "warm": {"first_s": med([w[0] for w in warm]), "current_s": med([w[1] for w in warm]),
                 "peak_mib": med([w[2] for w in warm])},
        "edited": {"first_s": med([w[0] for w in edited]), "current_s": med([w[1] for w in edited])},
    }
    if hugo:
        r["hugo"] = {"first_s": med([h[0] for h in hugo]), "peak_mib": med([h[1] for h in hugo])}
    print(json.dumps(r))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
