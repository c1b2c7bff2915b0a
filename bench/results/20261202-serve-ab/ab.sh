set -e
cd /work/main
posts=target/bench-work/posts-10000-seed1
ls $posts | wc -l
cfg=target/bench-work/empty.yaml
start() { # bin out port
  rm -rf $2
  RUST_LOG=error $1 serve --posts $posts --out $2 --config $cfg --listen 127.0.0.1:$3 >/dev/null 2>&1 &
  until curl -sf http://127.0.0.1:$3/healthz | grep -q '"published": true'; do sleep 0.2; done
}
start /tmp/old-target/release/almanac /tmp/ab-old 18301
start target/release/almanac /tmp/ab-new 18302
sleep 20
name=$(ls -S /tmp/ab-new/events/*.ics | awk 'NR==int(10000/2)' | xargs basename)
echo path $name
python3 ../shared/bench/http-bench.py http://127.0.0.1:18301/events/$name http://127.0.0.1:18302/events/$name --runs 3 --duration 10 --label old,new --json /tmp/ab.json
for p in 18301 18302; do :; done
pkill -f "almanac serve --posts $posts" || true
