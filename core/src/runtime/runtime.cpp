#include <telepane/core/runtime/runtime.hpp>

#include <algorithm>

namespace telepane::core {
namespace {

// The settings every Telepane program has; the program adds its own sections (Runtime's constructor).
constexpr const char* kPluginsAndLog = R"JSON(
    "plugins": {
      "type": "object",
      "description": "Which plugins load, and from where",
      "properties": {
        "enable": {"type": "array", "items": {"type": "string"},
                   "description": "Load only these plugin ids (absent: every installed plugin that is not off by default)"},
        "disable": {"type": "array", "items": {"type": "string"}, "default": [],
                    "description": "Never load these plugin ids"},
        "add": {"type": "array", "items": {"type": "string"}, "default": [],
                "description": "Also load these plugin ids that are off by default (e.g. org.telepane.capture.testpattern)"},
        "dirs": {"type": "array", "items": {"type": "string"},
                 "description": "Plugin directories, searched in order (absent: the installed plugin directory, then ~/.local/share/telepane/plugins)"}
      }
    },
    "log": {
      "type": "object",
      "properties": {
        "level": {"type": "string", "enum": ["trace", "debug", "info", "warn", "error"], "default": "info",
                  "description": "The least important log lines still written"}
      }
    })JSON";

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::vector<std::string> strings_of(const config::Value* list) {
  std::vector<std::string> out;
  if (list != nullptr)
    for (auto& item : list->items()) out.push_back(item.text());
  return out;
}

}  // namespace

config::Schema Runtime::settings_schema(const std::string& program_sections, const std::string& name) {
  std::string text = std::string("{\"type\": \"object\", \"properties\": {") + kPluginsAndLog;
  if (!program_sections.empty()) text += ",\n" + program_sections;
  return config::Schema::parse(text + "}}", name);
}

Runtime::Runtime(Logger& logger, config::Schema schema)
    : logger_(logger),
      schema_(std::move(schema)),
      keys_(schema_.property_names()),
      pool_(2),
      bus_(logger),
      manager_(plugins::HostServices{logger, bus_, pool_}) {}

Runtime::~Runtime() {
  manager_.unload_all();
}

std::vector<std::string> Runtime::configure(const RuntimeOptions& options) {
  std::vector<std::string> errors;
  config::Layers layers;
  try {
    layers = config::Layers::load(options.sources);
  } catch (const config::ConfigError& e) {
    return {e.what()};
  }
  files_ = layers.files_read();
  layers.apply_overrides(keys_, false);

  // The core's own settings first: they say where the plugins are.
  config::Value core_part = config::Value::map(layers.tree().origin());
  for (auto& key : keys_)
    if (const config::Value* v = layers.tree().find(key)) core_part.set(key, *v);
  core_ = schema_.apply(&core_part, "", layers.tree().origin(), errors);
  const config::Value& core = core_;
  if (!errors.empty()) return errors;

  if (options.log_level)
    logger_.set_level(*options.log_level);
  else if (auto level = parse_log_level(core.at_path("log.level")->text()))
    logger_.set_level(*level);
  const config::Value* dirs = core.at_path("plugins.dirs");
  dirs_ = dirs ? strings_of(dirs) : options.default_plugin_dirs;
  manager_.discover(dirs_);

  // Now that plugin ids are known, the remaining --set overrides can be split correctly.
  std::vector<std::string> top_keys = keys_;
  for (auto& r : manager_.plugins())
    if (!r->id.empty()) top_keys.push_back(r->id);
  layers.apply_overrides(top_keys, true);

  for (auto& [key, value] : layers.tree().entries()) {
    if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
    const plugins::PluginRecord* rec = manager_.find(key);
    if (rec == nullptr) {
      errors.push_back(value.origin().str() + ": unknown key '" + key + "': not a setting of this program (" +
                       join(keys_) + ") and no installed plugin has this id");
      continue;
    }
    if (rec->state == plugins::PluginState::Failed) continue;  // its own failure is reported; its schema is unknown
    if (!rec->schema) {
      if (!value.is_null()) errors.push_back(value.origin().str() + ": '" + key + "' takes no settings");
      continue;
    }
    plugin_configs_[key] = rec->schema->apply(&value, key, value.origin(), errors);
  }
  for (auto& r : manager_.plugins())
    if (r->schema && !r->id.empty() && !plugin_configs_.count(r->id))
      plugin_configs_[r->id] = r->schema->apply(nullptr, r->id, config::Origin{"<defaults>", 0, 0}, errors);

  const config::Value* enable = core.at_path("plugins.enable");
  const config::Value* disable = core.at_path("plugins.disable");
  const config::Value* add = core.at_path("plugins.add");
  for (const config::Value* list : {enable, disable, add}) {
    if (list == nullptr) continue;
    for (auto& item : list->items())
      if (manager_.find(item.text()) == nullptr)
        errors.push_back(item.origin().str() + ": no installed plugin has the id '" + item.text() + "'");
  }
  selection_.enable = enable ? std::optional(strings_of(enable)) : std::nullopt;
  selection_.disable = strings_of(disable);
  selection_.add = strings_of(add);
  return errors;
}

void Runtime::load_plugins() {
  manager_.load(selection_, [this](const std::string& id) { return plugin_config(id); });
}

const config::Value& Runtime::core_config() const {
  return core_;
}

const config::Value& Runtime::plugin_config(const std::string& id) const {
  static const config::Value empty = config::Value::map(config::Origin{"<defaults>", 0, 0});
  auto it = plugin_configs_.find(id);
  return it == plugin_configs_.end() ? empty : it->second;
}

}  // namespace telepane::core
