#include "desktop/user_settings.hpp"

#include "settings.hpp"

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace telepane::app {
namespace {
YAML::Node load_or_empty(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return YAML::Node(YAML::NodeType::Map);
  YAML::Node n = YAML::LoadFile(file.string());
  return n.IsNull() ? YAML::Node(YAML::NodeType::Map) : n;
}

nlohmann::json parse_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// A YAML list of strings without `item`, or with it once.
void set_member(YAML::Node list_parent, const std::string& key, const std::string& item, bool present) {
  std::vector<std::string> items;
  if (list_parent[key])
    for (const auto& n : list_parent[key])
      if (n.as<std::string>() != item) items.push_back(n.as<std::string>());
  if (present) items.push_back(item);
  list_parent[key] = items;
}
}  // namespace

UserSettings::UserSettings(core::Runtime& rt, CliOptions opts) : rt_(rt), opts_(std::move(opts)) {
  file_ = core::config::default_sources("peer", TELEPANE_SYSCONFDIR_DEFAULT).user_file;
}

std::string UserSettings::model_json() {
  nlohmann::json sections = nlohmann::json::array();
  const auto app_schema = nlohmann::json::parse(std::string("{") + peer_sections_json() + "}");
  const auto values = parse_or_null(rt_.core_config().to_json());
  for (auto& [key, schema] : app_schema.items())
    sections.push_back(
        {{"key", key},
         {"schema", schema},
         {"values", values.is_object() && values.contains(key) ? values[key] : nlohmann::json::object()}});
  nlohmann::json plugins = nlohmann::json::array();
  for (auto& r : rt_.plugins().plugins()) {
    if (r->id.empty()) continue;
    nlohmann::json p{{"id", r->id},
                     {"description", r->description},
                     {"state", core::plugins::state_name(r->state)},
                     {"error", r->error},
                     {"kinds", r->kinds()},
                     {"default_off", (r->flags & TP_PLUGIN_DEFAULT_DISABLED) != 0},
                     {"loaded", r->state == core::plugins::PluginState::Loaded}};
    p["schema"] = parse_or_null(r->schema_text);
    p["values"] = r->schema_text.empty() ? nlohmann::json::object() : parse_or_null(rt_.plugin_config(r->id).to_json());
    plugins.push_back(std::move(p));
  }
  std::lock_guard lock(mu_);
  return nlohmann::json{
      {"file", file_.string()}, {"restart_needed", changed_}, {"sections", sections}, {"plugins", plugins}}
      .dump();
}

std::string UserSettings::set(const std::string& section, const std::string& key, const std::string& yaml_value) {
  if (section.empty() || key.empty()) return "a setting needs a section and a key";
  std::lock_guard lock(mu_);
  try {
    YAML::Node root = load_or_empty(file_);
    YAML::Node value = YAML::Load(yaml_value);
    // Walk (and make) the maps down to the key's parent. yaml-cpp's Node::operator= between nodes rewrites the
    // node it refers to (not the handle), so the walk moves its handle with reset().
    std::vector<std::string> parts;
    std::stringstream ss(key);
    for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
    if (parts.empty() || std::find(parts.begin(), parts.end(), "") != parts.end())
      return "'" + key + "' is not a dotted key";
    if (!root[section].IsMap()) root[section] = YAML::Node(YAML::NodeType::Map);
    YAML::Node at;
    at.reset(root[section]);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (!at[parts[i]].IsMap()) at[parts[i]] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next;
      next.reset(at[parts[i]]);
      at.reset(next);
    }
    at[parts.back()] = value;
    YAML::Emitter out;
    out << root;
    return check_and_write(out.c_str());
  } catch (const std::exception& e) {
    return file_.string() + ": " + e.what();
  }
}

std::string UserSettings::enable_plugin(const std::string& id, bool enabled) {
  const auto* rec = rt_.plugins().find(id);
  if (rec == nullptr) return "no installed plugin has the id '" + id + "'";
  std::lock_guard lock(mu_);
  try {
    YAML::Node root = load_or_empty(file_);
    if (!root["plugins"].IsMap()) root["plugins"] = YAML::Node(YAML::NodeType::Map);
    YAML::Node plugins;
    plugins.reset(root["plugins"]);
    set_member(plugins, "disable", id, !enabled);
    if (rec->flags & TP_PLUGIN_DEFAULT_DISABLED) set_member(plugins, "add", id, enabled);
    YAML::Emitter out;
    out << root;
    return check_and_write(out.c_str());
  } catch (const std::exception& e) {
    return file_.string() + ": " + e.what();
  }
}

std::string UserSettings::check_and_write(const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  const auto tmp = file_.string() + ".new";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << "# Telepane peer settings (the desktop app's Settings page writes here; comments are not kept)\n"
      << text << "\n";
    if (!f) return "cannot write " + tmp;
  }
  core::Logger quiet;
  core::Runtime check(quiet, peer_settings());
  core::RuntimeOptions ro;
  ro.sources = core::config::default_sources("peer", TELEPANE_SYSCONFDIR_DEFAULT);
  ro.sources.user_file = tmp;
  ro.sources.files = opts_.config_files;
  ro.sources.overrides = opts_.overrides;
  ro.default_plugin_dirs = rt_.plugin_dirs();
  ro.log_level = core::LogLevel::Error;
  const auto errors = check.configure(ro);
  if (!errors.empty()) {
    std::filesystem::remove(tmp, ec);
    std::string why = errors.front();
    const auto at = why.find(tmp);  // name the real file, not the candidate
    if (at != std::string::npos) why.replace(at, tmp.size(), file_.string());
    return why;
  }
  std::filesystem::rename(tmp, file_, ec);
  if (ec) return "cannot write " + file_.string() + ": " + ec.message();
  changed_ = true;
  return "";
}

}  // namespace telepane::app
