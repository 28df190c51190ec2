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
