#!/bin/sh
# bench/segment_backfill.sh [BUILD_DIR] [WINDOWS] [PREPARE_MS]: how long a Segment Export
# backfill takes, pipelined against serial.
#
# fullstory-sim serves WINDOWS days of events (default 365: a year, one window per day,
# 1000 events each) and takes PREPARE_MS (default 500) to prepare each export, as FullStory
# takes its time. `etlhost run fullstory to csv` with export_api segment_export backfills the
# year with exports_in_flight 1 (serial: create, wait, download, then the next), 4 (the
# default) and 8. The serial minimum is WINDOWS * PREPARE_MS: what any exporter that waits
# for one export at a time cannot beat. It prints wall time, the ratio to that minimum and
# the speed-up over exports_in_flight 1, and checks that the default (4) runs in at most half
# the serial minimum. Exit status 1 when that is missed.
set -eu

build=${1:-build}
windows=${2:-365}
prepare_ms=${3:-500}
bin=$(cd "$build/bin" && pwd)
. "$(dirname "$0")/common.sh"
bench_require_tools "$bin" etlhost fullstory-sim

bench_fullstory_setup segment-backfill
# The simulator's bundles are its events: one per day from 2023-11-15, so windows of a day
# line up with them.
bench_start_sim "$bin" --bundles "$windows" --events-per-bundle 1000 --seed 3 --prepare-ms "$prepare_ms"
serial_min=$(echo "$windows $prepare_ms" | awk '{ printf "%.1f", $1 * $2 / 1000 }')
failed=0
serial_wall=

printf '%-18s %8s %10s %12s %10s  %s\n' exports_in_flight wall_s rss_MiB wall/serial_min speed-up target
for in_flight in 1 4 8; do
  rm -rf "$work/csv" "$work/state.json"
  printf '{"base_url":"http://127.0.0.1:%s","export_api":"segment_export","start_date":"2023-11-15",
"export_window_minutes":1440,"max_windows_per_run":%s,"exports_in_flight":%s}\n' \
    "$port" "$windows" "$in_flight" > "$work/config.json"
  bench_measure "exports_in_flight $in_flight" sh -c "'$bin/etlhost' run fullstory to csv --config '$work/config.json' \
    --state '$work/state.json' --set 'csv.output_dir=$work/csv' 2> '$work/err'"
  [ -n "$serial_wall" ] || serial_wall=$wall
  ratio=$(bench_ratio "$wall" "$serial_min")
  verdict=
  if [ "$in_flight" = 4 ]; then
    verdict=ok
    if [ "$(echo "$ratio" | awk '{ print ($1 <= 0.5) }')" != 1 ]; then verdict="MISSED (> 0.5x)"; failed=1; fi
  fi
  printf '%-18s %8s %10s %12s %10s  %s\n' "$in_flight" "$wall" "$(bench_mib "$rss_kb")" "$ratio" \
    "$(bench_ratio "$serial_wall" "$wall")" "$verdict"
done
echo "serial minimum: $windows exports x $prepare_ms ms = $serial_min s"
exit "$failed"
