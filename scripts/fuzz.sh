#!/usr/bin/env bash
# Runs the libFuzzer targets (host/fuzz, plugins/<name>/fuzz) of a build configured with
# -DETLHOST_FUZZ=ON (scripts/test-sanitized.sh makes one in build-asan).
#
#   scripts/fuzz.sh [--smoke] [--seconds N] [--build DIR] [TARGET...]
#
#   --smoke      the regression check CI runs: each target over its seed corpus, then
#                mutating for FUZZ_SMOKE_SECONDS (default 5) seconds
#   (default)    each target for --seconds N (default 600, ten minutes), by hand
#   TARGET...    only these (names as in DIR/fuzz/targets/); default: all
#
# New interesting inputs go to DIR/fuzz/corpus/<target>/ (the seeds in git are only read;
# copy a small one you want to keep into the target's corpus/ folder). A crash is saved as
# DIR/fuzz/crashes/<target>/crash-<sha1> and printed with the command that reproduces it:
#   DIR/fuzz/bin/<target> DIR/fuzz/crashes/<target>/crash-<sha1>
# One fuzzer process at a time, niced: the machine is shared. Exit 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
seconds=600
build=build-asan
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --seconds) seconds="$2"; shift ;;
    --build) build="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ "$smoke" -eq 1 ] && seconds="${FUZZ_SMOKE_SECONDS:-5}"

if [ ! -d "$build/fuzz/targets" ]; then
  echo "fuzz.sh: no fuzz targets in $build: configure it with -DETLHOST_FUZZ=ON (scripts/test-sanitized.sh does)" >&2
  exit 2
fi
if [ ${#targets[@]} -eq 0 ]; then
  for file in "$build"/fuzz/targets/*; do targets+=("$(basename "$file")"); done
fi

failed=()
for target in "${targets[@]}"; do
  manifest="$build/fuzz/targets/$target"
  [ -f "$manifest" ] || { echo "fuzz.sh: no target '$target' in $build/fuzz/targets" >&2; exit 2; }
  binary=$(sed -n 's/^binary=//p' "$manifest")
  seeds=$(sed -n 's/^seeds=//p' "$manifest")
  dict=$(sed -n 's/^dict=//p' "$manifest")
  [ -x "$binary" ] || { echo "fuzz.sh: $binary is not built: cmake --build $build --target $target" >&2; exit 2; }
  corpus="$build/fuzz/corpus/$target"
  crashes="$build/fuzz/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  echo "fuzz.sh: $target for ${seconds}s (seeds $seeds)" >&2
  # The first corpus directory receives new inputs; the seeds after it are only read.
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$crashes/")
  [ -n "$dict" ] && options+=(-dict="$dict")
  log="$build/fuzz/$target.log"
  if nice -n 10 "$binary" "${options[@]}" "$corpus" "$seeds" >"$log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$log" | tr '\n' ' ' >&2 || true
    echo >&2
  else
    failed+=("$target")
    tail -n 40 "$log" >&2
    echo "fuzz.sh: $target FAILED (log $log). Reproduce with:" >&2
    for crash in "$crashes"/*; do [ -f "$crash" ] && echo "  $binary $crash" >&2; done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} target(s) ran clean" >&2
