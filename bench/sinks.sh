#!/bin/sh
# bench/sinks.sh [BUILD_DIR] [ROWS_PER_STREAM]: records/s of the demo source into each sink.
#
# One run each of `etlhost run demo to SINK` with ROWS_PER_STREAM rows in each of the demo's
# two streams (default 1000000, so 2M records), STATE every 1000 rows, --checkpoint-interval 1:
#   null     the floor: the host and the source with no output at all
#   singer   Singer lines on stdout, sent to /dev/null
#   csv      two CSV files in a scratch directory, fsync at every commit
#   csv-nofsync  the same with fsync off (the sink's own cost, without the disk's)
# It prints wall seconds, records/s, CPU seconds, the CPU cost of the sink over the null
# floor per record, and peak RSS. The demo's own formatting is part of every row.
set -eu

build=${1:-build}
rows=${2:-1000000}
bin=$(cd "$build/bin" && pwd)
. "$(dirname "$0")/common.sh"
bench_require_tools "$bin" etlhost

work=$(mktemp -d "${TMPDIR:-/tmp}/sinks-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
records=$((rows * 2))
common="--set demo.records=$rows --set demo.state_every=1000 --checkpoint-interval 1"

printf '%-13s %8s %12s %8s %14s %8s\n' sink wall_s records/s cpu_s sink_ns/record rss_MiB
floor_cpu=
for sink in null singer csv csv-nofsync; do
  rm -rf "$work/out"
  case $sink in
    null) bench_measure null sh -c "'$bin/etlhost' run demo to null $common 2> '$work/err'" ;;
    singer) bench_measure singer sh -c "'$bin/etlhost' run demo to singer $common > /dev/null 2> '$work/err'" ;;
    csv) bench_measure csv sh -c "'$bin/etlhost' run demo to csv $common --set 'csv.output_dir=$work/out' 2> '$work/err'" ;;
    csv-nofsync) bench_measure csv-nofsync sh -c "'$bin/etlhost' run demo to csv $common \
        --set 'csv.output_dir=$work/out' --set csv.fsync=false 2> '$work/err'" ;;
  esac
  [ -n "$floor_cpu" ] || floor_cpu=$cpu
  sink_ns=$(echo "$cpu $floor_cpu $records" | awk '{ printf "%.0f", ($1 - $2) * 1e9 / $3 }')
  printf '%-13s %8s %12s %8s %14s %8s\n' "$sink" "$wall" "$(bench_rate "$records" "$wall")" "$cpu" "$sink_ns" \
    "$(bench_mib "$rss_kb")"
done
