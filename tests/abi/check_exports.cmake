# Fails unless the shared library PLUGIN defines exactly one dynamic symbol: etl_plugin_entry.
# Usage: cmake -DNM=<nm> -DPLUGIN=<file.so> -P check_exports.cmake
execute_process(COMMAND "${NM}" -D --defined-only "${PLUGIN}"
                OUTPUT_VARIABLE listing RESULT_VARIABLE result ERROR_VARIABLE errors)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "nm failed on ${PLUGIN}: ${errors}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${listing}")
set(symbols "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^.* " "" symbol "${line}")
  list(APPEND symbols "${symbol}")
endforeach()
if(NOT symbols STREQUAL "etl_plugin_entry")
  message(FATAL_ERROR "${PLUGIN} must export only etl_plugin_entry; it exports: ${symbols}")
endif()
message(STATUS "${PLUGIN}: exports only etl_plugin_entry")
