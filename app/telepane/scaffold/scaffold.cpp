#include "scaffold/scaffold.hpp"

#include "scaffold/template_files.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>

namespace telepane::app {
namespace fs = std::filesystem;

bool scaffold_supports(const std::string& kind) {
  return kind == "codec" || kind == "capture";
}

namespace {
// Replaces the value of `set(<var> ...)` in the template's CMakeLists.txt.
void set_cmake_var(std::string& text, const std::string& var, const std::string& value) {
  const std::regex line("set\\(" + var + " [^)]*\\)");
  if (!std::regex_search(text, line)) throw std::runtime_error("plugin-template/CMakeLists.txt lacks set(" + var + ")");
  text = std::regex_replace(text, line, "set(" + var + " " + value + ")", std::regex_constants::format_first_only);
}
}  // namespace

void scaffold_plugin(const ScaffoldRequest& r) {
  if (!std::regex_match(r.name, std::regex("[a-z][a-z0-9-]{0,62}")))
    throw std::invalid_argument("plugin name '" + r.name +
                                "': use lower-case letters, digits and '-', starting with a letter");
  if (!std::regex_match(r.id, std::regex(R"([a-z0-9-]+(\.[a-z0-9_-]+)+)")))
    throw std::invalid_argument("plugin id '" + r.id + "': expected reverse-DNS like com.example.codec.fast");
  if (!scaffold_supports(r.kind)) throw std::invalid_argument("unsupported kind '" + r.kind + "'");
  std::error_code ec;
  if (fs::exists(r.dir, ec) && !fs::is_empty(r.dir, ec))
    throw std::runtime_error(r.dir + " exists and is not empty; nothing was written");

  for (const auto& f : template_files()) {
    // Keep only the chosen kind's sources and tests.
    const bool kind_specific = f.path.rfind("src/", 0) == 0 || f.path.rfind("tests/", 0) == 0;
    if (kind_specific && f.path.find("/" + r.kind + "/") == std::string::npos) continue;
    std::string content = f.content;
    if (f.path == "CMakeLists.txt") {
      set_cmake_var(content, "PLUGIN_NAME", r.name);
      set_cmake_var(content, "PLUGIN_KIND", r.kind);
      set_cmake_var(content, "PLUGIN_ID", r.id);
    }
    const fs::path target = fs::path(r.dir) / f.path;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + ec.message());
    std::ofstream out(target, std::ios::binary);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + target.string());
  }
}

}  // namespace telepane::app
