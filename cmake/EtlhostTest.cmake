# etlhost_add_test(<name> SOURCES <files...> LABEL <label> [PREFIX <text>] [TIMEOUT <seconds>]
#                  [LINK <libs...>] [DEFINES <defs...>] [DEPENDS <targets...>]
#                  [PLUGINS <plugins...>])
#
# One doctest suite, built and registered the same way everywhere (as fmt's add_fmt_test):
# - an executable <name> with our warnings, linked to the one doctest main (etlhost_test_main)
#   and to LINK, compiled with DEFINES (the paths it needs);
# - DEPENDS and the plugins in PLUGINS (etl-<plugin>) are built before it, as the suite runs them;
# - every doctest case becomes a ctest test named "<PREFIX><case>" (PREFIX defaults to
#   "<LABEL>: ") carrying LABEL, so `ctest -L <label>` runs exactly this suite's kind;
# - a suite that needs a plugin switched off (ETLHOST_PLUGIN_<NAME>=OFF) is skipped with a
#   status line instead of failing to build.
include_guard(GLOBAL)
include(doctest)

function(etlhost_add_test name)
  cmake_parse_arguments(ARG "" "LABEL;PREFIX;TIMEOUT" "SOURCES;LINK;DEFINES;DEPENDS;PLUGINS" ${ARGN})
  if(NOT ARG_SOURCES OR NOT ARG_LABEL)
    message(FATAL_ERROR "etlhost_add_test(${name}): SOURCES and LABEL are required")
  endif()
  foreach(plugin IN LISTS ARG_PLUGINS)
    string(TOUPPER "${plugin}" option)
    if(NOT ETLHOST_PLUGIN_${option})
      message(STATUS "${name}: skipped, it needs the ${plugin} plugin (ETLHOST_PLUGIN_${option} is OFF)")
      return()
    endif()
    list(APPEND ARG_DEPENDS etl-${plugin})
  endforeach()
  if(NOT DEFINED ARG_PREFIX)
    set(ARG_PREFIX "${ARG_LABEL}: ")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()

  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE etlhost_test_main ${ARG_LINK})
  target_compile_definitions(${name} PRIVATE ${ARG_DEFINES})
  etlhost_warnings(${name})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  doctest_discover_tests(${name} TEST_PREFIX "${ARG_PREFIX}"
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS ${ARG_LABEL})
endfunction()
