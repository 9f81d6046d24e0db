// What `host` and `connect` both need from the loaded plugins to run sessions.
#pragma once

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/runtime/runtime.hpp>
#include <telepane/core/session/peer_session.hpp>

namespace telepane::app {

// A session config from every loaded crypto suite (best first), the password method and every service.
// Throws std::runtime_error naming what is missing (no crypto suite, no tcp transport).
core::session::PeerSessionConfig session_config(core::Runtime& rt, const core::identity::Identity& id, bool viewer);
core::plugins::FeatureRef tcp_transport(core::Runtime& rt);

}  // namespace telepane::app
