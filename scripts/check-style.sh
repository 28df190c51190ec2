#!/usr/bin/env bash
# Checks the tracked C/C++ files against .clang-format (all of them) and .clang-tidy's naming
# rules (see below for which files). Prints what differs and exits 1; fixes nothing.
#
#   scripts/check-style.sh                 layout of every file; naming of the C/C++ files that
#                                          differ from the merge base with $ETLHOST_STYLE_BASE
#   scripts/check-style.sh --all-names     layout and naming of every file (several minutes)
#   scripts/check-style.sh --no-names      layout only
#
# Why naming defaults to changed files: clang-tidy parses each translation unit with its
# headers (Poco, nlohmann/json, doctest), about 3 CPU-seconds a file, so the whole tree takes
# minutes on 2 cores, while the layout check of the whole tree takes seconds.
# Naming needs build/compile_commands.json (scripts/build.sh writes it).
# Fix layout with `clang-format -i FILE`; naming by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

names=changed
case "${1:-}" in
  "") ;;
  --all-names) names=all ;;
  --no-names) names=none ;;
  *) echo "usage: scripts/check-style.sh [--all-names | --no-names]" >&2; exit 2 ;;
esac
jobs=$(nproc)
status=0

mapfile -t files < <(git ls-files '*.c' '*.cpp' '*.h' '*.hpp')

echo "check-style: layout (clang-format) of ${#files[@]} files" >&2
printf '%s\0' "${files[@]}" | xargs -0 -P "$jobs" -n 16 clang-format --dry-run --Werror || status=1

if [ "$names" != none ]; then
  build=build
  [ -f "$build/compile_commands.json" ] || {
    echo "check-style: $build/compile_commands.json is missing; run scripts/build.sh first" >&2
    exit 1
  }
  if [ "$names" = all ]; then
    units=("${files[@]}")
  else
    base=$(git merge-base HEAD "${ETLHOST_STYLE_BASE:-main}" 2>/dev/null || true)
    units=()
    if [ -n "$base" ]; then
      mapfile -t units < <(git diff --name-only --diff-filter=d "$base" -- '*.c' '*.cpp' '*.h' '*.hpp')
    fi
  fi
  # clang-tidy checks translation units; a changed header is checked through the sources
  # that include it by name. Only units in the build (compile_commands.json) can be checked.
  mapfile -t units < <(
    for f in "${units[@]}"; do
      case "$f" in
        *.h | *.hpp) git grep -l -F "$(basename "$f")\"" -- '*.c' '*.cpp' || true ;;
        *) echo "$f" ;;
      esac
    done | sort -u | grep -F -x -f <(sed -n 's#^ *"file": "'"$PWD"'/\(.*\)",\{0,1\}$#\1#p' "$build/compile_commands.json") || true)
  echo "check-style: naming (clang-tidy) of ${#units[@]} translation units" >&2
  if [ ${#units[@]} -gt 0 ]; then
    # Only the naming diagnostics count: clang 14 cannot parse a few C++20 constructs GCC
    # accepts (a lambda capturing a structured binding), which are compile errors to it.
    report=$(printf '%s\0' "${units[@]}" | xargs -0 -P "$jobs" -n 4 clang-tidy -p "$build" --quiet 2>/dev/null || true)
    naming=$(grep -A2 '\[readability-identifier-naming' <<<"$report" || true)
    if [ -n "$naming" ]; then
      echo "$naming"
      status=1
    fi
  fi
fi

[ $status -eq 0 ] && echo "check-style: OK" >&2 || echo "check-style: style differs (see above)" >&2
exit $status
