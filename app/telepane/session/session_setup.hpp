// What `host` and `connect` both need from the loaded plugins to run sessions.
#pragma once

#include "cli_options.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/rendezvous/server_key.hpp>
#include <telepane/core/runtime/runtime.hpp>
#include <telepane/core/session/peer_session.hpp>

namespace telepane::app {

// A session config from every loaded crypto suite (best first), the password method and every service.
// Throws std::runtime_error naming what is missing (no crypto suite, no tcp transport).
core::session::PeerSessionConfig session_config(core::Runtime& rt, const core::identity::Identity& id, bool viewer);
// A transport by feature name ("tcp", "relay"); throws std::runtime_error naming the plugin to enable.
core::plugins::FeatureRef transport(core::Runtime& rt, const std::string& name);

struct RendezvousServer {
  std::string address;  // host:port
  core::rendezvous::SigningPublicKey key{};
  std::chrono::milliseconds timeout{10000};
};
// The rendezvous server from --server/-k or the config; nullopt when none is set. Throws UsageError when a server
// is named without a valid key: answers from an unpinned server would be worthless.
std::optional<RendezvousServer> rendezvous_server(core::Runtime& rt, const CliOptions& opts);

}  // namespace telepane::app
