#!/usr/bin/env bash
# One step of the sdk_consumer test (see CMakeLists.txt): sdk_consumer_test.sh STEP
#
# Environment (set by ctest): ETL_TEST_BUILD_DIR, ETL_TEST_HOST_BINARY, ETL_TEST_EXAMPLES_DIR,
# ETL_TEST_WORK_DIR, ETL_TEST_INSTALL_LIBDIR, ETL_TEST_CMAKE, ETL_TEST_CTEST, ETL_TEST_GENERATOR,
# ETL_TEST_MAKE_PROGRAM, ETL_TEST_CC, ETL_TEST_CXX, ETL_TEST_NM, ETL_TEST_PKG_CONFIG.
#
# Every run of the installed etlhost happens without --plugin-path and with
# ETLHOST_PLUGIN_PATH unset: the host must find the examples in its own plugin directory.
set -euo pipefail
unset ETLHOST_PLUGIN_PATH

step=${1:?usage: sdk_consumer_test.sh STEP}
mkdir -p "$ETL_TEST_WORK_DIR"
work=$(cd -P "$ETL_TEST_WORK_DIR" && pwd)
prefix="$work/prefix"              # the fresh install of this build
examples_build="$work/examples-build"
etlhost="$prefix/bin/etlhost"
plugin_dir="$prefix/lib/etlhost/plugins"
step_dir="$work/$step"             # scratch space of this step only
rm -rf "$step_dir"
mkdir -p "$step_dir"
cd "$step_dir"

fail() {
  echo "FAIL [$step]: $*" >&2
  exit 1
}
note() { echo "[$step] $*"; }

# run_etlhost LOG ARGS...: runs the installed host; its stderr goes to $step_dir/LOG.log.
run_etlhost() {
  local log=$1
  shift
  "$etlhost" "$@" 2>"$step_dir/$log.log"
}

# Expected output of fibonacci: {"n":N,"value":F(N)} for N in [from, to).
fib_lines() {
  local from=$1 to=$2 a=0 b=1 n t
  for ((n = 0; n < to; n++)); do
    ((n >= from)) && printf '{"n":%d,"value":%d}\n' "$n" "$a"
    t=$((a + b)) a=$b b=$t
  done
}

# same_file ACTUAL EXPECTED WHAT: byte-for-byte equal, or a diff and a failure.
same_file() {
  if ! cmp -s "$1" "$2"; then
    diff -u "$2" "$1" | head -40 >&2 || true
    fail "$3: $1 differs from the expected $2"
  fi
}

exports_only_entry() {
  local so=$1 symbols
  symbols=$("$ETL_TEST_NM" -D --defined-only "$so" | awk '{print $NF}' | tr '\n' ' ')
  [[ "$symbols" == "etl_plugin_entry " ]] || fail "$so must export only etl_plugin_entry; it exports: $symbols"
  note "$so exports only etl_plugin_entry"
}

need_examples() {
  for name in fibonacci lines jsonl; do
    [[ -f "$plugin_dir/etl-$name.so" ]] || fail "$plugin_dir/etl-$name.so is missing: did sdk_consumer.build_examples pass?"
  done
}

case "$step" in

# ---------------------------------------------------------------------------------------
install_sdk)
  [[ -x "$ETL_TEST_HOST_BINARY" ]] || fail "$ETL_TEST_HOST_BINARY is not built: build first (cmake --build), then ctest"
  rm -rf "$prefix" "$examples_build"
  "$ETL_TEST_CMAKE" --install "$ETL_TEST_BUILD_DIR" --prefix "$prefix" >install.log 2>&1 ||
    { cat install.log >&2; fail "cmake --install $ETL_TEST_BUILD_DIR failed"; }
  for file in bin/etlhost include/etlhost/plugin.h include/etlhost/plugin.hpp include/etlhost/plugin_util.h \
    "$ETL_TEST_INSTALL_LIBDIR/cmake/etlhost/etlhostConfig.cmake" \
    "$ETL_TEST_INSTALL_LIBDIR/cmake/etlhost/etlhostConfigVersion.cmake" \
    "$ETL_TEST_INSTALL_LIBDIR/cmake/etlhost/EtlhostPlugin.cmake" \
    "$ETL_TEST_INSTALL_LIBDIR/cmake/etlhost/etlhost-plugin.map" \
    "$ETL_TEST_INSTALL_LIBDIR/pkgconfig/etlhost.pc" lib/etlhost/plugins/etl-null.so; do
    [[ -e "$prefix/$file" ]] || fail "cmake --install did not install $file"
  done
  note "installed into $prefix"
  ;;

# ---------------------------------------------------------------------------------------
build_examples)
  rm -rf "$examples_build"
  args=(-S "$ETL_TEST_EXAMPLES_DIR" -B "$examples_build" -G "$ETL_TEST_GENERATOR"
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_C_COMPILER="$ETL_TEST_CC" -DCMAKE_CXX_COMPILER="$ETL_TEST_CXX" -DETLHOST_EXAMPLES_WERROR=ON)
  [[ -n "${ETL_TEST_MAKE_PROGRAM:-}" ]] && args+=(-DCMAKE_MAKE_PROGRAM="$ETL_TEST_MAKE_PROGRAM")
  "$ETL_TEST_CMAKE" "${args[@]}" >configure.log 2>&1 || { cat configure.log >&2; fail "configuring sdk/examples failed"; }
  ! grep -q "CMake Warning" configure.log || { cat configure.log >&2; fail "configuring sdk/examples warned"; }
  # find_package(etlhost) must have found the fresh prefix, not some other etlhost.
  found=$(sed -n 's/^etlhost_DIR:PATH=//p' "$examples_build/CMakeCache.txt")
  [[ "$found" == "$prefix/$ETL_TEST_INSTALL_LIBDIR/cmake/etlhost" ]] ||
    fail "find_package(etlhost) found '$found', expected $prefix/$ETL_TEST_INSTALL_LIBDIR/cmake/etlhost"
  "$ETL_TEST_CMAKE" --build "$examples_build" --parallel 2 >build.log 2>&1 ||
    { cat build.log >&2; fail "building sdk/examples failed (warnings are errors here)"; }
  ! grep -qi "warning" build.log || { cat build.log >&2; fail "building sdk/examples warned"; }
  "$ETL_TEST_CMAKE" --install "$examples_build" >install.log 2>&1 ||
    { cat install.log >&2; fail "installing sdk/examples failed"; }
  # etlhost_add_plugin installs into the host's plugin dir by default, whatever the
  # project's own CMAKE_INSTALL_PREFIX.
  need_examples
  note "built and installed the examples into $plugin_dir"
  ;;

# ---------------------------------------------------------------------------------------
examples_ctest)
  # The examples' own smoke tests (add_test with ETLHOST_EXECUTABLE), as an author runs them.
  "$ETL_TEST_CTEST" --test-dir "$examples_build" --output-on-failure >ctest.log 2>&1 ||
    { cat ctest.log >&2; fail "ctest in the examples' build failed"; }
  grep -q "100% tests passed, 0 tests failed out of 3" ctest.log || { cat ctest.log >&2; fail "expected 3 passing tests"; }
  ;;

# ---------------------------------------------------------------------------------------
plugins_listed)
  need_examples
  run_etlhost plugins plugins >plugins.txt || fail "etlhost plugins failed: $(cat plugins.log)"
  cat plugins.txt
  for row in "fibonacci source" "lines source" "jsonl sink"; do
    set -- $row
    grep -Eq "^$1 +$2 +1\.0\.0 +1\.[0-9]+ +$plugin_dir/etl-$1\.so\$" plugins.txt ||
      fail "etlhost plugins does not list '$1' as a $2 at $plugin_dir/etl-$1.so"
  done
  run_etlhost describe describe fibonacci >describe.txt || fail "etlhost describe fibonacci failed: $(cat describe.log)"
  for key in count stream state_every delay_ms; do
    grep -Eq "^$key " describe.txt || fail "etlhost describe fibonacci does not show the config key '$key'"
  done
  run_etlhost describe_lines describe lines >describe_lines.txt || fail "etlhost describe lines failed"
  grep -Eq '^path +string +yes ' describe_lines.txt || fail "etlhost describe lines does not show 'path' as a required string"
  run_etlhost discover discover lines --set lines.path=/nonexistent >catalog.json ||
    fail "etlhost discover lines failed: $(cat discover.log)"
  grep -q '"forced-replication-method": "INCREMENTAL"' catalog.json ||
    fail "the catalog of lines lacks its metadata: $(cat catalog.json)"
  ;;

# ---------------------------------------------------------------------------------------
exports_only_entry)
  need_examples
  for name in fibonacci lines jsonl; do exports_only_entry "$plugin_dir/etl-$name.so"; done
  ;;

# ---------------------------------------------------------------------------------------
fibonacci_to_jsonl)
  need_examples
  run() { run_etlhost "$1" run fibonacci to jsonl --set jsonl.output_dir="$step_dir/out" --state state.json "${@:2}"; }

  run first --set fibonacci.count=12 --set fibonacci.stream=fib --set fibonacci.state_every=5 ||
    fail "the first run failed: $(cat first.log)"
  fib_lines 0 12 >expected.jsonl
  same_file out/fib.jsonl expected.jsonl "the first run"
  grep -q '"state":{"next":12}' state.json || fail "the state file does not hold {\"next\":12}: $(cat state.json)"

  # Resumed with a higher count: only F(12) to F(19) are added.
  run resumed --set fibonacci.count=20 --set fibonacci.stream=fib || fail "the resumed run failed: $(cat resumed.log)"
  fib_lines 0 20 >expected.jsonl
  same_file out/fib.jsonl expected.jsonl "the resumed run"
  grep -q "finished: 8 records" resumed.log || fail "the resumed run should move 8 records: $(cat resumed.log)"

  # Again, with nothing new: nothing added.
  run again --set fibonacci.count=20 --set fibonacci.stream=fib || fail "the third run failed: $(cat again.log)"
  same_file out/fib.jsonl expected.jsonl "a run with nothing new"

  # What a run killed between write and commit leaves behind: bytes past the committed
  # length, and a file the checkpoint does not know. restore() must undo both.
  # (Longer than what the next run writes, so overwriting in place would not hide it.)
  printf '{"n":20,"value":"uncommitted"}\n{"n":21,"value":"uncommitted"}\n{"n":22,' >>out/fib.jsonl
  printf '{"half":' >out/newstream.jsonl
  run restored --set fibonacci.count=21 --set fibonacci.stream=fib || fail "the run after a crash failed: $(cat restored.log)"
  fib_lines 0 21 >expected.jsonl
  same_file out/fib.jsonl expected.jsonl "the run after a simulated crash"
  [[ ! -e out/newstream.jsonl ]] || fail "restore kept out/newstream.jsonl, a file of an uncommitted run"
  grep -q "cutting .*fib.jsonl" restored.log || fail "the sink did not report cutting fib.jsonl: $(cat restored.log)"

  # A file shorter than committed was changed outside etlhost: the sink refuses (exit 6).
  truncate -s 10 out/fib.jsonl
  set +e
  run shorter --set fibonacci.count=22 --set fibonacci.stream=fib
  rc=$?
  set -e
  [[ $rc -eq 6 ]] || fail "a run over a shortened file should fail with exit code 6 (sink), got $rc"
  grep -q "shorter than its" shorter.log || fail "the refusal does not explain itself: $(cat shorter.log)"

  # The config is checked in create(): a bad stream name is refused (exit 3).
  set +e
  run_etlhost badconfig run fibonacci to jsonl --set fibonacci.stream='a/b' --set jsonl.output_dir="$step_dir/out2"
  rc=$?
  set -e
  [[ $rc -eq 3 ]] || fail "a bad stream name should be refused as a config error (3), got $rc"
  [[ ! -e out2 ]] || fail "a refused config must not create output"
  ;;

# ---------------------------------------------------------------------------------------
lines_to_jsonl)
  need_examples
  run() { run_etlhost "$1" run lines to jsonl --set lines.path="$step_dir/input.txt" --set jsonl.output_dir="$step_dir/out" --state state.json; }
  # Quotes, a backslash, a tab, a CRLF ending, UTF-8, an invalid byte, an empty line, and a
  # last line without its newline (still being written: not emitted yet).
  printf 'plain\nsay "hi" \\ back\ttab\r\ncaf\xc3\xa9 \xe2\x82\xac bad:\xff\n\npart' >input.txt
  run first || fail "the first run failed: $(cat first.log)"
  cat >expected.jsonl <<'EOF'
{"line":1,"text":"plain"}
{"line":2,"text":"say \"hi\" \\ back\ttab"}
{"line":3,"text":"café € bad:�"}
{"line":4,"text":""}
EOF
  same_file out/lines.jsonl expected.jsonl "the first run"
  offset=$(($(wc -c <input.txt) - 4)) # up to "part"
  grep -q "\"state\":{\"line\":4,\"offset\":$offset}" state.json ||
    fail "the state should be line 4 at offset $offset: $(cat state.json)"

  # The file grows; the resumed run reads only the new complete lines.
  printf 'ial line\nlast\n' >>input.txt
  run resumed || fail "the resumed run failed: $(cat resumed.log)"
  printf '{"line":5,"text":"partial line"}\n{"line":6,"text":"last"}\n' >>expected.jsonl
  same_file out/lines.jsonl expected.jsonl "the resumed run"
  run again || fail "the third run failed: $(cat again.log)"
  same_file out/lines.jsonl expected.jsonl "a run with nothing new"

  # A file shorter than the committed offset (rotated) is refused, not re-read from 0.
  printf 'new\n' >input.txt
  set +e
  run rotated
  rc=$?
  set -e
  # The source refuses the committed state for it: the state file's exit code.
  [[ $rc -eq 7 ]] || fail "a rotated input should refuse the state (exit 7), got $rc"
  same_file out/lines.jsonl expected.jsonl "after a refused run"
  ;;

# ---------------------------------------------------------------------------------------
killed_run_exactly_once)
  need_examples
  # A slow run (30 ms a record, a STATE every 3 records, each committed at once) is
  # SIGKILLed mid-way; the resumed run must leave every number exactly once.
  common=(--set fibonacci.count=80 --set jsonl.output_dir="$step_dir/out" --state state.json)
  "$etlhost" run fibonacci to jsonl "${common[@]}" --set fibonacci.delay_ms=30 --set fibonacci.state_every=3 \
    --checkpoint-interval 0 2>killed.log &
  pid=$!
  for ((i = 0; i < 200; i++)); do
    grep -Eq '"next":([6-9]|[1-9][0-9])[,}]' state.json 2>/dev/null && break
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  set +e
  wait "$pid"
  rc=$?
  set -e
  [[ $rc -eq 137 ]] || fail "the slow run was to be killed mid-way, but it ended with $rc: $(cat killed.log)"
  committed=$(grep -Eo '"next":[0-9]+' state.json | cut -d: -f2)
  ((committed >= 6 && committed < 80)) || fail "expected a committed state between 6 and 79, found '$committed'"
  note "killed with next=$committed committed, $(wc -l <out/fibonacci.jsonl) lines on disk"

  run_etlhost resumed run fibonacci to jsonl "${common[@]}" || fail "the resumed run failed: $(cat resumed.log)"
  fib_lines 0 80 >expected.jsonl
  same_file out/fibonacci.jsonl expected.jsonl "the run resumed after SIGKILL"
  grep -q "resuming from" resumed.log || fail "the second run did not resume: $(cat resumed.log)"
  ;;

# ---------------------------------------------------------------------------------------
pkg_config_build)
  # The examples built with a plain compiler and pkg-config, as a Makefile would.
  export PKG_CONFIG_PATH="$prefix/$ETL_TEST_INSTALL_LIBDIR/pkgconfig"
  unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
  pc() { "$ETL_TEST_PKG_CONFIG" "$@" etlhost || fail "pkg-config $* etlhost failed"; }
  cflags=$(pc --cflags | xargs)
  map=$(pc --variable=versionscript)
  pc_plugin_dir=$(pc --variable=plugindir)
  include_dir=${cflags#-I}
  [[ "$(cd -P "$include_dir" 2>/dev/null && pwd)" == "$prefix/include" ]] ||
    fail "pkg-config --cflags etlhost gives '$cflags', not -I$prefix/include"
  [[ "$(cd -P "$pc_plugin_dir" 2>/dev/null && pwd)" == "$plugin_dir" ]] ||
    fail "pkg-config plugindir is '$pc_plugin_dir', not $plugin_dir"
  [[ -f "$map" ]] || fail "pkg-config versionscript '$map' does not exist"

  # The commands sdk/README.md documents, with this prefix's pkg-config.
  mkdir -p build plugins
  "$ETL_TEST_CC" -std=c99 -pedantic -Wall -Wextra -Werror -O2 -fPIC -shared -fvisibility=hidden \
    $cflags -Wl,--version-script="$map" -Wl,-z,defs \
    -o build/etl-fibonacci.so "$ETL_TEST_EXAMPLES_DIR/c_source/fibonacci.c" ||
    fail "the pkg-config build of fibonacci.c failed"
  "$ETL_TEST_CXX" -std=c++17 -Wall -Wextra -Werror -O2 -fPIC -shared -fvisibility=hidden -fvisibility-inlines-hidden \
    $cflags $("$ETL_TEST_PKG_CONFIG" --cflags nlohmann_json) -Wl,--version-script="$map" -Wl,-z,defs \
    -o build/etl-lines.so "$ETL_TEST_EXAMPLES_DIR/cpp_source/lines_source.cpp" ||
    fail "the pkg-config build of lines_source.cpp failed"
  exports_only_entry build/etl-fibonacci.so
  exports_only_entry build/etl-lines.so

  # Loaded by path...
  run_etlhost describe describe "$step_dir/build/etl-lines.so" >describe.txt || fail "describe failed: $(cat describe.log)"
  grep -Eq "^lines 1\.0\.0 \(source, plugin ABI 1\.[0-9]+\)" describe.txt || fail "unexpected describe output: $(cat describe.txt)"
  run_etlhost run run "$step_dir/build/etl-fibonacci.so" to singer --set fibonacci.count=7 >singer.out ||
    fail "running the pkg-config build by path failed: $(cat run.log)"
  grep -o '"record":{[^}]*}' singer.out | sed 's/^"record"://' >records.jsonl
  fib_lines 0 7 >expected.jsonl
  same_file records.jsonl expected.jsonl "the pkg-config build's records"

  # ...and by name from a directory in ETLHOST_PLUGIN_PATH, which comes before the host's own.
  cp build/etl-fibonacci.so plugins/
  ETLHOST_PLUGIN_PATH="$step_dir/plugins" run_etlhost describe_env describe fibonacci >describe_env.txt ||
    fail "describe with ETLHOST_PLUGIN_PATH failed: $(cat describe_env.log)"
  grep -q "^path: $step_dir/plugins/etl-fibonacci.so\$" describe_env.txt ||
    fail "ETLHOST_PLUGIN_PATH=$step_dir/plugins did not find etl-fibonacci.so there: $(cat describe_env.txt)"
  ETLHOST_PLUGIN_PATH="$step_dir/plugins" run_etlhost run_env run fibonacci to singer --set fibonacci.count=3 >singer_env.out ||
    fail "running fibonacci from ETLHOST_PLUGIN_PATH failed: $(cat run_env.log)"
  grep -q '"record":{"n":2,"value":1}' singer_env.out || fail "unexpected output: $(cat singer_env.out)"
  ;;

# ---------------------------------------------------------------------------------------
# The installed host's conformance kit passes all three installed examples.
conformance_kit)
  need_examples
  for plugin in fibonacci lines jsonl; do
    args=(test-plugin "$plugin" --quick --seed 7)
    case $plugin in
      fibonacci) args+=(--set count=40) ;;
      lines) printf 'one\ntwo\nthree\n' >input.txt && args+=(--set "path=$step_dir/input.txt") ;;
      jsonl) args+=(--set "output_dir=$step_dir/jsonl-out" --output "$step_dir/jsonl-out") ;;
    esac
    run_etlhost "kit_$plugin" "${args[@]}" >"kit_$plugin.txt" ||
      fail "the conformance kit failed $plugin: $(cat "kit_$plugin.txt" "kit_$plugin.log")"
    grep -q "^[1-9][0-9]* passed, 0 failed" "kit_$plugin.txt" || fail "unexpected kit report: $(cat "kit_$plugin.txt")"
    note "$plugin passes the conformance kit: $(tail -n 1 "kit_$plugin.txt")"
  done
  ;;

*)
  fail "unknown step '$step'"
  ;;
esac
note "ok"
