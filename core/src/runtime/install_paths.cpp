#include <telepane/core/runtime/install_paths.hpp>

#include <cstdlib>
#include <filesystem>

namespace telepane::core {
namespace fs = std::filesystem;

std::vector<std::string> default_plugin_dirs(const std::string& plugin_subdir) {
  std::vector<std::string> dirs;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back((exe.parent_path().parent_path() / plugin_subdir).lexically_normal().string());
  const char* data_home = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (data_home != nullptr && *data_home != '\0')
    dirs.push_back(std::string(data_home) + "/telepane/plugins");
  else if (home != nullptr && *home != '\0')
    dirs.push_back(std::string(home) + "/.local/share/telepane/plugins");
  return dirs;
}

}  // namespace telepane::core
