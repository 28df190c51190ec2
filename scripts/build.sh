#!/usr/bin/env bash
# Configures and builds etlhost into ./build (RelWithDebInfo), all plugins and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
