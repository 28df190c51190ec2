# etlhost_warnings(<target>): the warning set every target of ours compiles with, as errors
# when ETLHOST_WERROR is ON (CI and sanitizer builds; off by default so a newer compiler's
# new warning does not break a user's build).
include_guard(GLOBAL)
option(ETLHOST_WERROR "Treat compiler warnings as errors" OFF)

function(etlhost_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused -Wnull-dereference -Wformat=2
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual>
    $<$<BOOL:${ETLHOST_WERROR}>:-Werror>)
endfunction()
