#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, ABI, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
scripts/check-style.sh --all-names  # layout and naming of every C/C++ file (about 3 minutes)
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
