#!/usr/bin/env bash
# The main job: `etlhost run fullstory '->' csv`, FullStory events into CSV files.
#
# With FULLSTORY_API_KEY set, it extracts your FullStory account's events (Data Export API,
# https://export.fullstory.com; the last year on a first run, then only new bundles).
# Without it, it runs the same command against fullstory-sim, the FullStory simulator built
# with etlhost, on 127.0.0.1, and says so. Output: ./main-job/csv/events.csv; state:
# ./main-job/fullstory.state.json (run it again: only new bundles are fetched). The
# simulator's run keeps its own output and state under ./main-job/simulator/, so a real run
# later starts clean (the state records the account it belongs to and refuses any other).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$PWD/build/bin
out=${ETLHOST_MAIN_JOB_DIR:-$PWD/main-job}
if [ -z "${FULLSTORY_API_KEY:-}" ]; then out=$out/simulator; fi
mkdir -p "$out"
run=("$bin/etlhost" run fullstory '->' csv --set "csv.output_dir=$out/csv" --state "$out/fullstory.state.json")

if [ -n "${FULLSTORY_API_KEY:-}" ]; then
  echo "main job: FULLSTORY_API_KEY is set: extracting your FullStory events into $out/csv" >&2
  "${run[@]}"
else
  echo "main job: FULLSTORY_API_KEY is not set, so this run talks to the FullStory simulator" \
       "(fullstory-sim on 127.0.0.1), not to FullStory. Set FULLSTORY_API_KEY to extract your own events." >&2
  work=$(mktemp -d "${TMPDIR:-/tmp}/etlhost-main-job.XXXXXX")
  sim_pid=
  trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT
  # The simulator's key, passed through the environment: never on a command line.
  export FULLSTORY_SIM_API_KEY=simulated-key FULLSTORY_API_KEY=simulated-key
  "$bin/fullstory-sim" --bundles 3 --events-per-bundle 2000 --rate-limit 0 \
    --port 0 --port-file "$work/port" 2> "$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "main job: the simulator did not start:" >&2; cat "$work/sim.log" >&2; exit 1; }
  # The simulator's bundles are from November 2023; FullStory's real limit of 2 downloads a
  # minute is switched off on both sides so the demonstration takes seconds.
  printf '{"base_url":"http://127.0.0.1:%s","start_date":"2023-11-01","downloads_per_minute":0}\n' \
    "$(cat "$work/port")" > "$work/fullstory.json"
  "${run[@]}" --config "$work/fullstory.json"
fi

echo "main job: done: events in $out/csv/events.csv, state in $out/fullstory.state.json" \
     "(run it again: only bundles not yet delivered are fetched)" >&2
