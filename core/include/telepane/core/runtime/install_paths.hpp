// Where this installation keeps things, derived from the executable's own location so that the build tree
// (build/bin, build/lib/telepane/plugins) and an install prefix work alike.
#pragma once

#include <string>
#include <vector>

namespace telepane::core {

// The installed plugin directory (`plugin_subdir` beneath the executable's prefix), then the user's
// (~/.local/share/telepane/plugins).
std::vector<std::string> default_plugin_dirs(const std::string& plugin_subdir);

}  // namespace telepane::core
