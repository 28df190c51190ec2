# etlhost_add_plugin(<name> SOURCES <files...> [LINK <libs...>] [NO_INSTALL])
#
# Builds an etlhost plugin the way the host expects it:
# - a MODULE library named etl-<name>.so (the host maps the plugin name to that file);
# - hidden visibility and a version script, so `etl_plugin_entry` is the only exported
#   symbol and nothing of the plugin can interpose on the host or on another plugin;
# - -z defs, so a missing symbol fails the link instead of the load;
# - placed in (and installed to) the directory the host searches next to its executable.
#
# The target is named etl-<name>. Works in our tree and out of tree (find_package(etlhost)).
include_guard(GLOBAL)

function(etlhost_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "" "SOURCES;LINK" ${ARGN})
  if(NOT name MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "etlhost_add_plugin: plugin name '${name}' must match [a-z0-9_-]+")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "etlhost_add_plugin(${name}): SOURCES is empty")
  endif()
  set(target etl-${name})
  set(version_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/etlhost-plugin.map")
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE etlhost::sdk ${ARG_LINK})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "etl-${name}"
    SUFFIX ".so"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${version_script}")
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${version_script}" "LINKER:-z,defs")
  if(DEFINED ETLHOST_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ETLHOST_PLUGIN_OUTPUT_DIR}")
  endif()
  if(NOT ARG_NO_INSTALL)
    if(NOT DEFINED ETLHOST_PLUGIN_INSTALL_DIR)
      include(GNUInstallDirs)
      set(ETLHOST_PLUGIN_INSTALL_DIR "lib/etlhost/plugins")
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION "${ETLHOST_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
