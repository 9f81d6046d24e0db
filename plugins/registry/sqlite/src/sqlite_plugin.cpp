// registry plugin "sqlite": the rendezvous server's embedded peer store. Survives restarts: an ID stays bound
// to the key that first registered it.
#include "sqlite_registry.hpp"

#include <telepane/sdk/sdk.hpp>

#include <filesystem>
#include <memory>

struct tp_registry {
  explicit tp_registry(const std::string& path) : store(path) {}
  telepane::registry::SqliteRegistry store;
};

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "path": {"type": "string", "default": "registry.sqlite3", "minLength": 1,
             "description": "The database file; a relative path is beneath the server's data directory"}
  }
})JSON";

tp_status open(const tp_host* h, const char* data_dir, tp_registry** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    std::filesystem::path path = Host(h).config_string("path").value_or("registry.sqlite3");
    if (path.is_relative() && data_dir != nullptr && *data_dir != '\0') path = std::filesystem::path(data_dir) / path;
    *out = std::make_unique<tp_registry>(path.string()).release();
  });
}

tp_status put(tp_registry* r, const tp_peer_record* record, tp_error* err) {
  if (r == nullptr || record == nullptr) return TP_ERR_INVALID_ARGUMENT;
  const tp_status s = r->store.put(*record);
  if (s == TP_ERR_DENIED) telepane::sdk::set_error(err, "this id is registered to another key");
  if (s == TP_ERR_IO) telepane::sdk::set_error(err, "the registry database failed");
  return s;
}

tp_status get(tp_registry* r, const char* id, tp_peer_record* out, tp_error* err) {
  if (r == nullptr || id == nullptr || out == nullptr) return TP_ERR_INVALID_ARGUMENT;
  const tp_status s = r->store.get(id, *out);
  if (s == TP_ERR_IO) telepane::sdk::set_error(err, "the registry database failed");
  return s;
}

void close(tp_registry* r) {
  std::unique_ptr<tp_registry> owned(r);
}

const tp_registry_vtbl kVtable = {sizeof(tp_registry_vtbl), open, put, get, close};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.registry.sqlite", {0, 1, 0})
      .description("Embedded peer registry for telepane-server (SQLite)")
      .schema(kSchema)
      .feature(TP_KIND_REGISTRY, "sqlite", 10, &kVtable);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
