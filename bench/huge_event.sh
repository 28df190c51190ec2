#!/bin/sh
# bench/huge_event.sh [BUILD_DIR] [EVENT_MIB]: peak memory of the fullstory source for one
# huge event (issue 8: memory bounded by a small constant times the event).
#
# fullstory-sim serves one bundle of 3 events whose middle one is padded to EVENT_MIB MiB
# (default 60, --huge-event-bytes); `etlhost run fullstory to singer` (stdout to /dev/null)
# and `to csv` read it with max_event_bytes above the event. Prints the peak RSS, the event
# size and their ratio; the target is peak RSS <= 3x the event. Exit status 1 when missed.
set -eu

build=${1:-build}
event_mib=${2:-60}
bin=$(cd "$build/bin" && pwd)
. "$(dirname "$0")/common.sh"
bench_require_tools "$bin" etlhost fullstory-sim

bench_fullstory_setup huge-event-bench
event_bytes=$((event_mib * 1048576))
bench_start_sim "$bin" --bundles 1 --events-per-bundle 3 --huge-event-bytes "$event_bytes" --rate-limit 0 \
  --cache-dir "$work/cache"
printf '{"base_url":"http://127.0.0.1:%s","start_date":"2023-01-01","downloads_per_minute":0,"max_event_bytes":%s}\n' \
  "$port" $((event_bytes * 2)) > "$work/config.json"

failed=0
printf '%-10s %9s %9s %8s  %s\n' run event_MiB rss_MiB rss/event target
for sink in singer csv; do
  if [ "$sink" = singer ]; then
    bench_measure singer sh -c "'$bin/etlhost' run fullstory to singer --config '$work/config.json' > /dev/null 2> '$work/err'"
  else
    rm -rf "$work/csv"
    bench_measure csv sh -c "'$bin/etlhost' run fullstory to csv --config '$work/config.json' \
      --set 'csv.output_dir=$work/csv' 2> '$work/err'"
  fi
  ratio=$(bench_ratio "$rss_kb" $((event_bytes / 1024)))
  verdict=ok
  if [ "$(echo "$ratio" | awk '{ print ($1 <= 3) }')" != 1 ]; then verdict="rss>3x"; failed=1; fi
  printf '%-10s %9s %9s %8s  %s\n' "-> $sink" "$event_mib" "$(bench_mib "$rss_kb")" "$ratio" "$verdict"
done
exit "$failed"
