# telepane_add_plugin(<target> KIND <kind> SOURCES <src>... [LIBRARIES <lib>...] [OUTPUT_DIRECTORY <dir>]
#                     [INSTALL_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a Telepane plugin: a MODULE library named <target>.so that exports only tp_plugin_entry (hidden
# visibility plus a version script), links with no undefined symbols, and installs into the plugin directory.
# KIND is informative (capture, codec, transport, crypto, auth, service, frontend, registry, recorder); the descriptor is
# what the host trusts.
set(_TELEPANE_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/telepane-plugin.map" CACHE INTERNAL "the version script of telepane_add_plugin()")

function(telepane_add_plugin target)
  cmake_parse_arguments(TP "NO_INSTALL" "KIND;OUTPUT_DIRECTORY;INSTALL_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT TP_SOURCES)
    message(FATAL_ERROR "telepane_add_plugin(${target}): SOURCES is required")
  endif()
  set(_kinds capture codec encoder decoder transport crypto auth service frontend registry recorder)
  if(NOT TP_KIND IN_LIST _kinds)
    message(FATAL_ERROR "telepane_add_plugin(${target}): KIND must be one of ${_kinds}, not '${TP_KIND}'")
  endif()
  add_library(${target} MODULE ${TP_SOURCES})
  target_link_libraries(${target} PRIVATE Telepane::sdk ${TP_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS ${_TELEPANE_PLUGIN_MAP}
    TELEPANE_PLUGIN_KIND ${TP_KIND})
  target_link_options(${target} PRIVATE "LINKER:--version-script=${_TELEPANE_PLUGIN_MAP}" "LINKER:--no-undefined")
  if(TP_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${TP_OUTPUT_DIRECTORY})
  elseif(DEFINED TELEPANE_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${TELEPANE_PLUGIN_OUTPUT_DIR})
  endif()
  if(TP_NO_INSTALL)
    return()
  endif()
  if(NOT TP_INSTALL_DIRECTORY)
    include(GNUInstallDirs)
    set(TP_INSTALL_DIRECTORY ${CMAKE_INSTALL_LIBDIR}/telepane/plugins)
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION ${TP_INSTALL_DIRECTORY})
endfunction()
