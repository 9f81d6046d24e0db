#include "rendezvous/peer_registry.hpp"

#include <cstring>
#include <stdexcept>

namespace telepane::server {

PeerRegistry::PeerRegistry(const core::plugins::FeatureRef& feature, const std::string& data_dir)
    : feature_(feature), vt_(feature.vtable<tp_registry_vtbl>()) {
  tp_error err{};
  if (vt_->open(feature_.host, data_dir.c_str(), &registry_, &err) != TP_OK)
    throw std::runtime_error(std::string("registry ") + feature_.feature->name + ": " +
                             (err.message[0] ? err.message : "cannot open"));
}

PeerRegistry::~PeerRegistry() {
  vt_->close(registry_);
}

PeerRegistry::PutResult PeerRegistry::put(const std::string& id, const std::string& key, const std::string& address,
                                          int64_t seen_ms, std::string& error) {
  tp_peer_record r{};
  r.struct_size = sizeof r;
  if (id.size() >= sizeof r.id || key.size() > sizeof r.key || address.size() >= sizeof r.address) {
    error = "record too large";
    return PutResult::Failed;
  }
  std::memcpy(r.id, id.data(), id.size());
  std::memcpy(r.key, key.data(), key.size());
  r.key_size = uint32_t(key.size());
  std::memcpy(r.address, address.data(), address.size());
  r.last_seen_unix_ms = seen_ms;
  tp_error err{};
  const tp_status s = vt_->put(registry_, &r, &err);
  if (s == TP_OK) return PutResult::Stored;
  if (s == TP_ERR_DENIED) return PutResult::OtherKey;
  error = err.message[0] ? err.message : "registry failure";
  return PutResult::Failed;
}

std::optional<tp_peer_record> PeerRegistry::get(const std::string& id, std::string& error) {
  tp_peer_record r{};
  r.struct_size = sizeof r;
  tp_error err{};
  const tp_status s = vt_->get(registry_, id.c_str(), &r, &err);
  if (s == TP_OK) return r;
  if (s != TP_ERR_NOT_FOUND) error = err.message[0] ? err.message : "registry failure";
  return std::nullopt;
}

}  // namespace telepane::server
