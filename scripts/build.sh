#!/usr/bin/env bash
# Configures and builds etlhost into ./build (RelWithDebInfo): the host, all plugins, the
# FullStory simulator and, unless --no-tests is given, every test.
# --no-tests is what the quick start's main job needs: a fraction of the compile steps.
# build/compile_commands.json is what clang-tidy (scripts/check-style.sh) reads.
set -euo pipefail
cd "$(dirname "$0")/.."
testing=ON
case "${1:-}" in
  --no-tests) testing=OFF ;;
  "") ;;
  *) echo "build.sh: unknown option '$1' (expected --no-tests or nothing)" >&2; exit 2 ;;
esac
# BUILD_TESTING is passed every time: a tree configured by the quick start without tests
# gets them when scripts/test.sh builds it next.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DBUILD_TESTING="$testing" >/dev/null
cmake --build build -j "$(nproc)"
