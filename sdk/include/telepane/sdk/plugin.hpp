// Telepane SDK: describe a plugin in C++ and export it with TP_DECLARE_PLUGIN.
//
//   telepane::sdk::PluginDef define() {
//     return telepane::sdk::PluginDef("com.acme.codec.fast", {1, 0, 0})
//         .description("Acme's fast codec")
//         .schema(R"({"type":"object","properties":{"speed":{"type":"integer","default":4}}})")
//         .encoder<FastEncoder>("acme-fast", 10)
//         .decoder<FastDecoder>("acme-fast", 10);
//   }
//   TP_DECLARE_PLUGIN(define)
//
// The definition is built once, the first time the host calls tp_plugin_entry, and lives as long as the library.
#pragma once

#include <telepane/abi/tp_plugin.h>
#include <telepane/sdk/capture.hpp>
#include <telepane/sdk/codec.hpp>
#include <telepane/sdk/host.hpp>

#include <string>
#include <utility>
#include <vector>

namespace telepane::sdk {

class PluginDef {
 public:
  using LoadFn = void (*)(Host);
  using UnloadFn = void (*)(Host);

  PluginDef(std::string id, tp_version version) : id_(std::move(id)), version_(version) {}

  PluginDef& description(std::string text) {
    description_ = std::move(text);
    return *this;
  }
  PluginDef& flags(uint32_t f) {
    flags_ = f;
    return *this;
  }
  // JSON Schema of this plugin's config subtree.
  PluginDef& schema(std::string json) {
    schema_ = std::move(json);
    return *this;
  }
  // A dependency on [min, max_exclusive); max_exclusive {0,0,0} = no upper bound.
  PluginDef& requires_plugin(const std::string& id, tp_version min, tp_version max_exclusive = {0, 0, 0}) {
    return dependency(TP_DEPENDENCY_REQUIRED, id, min, max_exclusive);
  }
  PluginDef& optional_plugin(const std::string& id, tp_version min, tp_version max_exclusive = {0, 0, 0}) {
    return dependency(TP_DEPENDENCY_OPTIONAL, id, min, max_exclusive);
  }
  // Any kind, with a vtable the caller built (for kinds without a C++ adapter yet).
  PluginDef& feature(tp_kind kind, const std::string& name, int32_t rank, const void* vtable) {
    feature_specs_.push_back({kind, name, rank, vtable});
    return *this;
  }
  template <class T>
  PluginDef& capture(const std::string& name, int32_t rank) {
    return feature(TP_KIND_CAPTURE, name, rank, capture_vtable<T>());
  }
  template <class T>
  PluginDef& encoder(const std::string& name, int32_t rank) {
    return feature(TP_KIND_ENCODER, name, rank, encoder_vtable<T>());
  }
  template <class T>
  PluginDef& decoder(const std::string& name, int32_t rank) {
    return feature(TP_KIND_DECODER, name, rank, decoder_vtable<T>());
  }
  // Called once after the dependencies loaded; throw Error to fail the load.
  PluginDef& on_load(LoadFn fn) {
    on_load_ = fn;
    return *this;
  }
  PluginDef& on_unload(UnloadFn fn) {
    on_unload_ = fn;
    return *this;
  }

  // Used by TP_DECLARE_PLUGIN. Pointers in the result point into this object, so it is built only here, on the
  // definition's final (static) instance: a PluginDef may be copied or moved freely before that.
  const tp_plugin_desc* describe(tp_status (*load)(const tp_host*, tp_error*), void (*unload)(const tp_host*)) {
    dependencies_.clear();
    for (auto& d : dependency_specs_)
      dependencies_.push_back({sizeof(tp_dependency), d.kind, d.id.c_str(), d.min, d.max_exclusive});
    features_.clear();
    for (auto& f : feature_specs_) features_.push_back({sizeof(tp_feature), f.kind, f.name.c_str(), f.rank, f.vtable});
    desc_ = tp_plugin_desc{};
    desc_.struct_size = sizeof(tp_plugin_desc);
    desc_.abi_major = TP_ABI_MAJOR;
    desc_.abi_minor = TP_ABI_MINOR;
    desc_.id = id_.c_str();
    desc_.version = version_;
    desc_.description = description_.empty() ? nullptr : description_.c_str();
    desc_.flags = flags_;
    desc_.dependencies = dependencies_.data();
    desc_.dependency_count = static_cast<uint32_t>(dependencies_.size());
    desc_.features = features_.data();
    desc_.feature_count = static_cast<uint32_t>(features_.size());
    desc_.config_schema = schema_.empty() ? nullptr : schema_.c_str();
    desc_.on_load = load;
    desc_.on_unload = unload;
    return &desc_;
  }
  tp_status call_on_load(const tp_host* host, tp_error* err) const {
    return guard(err, [&] {
      if (on_load_ != nullptr) on_load_(Host(host));
    });
  }
  void call_on_unload(const tp_host* host) const {
    guard(nullptr, [&] {
      if (on_unload_ != nullptr) on_unload_(Host(host));
    });
  }

 private:
  PluginDef& dependency(tp_dependency_kind kind, const std::string& id, tp_version min, tp_version max) {
    dependency_specs_.push_back({kind, id, min, max});
    return *this;
  }

  struct FeatureSpec {
    tp_kind kind;
    std::string name;
    int32_t rank;
    const void* vtable;
  };
  struct DependencySpec {
    tp_dependency_kind kind;
    std::string id;
    tp_version min;
    tp_version max_exclusive;
  };

  std::string id_;
  tp_version version_;
  std::string description_;
  std::string schema_;
  uint32_t flags_ = 0;
  std::vector<FeatureSpec> feature_specs_;
  std::vector<DependencySpec> dependency_specs_;
  std::vector<tp_dependency> dependencies_;  // built by describe() from the specs
  std::vector<tp_feature> features_;
  LoadFn on_load_ = nullptr;
  UnloadFn on_unload_ = nullptr;
  tp_plugin_desc desc_{};
};

}  // namespace telepane::sdk

// Exports tp_plugin_entry for the PluginDef that `define_fn()` returns. Use once per library, at namespace scope.
#define TP_DECLARE_PLUGIN(define_fn)                                                                             \
  namespace {                                                                                                    \
  ::telepane::sdk::PluginDef& tp_plugin_definition_() {                                                          \
    static ::telepane::sdk::PluginDef def = define_fn();                                                         \
    return def;                                                                                                  \
  }                                                                                                              \
  tp_status tp_plugin_on_load_(const tp_host* h, tp_error* e) {                                                  \
    return tp_plugin_definition_().call_on_load(h, e);                                                           \
  }                                                                                                              \
  void tp_plugin_on_unload_(const tp_host* h) {                                                                  \
    tp_plugin_definition_().call_on_unload(h);                                                                   \
  }                                                                                                              \
  }                                                                                                              \
  extern "C" TP_EXPORT const tp_plugin_desc* tp_plugin_entry(uint16_t host_abi_major, uint16_t host_abi_minor) { \
    (void)host_abi_major;                                                                                        \
    (void)host_abi_minor;                                                                                        \
    try {                                                                                                        \
      static const tp_plugin_desc* desc =                                                                        \
          tp_plugin_definition_().describe(&tp_plugin_on_load_, &tp_plugin_on_unload_);                          \
      return desc;                                                                                               \
    } catch (...) {                                                                                              \
      return nullptr;                                                                                            \
    }                                                                                                            \
  }
