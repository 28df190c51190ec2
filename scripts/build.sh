#!/usr/bin/env bash
# Configures and builds etlhost into ./build (RelWithDebInfo), all plugins and tests.
# build/compile_commands.json is what clang-tidy (scripts/check-style.sh) reads.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build build -j "$(nproc)"
