# etlhost_add_fuzzer(<name> SOURCES <files...> LINK <libs...>)
#
# One libFuzzer target (ETLHOST_FUZZ=ON only; see cmake/EtlhostSanitize.cmake), laid out the
# same way everywhere, next to the code it fuzzes (host/fuzz, plugins/<name>/fuzz):
# - <name>.cpp defines LLVMFuzzerTestOneInput; it links the library under test (a plugin's
#   CORE library, etlhost_core), never a second copy of its sources;
# - corpus/<name>/ holds its seed corpus (in git), <name>.dict its dictionary, if any;
# - the executable lands in <build>/fuzz/bin/<name>, and <build>/fuzz/targets/<name> says
#   where its seeds and dictionary are, for scripts/fuzz.sh;
# - ctest runs it once over its seed corpus ("fuzz: <name> seeds", label fuzz): every seed,
#   the reproducers of the bugs found so far included, is a regression test.
include_guard(GLOBAL)

function(etlhost_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK" ${ARGN})
  set(seeds "${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name}")
  set(dict "${CMAKE_CURRENT_SOURCE_DIR}/${name}.dict")
  if(NOT IS_DIRECTORY "${seeds}")
    message(FATAL_ERROR "etlhost_add_fuzzer(${name}): no seed corpus at ${seeds}")
  endif()
  if(NOT EXISTS "${dict}")
    set(dict "")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  # One target that builds every fuzzer (scripts/test-sanitized.sh builds just these).
  if(NOT TARGET etlhost_fuzzers)
    add_custom_target(etlhost_fuzzers)
  endif()
  add_dependencies(etlhost_fuzzers ${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK})
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests/support/fuzz")  # fuzz_check.h
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  # The static sanitizer runtime: libFuzzer must not come before ASan in the library list,
  # and a fuzzer loads no plugin, so it needs no shared runtime (cmake/EtlhostSanitize.cmake).
  target_link_options(${name} PRIVATE -fsanitize=fuzzer -static-libsan)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/fuzz/bin")
  etlhost_warnings(${name})
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/fuzz/targets/${name}"
    CONTENT "binary=$<TARGET_FILE:${name}>\nseeds=${seeds}\ndict=${dict}\n")
  # -runs=0: run the given inputs once, no mutation, so nothing is written into the seeds.
  add_test(NAME "fuzz: ${name} seeds" COMMAND ${name} -runs=0 "${seeds}")
  set_tests_properties("fuzz: ${name} seeds" PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()
