// The registry plugin the rendezvous role stores peers in, opened beneath the server's data directory.
#pragma once

#include <telepane/abi/tp_registry.h>
#include <telepane/core/plugins/plugin_manager.hpp>

#include <optional>
#include <string>

namespace telepane::server {

class PeerRegistry {
 public:
  // Throws std::runtime_error naming the plugin's problem.
  PeerRegistry(const core::plugins::FeatureRef& feature, const std::string& data_dir);
  ~PeerRegistry();
  PeerRegistry(const PeerRegistry&) = delete;
  PeerRegistry& operator=(const PeerRegistry&) = delete;

  enum class PutResult { Stored, OtherKey, Failed };
  PutResult put(const std::string& id, const std::string& key, const std::string& address, int64_t seen_ms,
                std::string& error);
  std::optional<tp_peer_record> get(const std::string& id, std::string& error);

 private:
  core::plugins::FeatureRef feature_;
  const tp_registry_vtbl* vt_;
  tp_registry* registry_ = nullptr;
};

}  // namespace telepane::server
