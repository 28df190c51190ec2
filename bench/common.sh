# Shared helpers for the bench/ scripts (POSIX sh; source it, don't run it).

# bench_measure LABEL COMMAND...: runs COMMAND under /usr/bin/time and sets
#   wall (s), cpu (user+sys s), rss_kb (peak resident set, KiB).
# Expects $work (a scratch dir); on failure prints $work/err (the command's stderr, if the
# caller sent it there) and exits 1.
bench_measure() {
  bench_label=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" || {
    echo "bench: $bench_label failed" >&2
    cat "$work/err" >&2 2>/dev/null
    exit 1
  }
  read -r wall bench_user bench_sys rss_kb < "$work/time"
  cpu=$(echo "$bench_user $bench_sys" | awk '{ printf "%.2f", $1 + $2 }')
}

# bench_rate COUNT SECONDS: COUNT per second, as an integer.
bench_rate() { echo "$1 $2" | awk '{ printf "%d", ($2 > 0 ? $1 / $2 : 0) }'; }
# bench_ratio A B: A / B with two decimals.
bench_ratio() { echo "$1 $2" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }'; }
# bench_mib KIB: KiB as MiB with one decimal.
bench_mib() { echo "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }

# bench_require_tools BIN_DIR TOOL...: exits 2 unless every tool is built in BIN_DIR and
# /usr/bin/time exists.
bench_require_tools() {
  bench_bin=$1
  shift
  for bench_tool in "$@"; do
    [ -x "$bench_bin/$bench_tool" ] || {
      echo "bench: $bench_bin/$bench_tool not found; build it first (scripts/build.sh)" >&2
      exit 2
    }
  done
  [ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }
}

# bench_fullstory_setup NAME: a scratch $work removed on exit, with any fullstory-sim started
# by bench_start_sim stopped first, and the bench API key in the environment of both sides
# (never argv: ps shows argv to every user).
bench_fullstory_setup() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  sim_pid=
  trap bench_fullstory_cleanup EXIT INT TERM
  export FULLSTORY_API_KEY=bench-key-not-a-secret FULLSTORY_SIM_API_KEY=bench-key-not-a-secret
}
bench_fullstory_cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}

# bench_start_sim BIN_DIR SIM_ARGS...: starts fullstory-sim on a free port; sets sim_pid and
# port once it listens. Exits 1 when it does not start within 2 minutes.
bench_start_sim() {
  bench_sim_bin=$1
  shift
  rm -f "$work/port"
  "$bench_sim_bin/fullstory-sim" "$@" --port 0 --port-file "$work/port" 2> "$work/sim.err" &
  sim_pid=$!
  bench_tries=0
  until [ -s "$work/port" ]; do
    bench_tries=$((bench_tries + 1))
    [ "$bench_tries" -lt 1200 ] || { echo "bench: fullstory-sim did not start" >&2; cat "$work/sim.err" >&2; exit 1; }
    sleep 0.1
  done
  port=$(cat "$work/port")
}
