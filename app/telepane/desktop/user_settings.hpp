// The settings page's model and its changes. Changes go to the user's config file (peer.yaml in the user's config
// dir): each is checked first by configuring a fresh runtime with the changed file, so a change the config would
// refuse is refused with the same message and the file stays as it was. Changes apply at the next start.
#pragma once

#include "cli_options.hpp"

#include <telepane/core/runtime/runtime.hpp>

#include <filesystem>
#include <mutex>
#include <string>

namespace telepane::app {

class UserSettings {
 public:
  UserSettings(core::Runtime& rt, CliOptions opts);

  const std::filesystem::path& file() const { return file_; }
  // The app.settings payload (JSON): the program's sections and every plugin, each with its schema and values.
  std::string model_json();
  // Sets `key` (dotted) of the top-level `section` ("rendezvous", "host", or a plugin id) to `yaml_value`.
  // Returns "" or why not. [any thread]
  std::string set(const std::string& section, const std::string& key, const std::string& yaml_value);
  // Turns a plugin on or off (plugins.disable, and plugins.add for plugins that are off by default).
  std::string enable_plugin(const std::string& id, bool enabled);

 private:
  std::string check_and_write(const std::string& text);  // under mu_

  core::Runtime& rt_;
  CliOptions opts_;
  std::filesystem::path file_;
  std::mutex mu_;
  bool changed_ = false;
};

}  // namespace telepane::app
