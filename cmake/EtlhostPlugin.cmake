# etlhost_add_plugin(<name> SOURCES <files...> [CORE <files or globs...>] [LINK <libs...>]
#                    [NO_INSTALL])
#
# Builds an etlhost plugin the way the host expects it:
# - a MODULE library named etl-<name>.so (the host maps the plugin name to that file);
# - hidden visibility and a version script, so `etl_plugin_entry` is the only exported
#   symbol and nothing of the plugin can interpose on the host or on another plugin;
# - -z defs, so a missing symbol fails the link instead of the load;
# - placed in (and installed to) the directory the host searches next to its executable.
#
# CORE: everything of the plugin but its entry point, as a static library etl_<name>_core
# (dashes become underscores) that unit tests and benchmarks link to exercise exactly the
# code the plugin runs. Globs are expanded (src/*.cpp); files also in SOURCES are left out.
# Its sources' directories are its public include directories, and LINK is linked to it
# publicly; without CORE, LINK goes to the plugin alone.
#
# In our tree every plugin gets etlhost's warning set (cmake/EtlhostWarnings.cmake). Out
# of tree (find_package(etlhost)) that file is not installed and no flags are imposed: the
# plugin author chooses the warnings (sdk/examples shows a strict set).
#
# The target is named etl-<name>. Works in our tree and out of tree (find_package(etlhost)).
include_guard(GLOBAL)

# The core library's settings match the plugin's: position independent (it is linked into a
# shared object) and hidden, so it cannot export anything the version script would drop.
function(_etlhost_plugin_core target core)
  cmake_parse_arguments(ARG "" "" "SOURCES;CORE;LINK" ${ARGN})
  file(GLOB core_sources CONFIGURE_DEPENDS ${ARG_CORE})
  foreach(source IN LISTS ARG_SOURCES)
    get_filename_component(source "${source}" ABSOLUTE)
    list(REMOVE_ITEM core_sources "${source}")
  endforeach()
  if(NOT core_sources)
    message(FATAL_ERROR "etlhost_add_plugin: CORE '${ARG_CORE}' matches no source")
  endif()
  set(include_dirs "")
  foreach(source IN LISTS core_sources)
    get_filename_component(dir "${source}" DIRECTORY)
    list(APPEND include_dirs "${dir}")
  endforeach()
  list(REMOVE_DUPLICATES include_dirs)
  add_library(${core} STATIC ${core_sources})
  target_include_directories(${core} PUBLIC ${include_dirs})
  target_link_libraries(${core} PUBLIC etlhost::sdk ${ARG_LINK})
  set_target_properties(${core} PROPERTIES
    POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(COMMAND etlhost_warnings)
    etlhost_warnings(${core})
  endif()
  target_link_libraries(${target} PRIVATE ${core})
endfunction()

function(etlhost_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "" "SOURCES;CORE;LINK" ${ARGN})
  if(NOT name MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "etlhost_add_plugin: plugin name '${name}' must match [a-z0-9_-]+")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "etlhost_add_plugin(${name}): SOURCES is empty")
  endif()
  set(target etl-${name})
  set(version_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/etlhost-plugin.map")
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE etlhost::sdk)
  if(ARG_CORE)
    string(REPLACE "-" "_" core "etl_${name}_core")
    _etlhost_plugin_core(${target} ${core} SOURCES ${ARG_SOURCES} CORE ${ARG_CORE} LINK ${ARG_LINK})
  else()
    target_link_libraries(${target} PRIVATE ${ARG_LINK})
  endif()
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
  if(COMMAND etlhost_warnings)
    etlhost_warnings(${target})
  endif()
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
