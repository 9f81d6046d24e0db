// Where this installation keeps things, derived from the executable's own location so that the build tree
// (build/bin, build/lib/telepane/plugins) and an install prefix work alike.
#pragma once

#include <string>
#include <vector>

namespace telepane::app {

// The installed plugin directory, then the user's (~/.local/share/telepane/plugins).
std::vector<std::string> default_plugin_dirs();

}  // namespace telepane::app
