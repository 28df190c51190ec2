#!/bin/sh
# bench/fullstory.sh [BUILD_DIR] [SIZES]: throughput and peak memory of the fullstory source.
#
# For each bundle size (events per bundle; default "10000 100000 1000000") it measures, with
# /usr/bin/time, one run of
#   gzip -dc   of the same bundle, written by `fullstory-sim --write-bundle` (the floor: the
#              least work any extractor must do),
#   etlhost run fullstory to singer   (stdout to /dev/null),
#   etlhost run fullstory to csv      (into a scratch directory, fsync on),
#   the same two with export_api segment_export (seg ->): the bundle's events as one window,
# against fullstory-sim serving the bundle from --cache-dir with --rate-limit 0, and the
# plugin configured with downloads_per_minute 0. It prints events/s, CPU seconds, CPU
# relative to gzip -dc, and peak RSS, and checks the targets: peak RSS < 64 MiB at every
# size, CPU within 3x of gzip -dc. Exit status 1 when a target is missed.
set -eu

build=${1:-build}
sizes=${2:-"10000 100000 1000000"}
bin=$(cd "$build/bin" && pwd)
. "$(dirname "$0")/common.sh"
bench_require_tools "$bin" etlhost fullstory-sim

bench_fullstory_setup fullstory-bench
bundle_id=9007199254740993
failed=0

printf '%-9s %-12s %8s %12s %8s %9s %9s  %s\n' events run wall_s events/s cpu_s cpu/gzip rss_MiB targets
for events in $sizes; do
  sim_args="--bundles 1 --events-per-bundle $events --seed 1"
  # The floor: decompressing the bundle and throwing the bytes away.
  # shellcheck disable=SC2086
  "$bin/fullstory-sim" $sim_args --write-bundle "$bundle_id" "$work/bundle.json.gz"
  bench_measure gzip sh -c "gzip -dc '$work/bundle.json.gz' > /dev/null"
  gzip_cpu=$cpu
  printf '%-9s %-12s %8s %12s %8s %9s %9s\n' "$events" "gzip -dc" "$wall" \
    "$(bench_rate "$events" "$wall")" "$gzip_cpu" "1.00" \
    "$(bench_mib "$rss_kb")"

  rm -rf "$work/cache"
  mkdir -p "$work/cache"
  # shellcheck disable=SC2086
  bench_start_sim "$bin" $sim_args --rate-limit 0 --cache-dir "$work/cache"
  printf '{"base_url":"http://127.0.0.1:%s","start_date":"2023-01-01","downloads_per_minute":0}\n' "$port" \
    > "$work/config.json"
  # The same events as one Segment Export window (the simulator prepares it at once).
  printf '{"base_url":"http://127.0.0.1:%s","export_api":"segment_export","start_date":"2023-11-15",
"export_window_minutes":1440,"max_windows_per_run":1}\n' "$port" > "$work/segment.json"

  for run in singer csv segment-singer segment-csv; do
    rm -rf "$work/csv"
    sink=${run#segment-}
    config=$work/config.json label="-> $sink"
    case $run in segment-*) config=$work/segment.json label="seg -> $sink" ;; esac
    if [ "$sink" = singer ]; then
      bench_measure "$run" sh -c "'$bin/etlhost' run fullstory to singer --config '$config' > /dev/null 2> '$work/err'"
    else
      bench_measure "$run" sh -c "'$bin/etlhost' run fullstory to csv --config '$config' \
        --set 'csv.output_dir=$work/csv' 2> '$work/err'"
    fi
    ratio=$(bench_ratio "$cpu" "$gzip_cpu")
    rss_mib=$(bench_mib "$rss_kb")
    verdict=ok
    if [ "$(echo "$rss_mib" | awk '{ print ($1 < 64) }')" != 1 ]; then verdict="RSS>=64MiB"; failed=1; fi
    if [ "$(echo "$ratio" | awk '{ print ($1 <= 3) }')" != 1 ]; then verdict="$verdict cpu>3x"; failed=1; fi
    printf '%-9s %-12s %8s %12s %8s %9s %9s  %s\n' "$events" "$label" "$wall" \
      "$(bench_rate "$events" "$wall")" "$cpu" "$ratio" "$rss_mib" "$verdict"
  done
  kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true
  sim_pid=
done
exit "$failed"
