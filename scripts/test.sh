#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, ABI, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
