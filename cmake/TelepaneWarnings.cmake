# Warnings for everything we compile ourselves (not for third-party code), as an interface target.
add_library(telepane_warnings INTERFACE)
target_compile_options(telepane_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wformat=2
  -Wimplicit-fallthrough $<$<BOOL:${TELEPANE_WERROR}>:-Werror>)
if(TELEPANE_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false "maybe uninitialized" warnings inside <regex> and <functional> when instrumented.
  target_compile_options(telepane_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
