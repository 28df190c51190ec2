# ETLHOST_SANITIZE: every target built with AddressSanitizer and UndefinedBehaviorSanitizer.
# ETLHOST_FUZZ: the libFuzzer targets (host/fuzz, plugins/<name>/fuzz), clang only.
#
# Included before any target exists, so plugins, the host and the tests that dlopen them all
# share one ASan/UBSan runtime.
include_guard(GLOBAL)
option(ETLHOST_SANITIZE "Build every target with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(ETLHOST_FUZZ "Build the libFuzzer targets (needs clang and ETLHOST_SANITIZE=ON)" OFF)

if(ETLHOST_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Clang links its runtime statically into executables only, which leaves every plugin
    # (linked with -z defs) with undefined __asan_* symbols. The shared runtime, as gcc uses,
    # serves executables and plugins alike; the rpath finds it without LD_LIBRARY_PATH.
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libclang_rt.asan-x86_64.so
      OUTPUT_VARIABLE asan_runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
    get_filename_component(asan_runtime_dir "${asan_runtime}" DIRECTORY)
    add_link_options(-shared-libsan "LINKER:-rpath,${asan_runtime_dir}")
  endif()
endif()

if(ETLHOST_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT ETLHOST_SANITIZE)
    message(FATAL_ERROR "ETLHOST_FUZZ=ON needs clang (-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang) "
                        "and -DETLHOST_SANITIZE=ON: libFuzzer is clang's, and a fuzzer without ASan finds only crashes")
  endif()
  # Coverage for libFuzzer in every library a fuzzer links (the plugins' CORE libraries,
  # etlhost_core); the callbacks live in the shared sanitizer runtime, so plugins link too.
  add_compile_options(-fsanitize=fuzzer-no-link)
  include(EtlhostFuzz)
endif()
