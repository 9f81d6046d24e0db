// `telepane plugin new`: a standalone plugin project from the embedded template.
#pragma once

#include <string>

namespace telepane::app {

struct ScaffoldRequest {
  std::string name;  // e.g. acme-codec: the library and CMake project name
  std::string kind;  // codec or capture
  std::string id;    // reverse-DNS plugin id
  std::string dir;   // where the project goes; must not exist or be empty
};

// Throws std::runtime_error with one line on failure (bad name, existing files, unwritable dir).
void scaffold_plugin(const ScaffoldRequest& request);

// The kinds the template has sources for.
bool scaffold_supports(const std::string& kind);

}  // namespace telepane::app
