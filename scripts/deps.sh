#!/usr/bin/env bash
# Installs the Debian 12 packages etlhost needs to build, test and benchmark.
# Idempotent: when everything is already installed it does not touch apt at all.
# --sanitize adds what only scripts/test-sanitized.sh needs (clang, its ASan and libFuzzer runtime).
set -euo pipefail

packages=(
  build-essential cmake pkg-config    # compiler, CMake, pkg-config (SDK consumer test)
  libpoco-dev libssl-dev              # HTTP(S) client and server (FullStory source, simulator)
  nlohmann-json3-dev                  # JSON for config, state, catalogs
  libsimdjson-dev                     # fast JSON validation on the per-event hot path
  zlib1g-dev                          # streaming gunzip of FullStory bundles
  doctest-dev                         # unit and end-to-end tests
  openssl ca-certificates             # test CA for HTTPS tests; system CAs for real FullStory
  time                                # /usr/bin/time -v for the benchmarks' peak RSS
  clang-format clang-tidy             # scripts/check-style.sh: layout and naming checks
)
if [ "${1:-}" = "--sanitize" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps.sh: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
