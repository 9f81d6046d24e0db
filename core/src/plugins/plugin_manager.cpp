#include <telepane/core/plugins/plugin_manager.hpp>

#include <telepane/abi/tp_capture.h>
#include <telepane/abi/tp_codec.h>

#include <algorithm>
#include <filesystem>

namespace telepane::core::plugins {
namespace fs = std::filesystem;

namespace {
constexpr const char* kLog = "plugins";

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

PluginManager::PluginManager(HostServices services) : services_(services) {}

PluginManager::~PluginManager() {
  unload_all();
}

void PluginManager::fail(PluginRecord& rec, const std::string& reason) {
  rec.state = PluginState::Failed;
  rec.error = reason;
  services_.logger.warn(kLog, rec.path + ": " + (rec.id.empty() ? "" : rec.id + ": ") + reason);
}

PluginRecord* PluginManager::by_id(const std::string& id) {
  for (auto& r : records_)
    if (r->state != PluginState::Failed && r->id == id) return r.get();
  return nullptr;
}

const PluginRecord* PluginManager::find(std::string_view id) const {
  for (auto& r : records_)
    if (r->id == id) return r.get();
  return nullptr;
}

void PluginManager::discover(const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      services_.logger.debug(kLog, dir + ": no such plugin directory");
      continue;
    }
    if (std::string why = untrusted_reason(dir); !why.empty()) {
      services_.logger.warn(kLog, dir + ": plugin directory refused: " + why);
      auto rec = std::make_unique<PluginRecord>();
      rec->path = dir;
      rec->state = PluginState::Failed;
      rec->error = "directory refused: " + why;
      records_.push_back(std::move(rec));
      continue;
    }
    std::vector<fs::path> files;
    for (auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file(ec) && entry.path().extension() == ".so") files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    for (const auto& file : files) {
      auto rec = std::make_unique<PluginRecord>();
      rec->path = file.string();
      PluginRecord& r = *rec;
      records_.push_back(std::move(rec));
      if (std::string why = untrusted_reason(r.path); !why.empty()) {
        fail(r, "refused: " + why);
        continue;
      }
      std::string error;
      r.library = Library::open(r.path, &error);
      if (!r.library) {
        fail(r, error);
        continue;
      }
      if (std::string why = read_descriptor(r.library->entry()(TP_ABI_MAJOR, TP_ABI_MINOR), r); !why.empty()) {
        r.library.reset();
        r.desc = nullptr;
        fail(r, why);
        continue;
      }
      if ((r.flags & TP_PLUGIN_KEEP_LOADED) != 0) r.library->keep_loaded();
      if (PluginRecord* first = by_id(r.id); first != nullptr && first != &r) {
        r.library.reset();
        r.desc = nullptr;
        fail(r, "duplicate id " + r.id + ": already provided by " + first->path);
        continue;
      }
      services_.logger.debug(kLog, r.path + ": " + r.id + " " + version_string(r.version));
    }
  }
}

void PluginManager::load(const Selection& selection,
                         const std::function<config::Value(const std::string& id)>& config_for) {
  for (auto& r : records_) {
    if (r->state != PluginState::Discovered) continue;
    bool on = selection.enable ? contains(*selection.enable, r->id)
                               : (r->flags & TP_PLUGIN_DEFAULT_DISABLED) == 0 || contains(selection.add, r->id);
    if (contains(selection.disable, r->id)) on = false;
    if (!on) r->state = PluginState::Disabled;
  }
  std::vector<PluginRecord*> stack;
  for (auto& r : records_)
    if (r->state == PluginState::Discovered) visit(*r, stack, config_for);
}

// Depth-first: dependencies load before their dependents; `stack` is the current path, to name a cycle.
void PluginManager::visit(PluginRecord& rec, std::vector<PluginRecord*>& stack,
                          const std::function<config::Value(const std::string&)>& config_for) {
  stack.push_back(&rec);
  for (const auto& dep : rec.dependencies) {
    const bool required = dep.kind == TP_DEPENDENCY_REQUIRED;
    PluginRecord* target = by_id(dep.id);
    std::string problem;
    if (target == nullptr) {
      const PluginRecord* failed = find(dep.id);
      problem = failed ? "requires " + dep.id + ", which failed: " + failed->error
                       : "requires " + dep.id + " " + dep.range() + ", which is not installed";
    } else if (!dep.accepts(target->version)) {
      problem = "requires " + dep.id + " " + dep.range() + ", found " + version_string(target->version);
    } else if (target->state == PluginState::Disabled) {
      problem = "requires " + dep.id + ", which is disabled in the config";
    } else if (auto it = std::find(stack.begin(), stack.end(), target); it != stack.end()) {
      std::string cycle;
      for (auto c = it; c != stack.end(); ++c) cycle += (*c)->id + " -> ";
      cycle += target->id;
      for (auto c = it; c != stack.end(); ++c) fail(**c, "dependency cycle: " + cycle);
      stack.pop_back();
      return;
    } else {
      if (target->state == PluginState::Discovered) visit(*target, stack, config_for);
      if (rec.state == PluginState::Failed) {  // a cycle through us was found below
        stack.pop_back();
        return;
      }
      if (target->state == PluginState::Failed) problem = "requires " + dep.id + ", which failed: " + target->error;
    }
    if (problem.empty()) continue;
    if (required) {
      fail(rec, problem);
      stack.pop_back();
      return;
    }
    services_.logger.debug(kLog, rec.id + ": optional dependency skipped: " + problem);
  }
  stack.pop_back();

  rec.host = std::make_unique<HostTable>(services_, rec.id, config_for(rec.id));
  if (rec.desc->on_load != nullptr) {
    tp_error err{};
    if (tp_status s = rec.desc->on_load(rec.host->table(), &err); s != TP_OK) {
      rec.host.reset();
      fail(rec, std::string("on_load failed: ") + (err.message[0] ? err.message : "status " + std::to_string(s)));
      return;
    }
  }
  rec.state = PluginState::Loaded;
  load_order_.push_back(&rec);
  probe(rec);
}

// Capture and codec features prove themselves with one real frame; a failing feature is set aside, the rest of
// the plugin stays usable.
void PluginManager::probe(PluginRecord& rec) {
  for (auto& f : rec.features) {
    tp_error err{};
    tp_status s = TP_OK;
    if (f.kind == TP_KIND_CAPTURE) {
      auto* vt = static_cast<const tp_capture_vtbl*>(f.vtable);
      if (vt->probe) s = vt->probe(rec.host->table(), &err);
    } else if (f.kind == TP_KIND_ENCODER) {
      auto* vt = static_cast<const tp_encoder_vtbl*>(f.vtable);
      tp_video_params p{sizeof(tp_video_params), 256, 144, 30, 0, vt->input_format};
      if (vt->probe) s = vt->probe(rec.host->table(), &p, &err);
    }
    if (s == TP_OK) continue;
    f.usable = false;
    f.error = std::string("probe failed: ") + (err.message[0] ? err.message : "status " + std::to_string(s));
    const std::string line = std::string(kind_name(f.kind)) + " '" + f.name + "' " + f.error;
    rec.error = rec.error.empty() ? line : rec.error + "; " + line;
    // Not a warning here: a viewer has no use for a capture, a machine without a display none for X11. Whoever
    // needs the feature says why it is missing (the error stays on the record, and `plugins list` shows it).
    services_.logger.debug(kLog, rec.path + ": " + rec.id + ": " + line);
  }
}

void PluginManager::unload_all() {
  for (auto it = load_order_.rbegin(); it != load_order_.rend(); ++it) {
    PluginRecord& r = **it;
    r.host->end_subscriptions();
    if (r.desc->on_unload != nullptr) r.desc->on_unload(r.host->table());
    r.host.reset();
    r.state = PluginState::Discovered;
  }
  load_order_.clear();
}

std::vector<FeatureRef> PluginManager::features(tp_kind kind) const {
  std::vector<FeatureRef> out;
  for (auto& r : records_) {
    if (r->state != PluginState::Loaded) continue;
    for (auto& f : r->features)
      if (f.kind == kind && f.usable) out.push_back({r.get(), &f, r->library, r->host->table()});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FeatureRef& a, const FeatureRef& b) { return a.feature->rank > b.feature->rank; });
  return out;
}

std::optional<FeatureRef> PluginManager::feature(tp_kind kind, std::string_view name) const {
  for (auto& f : features(kind))
    if (f.feature->name == name) return f;
  return std::nullopt;
}

}  // namespace telepane::core::plugins
