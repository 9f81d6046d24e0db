#include "paths.hpp"

#include <cstdlib>
#include <filesystem>

namespace telepane::app {
namespace fs = std::filesystem;

std::vector<std::string> default_plugin_dirs() {
  std::vector<std::string> dirs;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back((exe.parent_path().parent_path() / TELEPANE_PLUGIN_SUBDIR).lexically_normal().string());
  const char* data_home = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (data_home != nullptr && *data_home != '\0')
    dirs.push_back(std::string(data_home) + "/telepane/plugins");
  else if (home != nullptr && *home != '\0')
    dirs.push_back(std::string(home) + "/.local/share/telepane/plugins");
  return dirs;
}

}  // namespace telepane::app
