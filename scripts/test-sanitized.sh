#!/usr/bin/env bash
# The slow, thorough check CI runs after scripts/test.sh: everything built with clang under
# AddressSanitizer + UndefinedBehaviorSanitizer (and libFuzzer coverage) in ./build-asan, the
# whole ctest suite run there (the fuzz targets' seed corpora included, label fuzz), then each
# fuzz target for a few seconds (scripts/fuzz.sh --smoke). A sanitizer report fails the test
# that triggered it. Installs clang and its runtime first if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --sanitize
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DETLHOST_SANITIZE=ON -DETLHOST_FUZZ=ON -DETLHOST_WERROR=ON >/dev/null
cmake --build build-asan -j "$(nproc)"
(cd build-asan && ctest --output-on-failure -j "$(nproc)" --timeout 900)
scripts/fuzz.sh --smoke
