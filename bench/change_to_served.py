#!/usr/bin/env python3
"""Change-to-served latency of `almanac serve` (a benchmark, not a test).

Generates N posts with ../shared/bench/gen-posts.py, starts the release
binary on them, then rewrites one post R times -- alternating a write in
place and a write-to-temporary-then-rename (as vim, VS Code and sed -i do) --
and measures, for each, the time from just before the write until a GET of
that post's calendar returns the new bytes. Prints median and p99 and writes
them as JSON. With --load, a wrk load (-t2 -c64) runs against the daemon
while measuring.

Usage: bench/change_to_served.py [--posts 10000] [--rounds 200] [--load]
       [--bin target/release/almanac] [--json FILE]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("ALMANAC_SHARED", os.path.join(REPO, "..", "shared"))



def wait_published(port, limit=600):
    """Waits (bounded) until /healthz says out/ holds what is served."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", "/healthz")
            if json.loads(c.getresponse().read()).get("published"):
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    sys.exit("the first publish did not end")

def generate(n, cache):
    """Generated posts are cached by count: generating 10,000 takes ~15 s."""
    d = os.path.join(cache, f"posts-{n}")
    if not os.path.isdir(d):
        tmp = d + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen-posts.py"), "--posts", str(n), "--out", tmp],
                       check=True, stdout=subprocess.DEVNULL)
        os.rename(tmp, d)
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slug_of(text):
    m = re.search(r"^path:\s*['\"]?([^'\"\n]+)", text, re.M)
    return m.group(1).rstrip("/").rsplit("/", 1)[-1] if m else None


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--load", action="store_true", help="run wrk -t2 -c64 against the daemon meanwhile")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "almanac"))
    ap.add_argument("--cache", default=os.path.join(REPO, "target", "bench-cache"))
    ap.add_argument("--json")
    args = ap.parse_args()

    os.makedirs(args.cache, exist_ok=True)
    src = generate(args.posts, args.cache)
    work = tempfile.mkdtemp(prefix="almanac-bench-")
    posts = os.path.join(work, "posts")
    shutil.copytree(src, posts)
    port = free_port()
    cfg = os.path.join(work, "almanac.yaml")
    with open(cfg, "w") as f:
        f.write("timezone: UTC\n")
    t_start = time.monotonic()
    daemon = subprocess.Popen([args.bin, "serve", "--posts", posts, "--out", os.path.join(work, "out"),
                               "--config", cfg, "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env={**os.environ, "RUST_LOG": "error"})
    wrk = None
    try:
        line = daemon.stdout.readline()
        if "serving" not in line:
            sys.exit(f"daemon did not start: {line!r}")
        startup = time.monotonic() - t_start
        # The first build is served before it is written: measure edits once
        # the first publish is done, not while it competes for the cores.
        wait_published(port)
        # A post whose slug is its own (the generator reuses last path segments).
        names = sorted(os.listdir(posts))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        target = None
        for name in names[len(names) // 2:]:
            text = open(os.path.join(posts, name), encoding="utf-8").read()
            slug = slug_of(text)
            title = re.search(r"^title:\s*['\"]?(.*?)['\"]?\s*$", text, re.M).group(1)
            conn.request("GET", f"/events/{slug}.ics")
            r = conn.getresponse()
            body = r.read().decode("utf-8", "replace")
            body = body.replace("\r\n ", "")
            # Its own calendar, not an older post's of the same title that
            # holds the slug (at 30,000 posts the generator repeats titles):
            # the first talk, the one edited below, must be in it.
            m = re.search(r"\n(?:### )?\[([^\]\n]+)\]\(", text)
            first = m.group(1).split(" - ")[0][:30] if m else None
            if r.status == 200 and title[:30] in body and first and first in body:
                target = (name, slug, text)
                break
        if not target:
            sys.exit("no post with its own slug found")
        name, slug, original = target
        path = os.path.join(posts, name)
        url = f"/events/{slug}.ics"
        if args.load:
            wrk = subprocess.Popen(["wrk", "-t2", "-c64", "-d600s", f"http://127.0.0.1:{port}{url}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        # The first talk's title gets a marker word that changes every round.
        m = re.search(r"\n(?:### )?\[([^\]\n]+)\]\(", original)
        para = m.group(1)
        print(f"measuring: daemon pid {daemon.pid}", file=sys.stderr, flush=True)
        latencies = []
        for i in range(args.rounds):
            marker = f"benchmark{i}x{os.getpid()}"
            new = original.replace(f"[{para}](", f"[{marker} {para}](", 1)
            t0 = time.monotonic()
            if i % 2 == 0:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)
            else:
                tmp = os.path.join(posts, f".{name}.swp")
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write(new)
                os.rename(tmp, path)
            deadline = t0 + 30
            while True:
                conn.request("GET", url)
                r = conn.getresponse()
                body = r.read()
                if marker.encode() in body.replace(b"\r\n ", b""):
                    latencies.append((time.monotonic() - t0) * 1000)
                    break
                if time.monotonic() > deadline:
                    sys.exit(f"round {i}: new bytes not served within 30 s")
            time.sleep(0.05)
        result = {
            "posts": args.posts,
            "rounds": args.rounds,
            "load": "wrk -t2 -c64" if args.load else None,
            "startup_s": round(startup, 2),
            "median_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(percentile(latencies, 99), 2),
            "max_ms": round(max(latencies), 2),
        }
        print(f"change to served, {args.posts} posts, {args.rounds} rounds"
              f"{' under wrk load' if args.load else ''}: median {result['median_ms']} ms, "
              f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms (startup {result['startup_s']} s)")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=2)
        return result
    finally:
        if wrk:
            wrk.terminate()
        daemon.terminate()
        daemon.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
