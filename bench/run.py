#!/usr/bin/env python3
"""almanac against Hugo and nginx on the same generated posts (see bench/run.sh).

1. Full build: `almanac build` vs `hugo`, wall time, CPU time and peak
   memory (medians of --runs, interleaved), at each size: into new folders,
   none deleted until all have run (fresh_builds says why), then with the
   peers' build-bench.py, which empties the folder just before each build.
2. No-op rebuild: `almanac build` again, nothing changed: wall time, files written.
3. Change to served: bench/change_to_served.py at each size from 10,000 posts
   up (the largest if none is that large), without and with a wrk load.
4. Serving: wrk -t2 -c64 against `almanac serve` and nginx (gzip_static on
   almanac's own .gz files) for one per-event calendar: plain, gzip, 304.
5. Memory of `almanac serve`: peak and steady. Serving and its memory are
   measured at 10,000 posts, where their targets are set (the largest size
   if 10,000 is not run).
6. Starts (bench/starts.py) at each size: cold (empty out/) and warm (after a
   clean stop) time to the first 200, warm time until current, against
   `hugo server`'s time to its first 200.

Absolute times on a shared 2-core machine drift; the ratios are the result.
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("ALMANAC_SHARED", os.path.join(REPO, "..", "shared"))
PEERS = os.path.join(SHARED, "bench")
BIN = os.path.join(REPO, "target", "release", "almanac")
# The peers' build benchmark, whose parser of /usr/bin/time -v is used here too.
_spec = importlib.util.spec_from_file_location("build_bench", os.path.join(PEERS, "build-bench.py"))
build_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_bench)


# The size at which the serving and change-to-served targets are set.
TARGET_SIZE = 10000


def change_sizes(sizes):
    """Change to served grows with the site (each edit remakes what lists
    every event), so it is measured at each size from the target's up."""
    return [n for n in sizes if n >= TARGET_SIZE] or [max(sizes)]


def serve_size(sizes):
    return TARGET_SIZE if TARGET_SIZE in sizes else max(sizes)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def builds(a, work, results):
    cfg = os.path.join(work, "empty.yaml")
    open(cfg, "w").close()
    out_json = os.path.join(results, "build.json")
    p = subprocess.run([sys.executable, os.path.join(PEERS, "build-bench.py"), "--sizes", a.sizes, "--runs", str(a.runs),
                        "--work", work, "--json", out_json,
                        "--cmd", "{here}/hugo-build.sh {posts} {out} --quiet",
                        "--cmd", f"{BIN} build --posts {{posts}} --out {{out}} --config {cfg} 2>/dev/null",
                        "--label", "hugo,almanac"], text=True, capture_output=True)
    print(p.stdout, end="")
    if p.returncode:
        sys.exit(p.stderr)
    return json.load(open(out_json)), cfg


def time_v(cmd):
    """Wall, CPU and peak memory of a shell command: /usr/bin/time -v, read
    by the peers' own build-bench.py, so both build measurements parse alike."""
    p = subprocess.run(["/usr/bin/time", "-v", "sh", "-c", cmd], capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"build failed: {cmd}\n{p.stderr[-2000:]}")
    r = build_bench.parse_time_v(p.stderr)
    r["cpu_s"] = r["user_s"] + r["sys_s"]
    return r


def posts_dir(work, n):
    """The generated posts of size `n` (seed 1), made if missing, as
    build-bench.py makes and keeps them."""
    posts = os.path.join(work, f"posts-{n}-seed1")
    if not os.path.isdir(posts) or len(os.listdir(posts)) != int(n):
        shutil.rmtree(posts, ignore_errors=True)
        run([sys.executable, os.path.join(PEERS, "gen-posts.py"), "--posts", str(n), "--out", posts, "--seed", "1"])
    return posts


def fresh_builds(a, work, cfg):
    """The same full builds as build-bench.py's (interleaved, medians), each
    into a new folder, with no folder removed until all have run.

    build-bench.py empties the output folder just before each build. On this
    machine's ext4 without a journal, creating files in the minutes after
    tens of thousands were deleted walks past every recently freed inode
    (the kernel's `recently_deleted`, in `find_inode_bit`): 25,000 files take
    7.8 s instead of 0.7-1.4, a cost that falls on whoever writes more files
    (almanac 26,630 per 1,000 posts, per-talk calendars included; Hugo 2,002)
    and that ext4 with a journal, the default, does not have. Both are
    reported: this one is what an operator's build into a new or kept folder
    costs."""
    cmds = {"hugo": f"{os.path.join(PEERS, 'hugo-build.sh')} {{posts}} {{out}} --quiet",
            "almanac": f"{BIN} build --posts {{posts}} --out {{out}} --config {cfg} 2>/dev/null"}
    base = os.path.join(work, "fresh-builds")
    shutil.rmtree(base, ignore_errors=True)
    # No deletion of ours (or of an earlier step) is recent: inodes freed
    # more than a minute ago, their blocks written, are not walked past.
    subprocess.run(["sync"])
    time.sleep(65)
    results = {lab: {} for lab in cmds}
    try:
        for n in a.sizes.split(","):
            posts = posts_dir(work, n)
            runs = {lab: [] for lab in cmds}
            for i in range(a.runs):
                for lab, tpl in cmds.items():
                    out = os.path.join(base, f"{lab}-{n}-{i}")
                    r = time_v(tpl.format(posts=posts, out=out))
                    runs[lab].append(r)
                    print(f"  fresh folder: {lab} N={n} run {i + 1}: wall {r['wall_s']:.2f} s cpu {r['cpu_s']:.2f} s"
                          f" (sys {r['sys_s']:.2f}) maxRSS {r['max_rss_mib']:.0f} MiB", file=sys.stderr, flush=True)
            for lab, rs in runs.items():
                med = {k: statistics.median(r[k] for r in rs) for k in ("wall_s", "cpu_s", "sys_s", "max_rss_mib")}
                results[lab][n] = {"posts": int(n), "runs": rs, "median": med}
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return {"results": results}


def noop(a, work, cfg, size):
    posts = os.path.join(work, f"posts-{size}-seed1")
    out = os.path.join(work, "noop-out")
    shutil.rmtree(out, ignore_errors=True)
    run([BIN, "build", "--posts", posts, "--out", out, "--config", cfg])
    times, written = [], []
    for _ in range(a.runs):
        t = time.monotonic()
        p = run([BIN, "build", "--posts", posts, "--out", out, "--config", cfg])
        times.append(time.monotonic() - t)
        written.append(int(re.search(r"(\d+) files written", p.stdout).group(1)))
    shutil.rmtree(out, ignore_errors=True)
    return {"wall_s": round(statistics.median(times), 3), "files_written": max(written)}


def change_to_served(a, size, load, results):
    out = os.path.join(results, f"change-to-served{'-load' if load else ''}-{size}.json")
    cmd = [sys.executable, os.path.join(HERE, "change_to_served.py"), "--posts", str(size), "--rounds", str(a.rounds),
           "--json", out] + (["--load"] if load else [])
    p = subprocess.run(cmd, text=True, capture_output=True)
    print(p.stdout, end="")
    if p.returncode:
        print(p.stderr, file=sys.stderr)
        return None
    return json.load(open(out))


def serving(a, work, cfg, size, results):
    posts = os.path.join(work, f"posts-{size}-seed1")
    out = os.path.join(work, "serve-out")
    shutil.rmtree(out, ignore_errors=True)
    port_a, port_n = 18181, 18182
    d = subprocess.Popen([BIN, "serve", "--posts", posts, "--out", out, "--config", cfg, "--listen", f"127.0.0.1:{port_a}"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**os.environ, "RUST_LOG": "error"})
    nginx = None
    try:
        d.stdout.readline()
        # Served before it is written: wait (bounded) for the first publish.
        t0 = time.monotonic()
        while time.monotonic() - t0 < 600:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port_a}/healthz", timeout=30) as r:
                    if json.load(r).get("published"):
                        break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        # A per-event calendar of a typical size (the median one).
        events = sorted((os.path.getsize(os.path.join(out, "events", f)), f)
                        for f in os.listdir(os.path.join(out, "events")) if f.endswith(".ics"))
        size_b, name = events[len(events) // 2]
        path = f"/events/{name}"
        nginx = run(["env", "GZIP_STATIC=1", os.path.join(PEERS, "nginx-serve.sh"), out, str(port_n)]).stdout.strip()
        out_json = os.path.join(results, "http.json")
        p = subprocess.run([sys.executable, os.path.join(PEERS, "http-bench.py"),
                            f"http://127.0.0.1:{port_a}{path}", f"http://127.0.0.1:{port_n}{path}",
                            "--runs", str(a.runs), "--duration", str(a.duration), "--label", "almanac,nginx",
                            "--json", out_json], text=True, capture_output=True)
        print(p.stdout, end="")
        status = open(f"/proc/{d.pid}/status").read()
        mem = {k: int(re.search(rf"{k}:\s+(\d+) kB", status).group(1)) // 1024 for k in ("VmHWM", "VmRSS")}
        http = json.load(open(out_json)) if p.returncode == 0 else None
        return {"posts": size, "path": path, "bytes": size_b, "http": http, "memory_mib": {"peak": mem["VmHWM"], "steady": mem["VmRSS"]}}
    finally:
        if nginx:
            subprocess.run([os.path.join(PEERS, "nginx-stop.sh"), nginx], capture_output=True)
        d.terminate()
        d.wait()
        shutil.rmtree(out, ignore_errors=True)


def starts(a, work, results):
    out = {}
    for n in a.sizes.split(","):
        posts = posts_dir(work, n)
        js = os.path.join(results, f"starts-{n}.json")
        p = subprocess.run([sys.executable, os.path.join(HERE, "starts.py"), "--posts", posts, "--runs", str(a.runs),
                            "--json", js], text=True, capture_output=True)
        print(p.stdout, end="")
        if p.returncode:
            print(p.stderr, file=sys.stderr)
            continue
        out[n] = json.load(open(js))
    return out


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


def table(r):
    """One Markdown table: measure, almanac, peer, ratio almanac/peer."""
    rows = ["| measure | almanac | peer | almanac / peer |", "| --- | --- | --- | --- |"]
    for key, where in (("build", "emptied just before (build-bench.py)"), ("fresh_build", "new, nothing deleted just before")):
        b = r.get(key, {}).get("results", {})
        for n in sorted(b.get("almanac", {}), key=int):
            al, hu = b["almanac"][n]["median"], b.get("hugo", {}).get(n, {}).get("median", {})
            rows.append(f"| full build, {n} posts, output folder {where}: wall s | {al['wall_s']:.2f} | hugo {hu.get('wall_s', 0):.2f} | {ratio(al['wall_s'], hu.get('wall_s'))} |")
            rows.append(f"| full build, {n} posts, output folder {where}: CPU s | {al['cpu_s']:.2f} | hugo {hu.get('cpu_s', 0):.2f} | {ratio(al['cpu_s'], hu.get('cpu_s'))} |")
            rows.append(f"| full build, {n} posts, output folder {where}: peak MiB | {al['max_rss_mib']:.0f} | hugo {hu.get('max_rss_mib', 0):.0f} | {ratio(al['max_rss_mib'], hu.get('max_rss_mib'))} |")
    if r.get("noop"):
        rows.append(f"| no-op rebuild: wall s, files written | {r['noop']['wall_s']} s, {r['noop']['files_written']} | - | - |")
    for key, what in (("change_to_served", "no load"), ("change_to_served_load", "under wrk -t2 -c64")):
        for c in r.get(key) or []:
            rows.append(f"| change to served, {c['posts']} posts, {what}: median / p99 ms | {c['median_ms']} / {c['p99_ms']} | - | - |")
    s = r.get("serve") or {}
    summ = (s.get("http") or {}).get("summary", {})
    for mode in ("plain", "gzip", "revalidate"):
        al, ng = summ.get("almanac", {}).get(mode), summ.get("nginx", {}).get(mode)
        if al and ng:
            rows.append(f"| serving {mode}, {s.get('posts', '-')} posts: requests/s | {al['rps']['median']:.0f} | nginx {ng['rps']['median']:.0f} | {ratio(al['rps']['median'], ng['rps']['median'])} |")
            rows.append(f"| serving {mode}, {s.get('posts', '-')} posts: p99 ms | {al['p99_ms']['median']} | nginx {ng['p99_ms']['median']} | {ratio(al['p99_ms']['median'], ng['p99_ms']['median'])} |")
    for n, st in sorted((r.get("starts") or {}).items(), key=lambda kv: int(kv[0])):
        h = st.get("hugo", {})
        rows.append(f"| cold start, {n} posts: first 200, s | {st['cold']['first_s']} | hugo server {h.get('first_s', '-')} | {ratio(st['cold']['first_s'], h.get('first_s'))} |")
        rows.append(f"| cold start, {n} posts: peak MiB | {st['cold']['peak_mib']} | hugo server {h.get('peak_mib', '-')} | {ratio(st['cold']['peak_mib'], h.get('peak_mib'))} |")
        rows.append(f"| warm start, {n} posts, nothing changed: first 200 / current, s | {st['warm']['first_s']} / {st['warm']['current_s']} | - | - |")
        if st.get("edited"):
            rows.append(f"| warm start, {n} posts, one post edited while stopped: first 200 / current, s | {st['edited']['first_s']} / {st['edited']['current_s']} | - | - |")
    if s.get("memory_mib"):
        rows.append(f"| memory of serve, {s.get('posts', '-')} posts: peak / steady MiB | {s['memory_mib']['peak']} / {s['memory_mib']['steady']} | - | - |")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--sizes", default="1000,10000,30000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--work", default=os.path.join(REPO, "target", "bench-work"))
    ap.add_argument("--skip", default="", help="comma-separated steps to skip: fresh,build,noop,change,serve,starts")
    a = ap.parse_args()
    os.makedirs(a.results, exist_ok=True)
    os.makedirs(a.work, exist_ok=True)
    skip = set(filter(None, a.skip.split(",")))
    sizes = [int(s) for s in a.sizes.split(",")]
    big = max(sizes)
    machine = {"date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
               "cpu": run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"]).stdout.strip()}
    report = {"machine": machine}
    cfg = os.path.join(a.work, "empty.yaml")
    open(cfg, "w").close()
    if "fresh" not in skip:
        report["fresh_build"] = fresh_builds(a, a.work, cfg)
    if "build" not in skip:
        b, cfg = builds(a, a.work, a.results)
        report["build"] = b
    if "noop" not in skip:
        report["noop"] = noop(a, a.work, cfg, big)
    if "change" not in skip:
        for key, load in (("change_to_served", False), ("change_to_served_load", True)):
            report[key] = [c for n in change_sizes(sizes) if (c := change_to_served(a, n, load, a.results))]
    if "serve" not in skip:
        report["serve"] = serving(a, a.work, cfg, serve_size(sizes), a.results)
    if "starts" not in skip:
        report["starts"] = starts(a, a.work, a.results)
    report["table"] = table(report)
    print("\n" + "\n".join(report["table"]))
    with open(os.path.join(a.results, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(f"\nwritten: {os.path.join(a.results, 'report.json')}")


if __name__ == "__main__":
    main()
