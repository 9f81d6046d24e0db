#include <telepane/core/plugins/plugin_record.hpp>

#include <telepane/abi/telepane.h>
#include <telepane/core/config/yaml_reader.hpp>
#include <telepane/core/plugins/host_table.hpp>

#include <cstddef>
#include <regex>

namespace telepane::core::plugins {

PluginRecord::PluginRecord() = default;
PluginRecord::~PluginRecord() = default;
PluginRecord::PluginRecord(PluginRecord&&) noexcept = default;
PluginRecord& PluginRecord::operator=(PluginRecord&&) noexcept = default;

const char* state_name(PluginState s) {
  switch (s) {
    case PluginState::Discovered: return "discovered";
    case PluginState::Disabled: return "disabled";
    case PluginState::Loaded: return "loaded";
    case PluginState::Failed: return "failed";
  }
  return "?";
}

namespace {
constexpr const char* kKindNames[] = {"invalid", "capture", "encoder", "decoder",  "transport",
                                      "crypto",  "auth",    "service", "frontend", "registry", "recorder"};
static_assert(sizeof(kKindNames) / sizeof(kKindNames[0]) == TP_KIND_COUNT_);

#define TP_END_OF(type, member) (offsetof(type, member) + sizeof(((type*)nullptr)->member))

// The smallest vtable each kind may have: its size in ABI 1.0. Members appended later are read only when the
// plugin's struct_size covers them.
std::size_t min_vtable_size(tp_kind k) {
  switch (k) {
    case TP_KIND_CAPTURE: return TP_END_OF(tp_capture_vtbl, destroy);
    case TP_KIND_ENCODER: return TP_END_OF(tp_encoder_vtbl, destroy);
    case TP_KIND_DECODER: return TP_END_OF(tp_decoder_vtbl, destroy);
    case TP_KIND_TRANSPORT: return TP_END_OF(tp_transport_vtbl, peer_address);
    case TP_KIND_CRYPTO: return TP_END_OF(tp_crypto_vtbl, handshake_next);
    case TP_KIND_AUTH: return TP_END_OF(tp_auth_vtbl, enroll);
    case TP_KIND_SERVICE: return TP_END_OF(tp_service_vtbl, destroy);
    case TP_KIND_FRONTEND: return TP_END_OF(tp_frontend_vtbl, request_quit);
    case TP_KIND_REGISTRY: return TP_END_OF(tp_registry_vtbl, close);
    case TP_KIND_RECORDER: return TP_END_OF(tp_recorder_vtbl, destroy);
    default: return 0;
  }
}

// The members a feature of this kind cannot work without.
bool required_members_present(tp_kind k, const void* vt) {
  switch (k) {
    case TP_KIND_CAPTURE: {
      auto* v = static_cast<const tp_capture_vtbl*>(vt);
      return v->create && v->grab && v->destroy;
    }
    case TP_KIND_ENCODER: {
      auto* v = static_cast<const tp_encoder_vtbl*>(vt);
      return v->create && v->encode && v->destroy && v->input_format != TP_PIXEL_FORMAT_INVALID;
    }
    case TP_KIND_DECODER: {
      auto* v = static_cast<const tp_decoder_vtbl*>(vt);
      return v->create && v->decode && v->destroy && v->output_format != TP_PIXEL_FORMAT_INVALID;
    }
    case TP_KIND_RECORDER: {
      auto* v = static_cast<const tp_recorder_vtbl*>(vt);
      return v->supports && v->create && v->write && v->finish && v->destroy;
    }
    default: return true;
  }
}

bool operator<(const tp_version& a, const tp_version& b) {
  if (a.major != b.major) return a.major < b.major;
  if (a.minor != b.minor) return a.minor < b.minor;
  return a.patch < b.patch;
}
bool is_zero(const tp_version& v) {
  return v.major == 0 && v.minor == 0 && v.patch == 0;
}

const std::regex& id_pattern() {
  static const std::regex re(R"([a-z0-9-]+(\.[a-z0-9_-]+)+)");
  return re;
}
const std::regex& name_pattern() {
  static const std::regex re(R"([A-Za-z0-9_.+-]+)");
  return re;
}
}  // namespace

const char* kind_name(tp_kind k) {
  return k > TP_KIND_INVALID && k < TP_KIND_COUNT_ ? kKindNames[k] : "invalid";
}

std::optional<tp_kind> kind_from_name(const std::string& name) {
  for (int k = 1; k < TP_KIND_COUNT_; ++k)
    if (name == kKindNames[k]) return static_cast<tp_kind>(k);
  return std::nullopt;
}

std::string version_string(const tp_version& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

std::string DependencyInfo::range() const {
  std::string r = ">=" + version_string(min);
  if (!is_zero(max_exclusive)) r += " <" + version_string(max_exclusive);
  return r;
}

bool DependencyInfo::accepts(const tp_version& v) const {
  return !(v < min) && (is_zero(max_exclusive) || v < max_exclusive);
}

std::string PluginRecord::kinds() const {
  std::string out;
  for (auto& f : features) {
    const std::string k = kind_name(f.kind);
    if (out.find(k) != std::string::npos) continue;
    if (!out.empty()) out += ',';
    out += k;
  }
  return out.empty() ? "-" : out;
}

std::string read_descriptor(const tp_plugin_desc* d, PluginRecord& rec) {
  if (d == nullptr) return "tp_plugin_entry returned no descriptor: the plugin refused this host's ABI";
  if (d->struct_size < TP_END_OF(tp_plugin_desc, on_unload))
    return "descriptor of " + std::to_string(d->struct_size) + " bytes is smaller than ABI 1.0's " +
           std::to_string(TP_END_OF(tp_plugin_desc, on_unload));
  const std::string built = std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
  const std::string ours = std::to_string(TP_ABI_MAJOR) + "." + std::to_string(TP_ABI_MINOR);
  if (d->abi_major != TP_ABI_MAJOR) return "ABI major mismatch: built for ABI " + built + ", this host speaks " + ours;
  if (d->abi_minor > TP_ABI_MINOR)
    return "built for a newer ABI: " + built + " (this host speaks " + ours + "); upgrade Telepane";
  if (d->id == nullptr || !std::regex_match(d->id, id_pattern()))
    return std::string("invalid id '") + (d->id ? d->id : "(null)") +
           "': expected reverse-DNS like org.example.codec.fast";
  rec.id = d->id;
  rec.version = d->version;
  rec.description = d->description ? d->description : "";
  rec.flags = d->flags;
  rec.desc = d;

  if (d->dependency_count > 0 && d->dependencies == nullptr) return "dependency list is null";
  for (uint32_t i = 0; i < d->dependency_count; ++i) {
    const tp_dependency& dep = d->dependencies[i];
    if (dep.struct_size < sizeof(tp_dependency) || dep.id == nullptr ||
        (dep.kind != TP_DEPENDENCY_REQUIRED && dep.kind != TP_DEPENDENCY_OPTIONAL))
      return "dependency #" + std::to_string(i) + " is malformed";
    rec.dependencies.push_back({dep.kind, dep.id, dep.min, dep.max_exclusive});
  }

  if (d->feature_count > 0 && d->features == nullptr) return "feature list is null";
  for (uint32_t i = 0; i < d->feature_count; ++i) {
    const tp_feature& f = d->features[i];
    const std::string where = "feature #" + std::to_string(i);
    if (f.struct_size < sizeof(tp_feature)) return where + " is malformed";
    if (f.kind <= TP_KIND_INVALID || f.kind >= TP_KIND_COUNT_)
      return where + " has unknown kind " + std::to_string(int(f.kind));
    if (f.name == nullptr || !std::regex_match(f.name, name_pattern())) return where + " has an invalid name";
    if (f.vtable == nullptr) return where + " (" + f.name + ") has no vtable";
    const uint32_t size = *static_cast<const uint32_t*>(f.vtable);
    if (size < min_vtable_size(f.kind))
      return where + " (" + f.name + ") has a " + kind_name(f.kind) + " vtable of " + std::to_string(size) +
             " bytes, smaller than ABI 1.0's " + std::to_string(min_vtable_size(f.kind));
    if (!required_members_present(f.kind, f.vtable))
      return where + " (" + f.name + ") leaves a required " + kind_name(f.kind) + " function empty";
    rec.features.push_back({f.kind, f.name, f.rank, f.vtable, true, {}});
  }

  if (d->config_schema != nullptr) {
    rec.schema_text = d->config_schema;
    try {
      rec.schema = config::Schema::parse(rec.schema_text, "schema of " + rec.id);
    } catch (const config::ConfigError& e) {
      return std::string("invalid config schema: ") + e.what();
    }
  }
  return {};
}

}  // namespace telepane::core::plugins
