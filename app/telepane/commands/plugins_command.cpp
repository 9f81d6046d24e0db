// telepane plugins list | plugins info ID
#include <telepane/core/runtime/install_paths.hpp>
#include "commands.hpp"

#include <iomanip>
#include <iostream>

namespace telepane::app {
namespace plugins = core::plugins;

bool configure_runtime(core::Runtime& runtime, const CliOptions& opts, const std::vector<std::string>& extra_files,
                       bool quiet_loader) {
  core::RuntimeOptions ro;
  ro.sources = core::config::default_sources("peer", TELEPANE_SYSCONFDIR_DEFAULT);
  ro.sources.files = opts.config_files;
  ro.sources.files.insert(ro.sources.files.end(), extra_files.begin(), extra_files.end());
  ro.sources.overrides = opts.overrides;
  ro.default_plugin_dirs = core::default_plugin_dirs(TELEPANE_PLUGIN_SUBDIR);
  if (quiet_loader) ro.log_level = core::LogLevel::Error;
  const auto errors = runtime.configure(ro);
  for (const auto& e : errors) std::cerr << "telepane: " << e << "\n";
  return errors.empty();
}

namespace {
int list(core::Runtime& rt) {
  const auto& recs = rt.plugins().plugins();
  std::size_t w = 2;
  for (auto& r : recs) w = std::max(w, (r->id.empty() ? r->path : r->id).size());
  std::cout << std::left << std::setw(int(w)) << "ID"
            << "  " << std::setw(8) << "VERSION"
            << "  " << std::setw(16) << "KINDS"
            << "  " << std::setw(9) << "STATE"
            << "  ERROR\n";
  for (auto& r : recs) {
    std::cout << std::setw(int(w)) << (r->id.empty() ? r->path : r->id) << "  " << std::setw(8)
              << (r->id.empty() ? "-" : plugins::version_string(r->version)) << "  " << std::setw(16) << r->kinds()
              << "  " << std::setw(9) << plugins::state_name(r->state) << "  " << (r->error.empty() ? "-" : r->error)
              << "\n";
  }
  return kExitOk;
}

int info(core::Runtime& rt, const std::string& id) {
  const plugins::PluginRecord* r = rt.plugins().find(id);
  if (r == nullptr) {
    std::cerr << "telepane: no installed plugin has the id '" << id << "' (see telepane plugins list)\n";
    return kExitUsage;
  }
  std::cout << "id:          " << r->id << "\n"
            << "version:     " << plugins::version_string(r->version) << "\n"
            << "file:        " << r->path << "\n"
            << "state:       " << plugins::state_name(r->state) << (r->error.empty() ? "" : " (" + r->error + ")")
            << "\n"
            << "description: " << (r->description.empty() ? "-" : r->description) << "\n"
            << "features:\n";
  for (auto& f : r->features)
    std::cout << "  " << plugins::kind_name(f.kind) << " '" << f.name << "' rank " << f.rank
              << (f.usable ? "" : " (unusable: " + f.error + ")") << "\n";
  std::cout << "dependencies:" << (r->dependencies.empty() ? " none" : "") << "\n";
  for (auto& d : r->dependencies)
    std::cout << "  " << d.id << " " << d.range() << (d.kind == TP_DEPENDENCY_OPTIONAL ? " (optional)" : "") << "\n";
  if (!r->schema) {
    std::cout << "settings: none\n";
    return kExitOk;
  }
  std::string text;
  r->schema->describe(text, r->id, 0);
  std::cout << "settings (key: type (default) - description):\n"
            << text << "in effect:   " << rt.plugin_config(r->id).to_json() << "\n";
  return kExitOk;
}
}  // namespace

int plugins_command(const CliOptions& opts, core::Logger& logger) {
  const auto& w = opts.words;
  if (w.size() < 2 || (w[1] != "list" && w[1] != "info"))
    throw UsageError("expected 'plugins list' or 'plugins info ID'");
  if (w[1] == "list" && w.size() != 2) throw UsageError("'plugins list' takes no arguments");
  if (w[1] == "info" && w.size() != 3) throw UsageError("expected 'plugins info ID'");
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts, {}, /*quiet_loader=*/true)) return kExitUsage;  // the table shows each problem
  rt.load_plugins();
  return w[1] == "list" ? list(rt) : info(rt, w[2]);
}

}  // namespace telepane::app
