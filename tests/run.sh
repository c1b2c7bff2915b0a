#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need
# (the third-party validators, Debian packages), then runs `cargo test`.
# Idempotent; CI's .ci/run calls exactly this.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${ALMANAC_SHARED:-$repo/../shared}"
cd "$repo"

# Debian packages: chromium and chromium-driver (page tests, WebDriver), systemd (systemd-analyze verify,
# systemd-socket-activate), e2fsprogs (chattr, unwritable-output test), procps (kill), libxml2-utils
# (xmllint, which validate-schedule would otherwise install itself from several tests at once, and
# lose the race for the package lock).
need=()
for p in chromium chromium-driver systemd e2fsprogs procps libxml2-utils; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
command -v git >/dev/null || need+=(git)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Calendar and feed validators, and the real clients (vdirsyncer/khal, newsboat).
"$shared/validators/install.sh"

cargo test --release --locked "$@"
