#include "session/session_setup.hpp"

#include <algorithm>
#include <stdexcept>

namespace telepane::app {

core::session::PeerSessionConfig session_config(core::Runtime& rt, const core::identity::Identity& id, bool viewer) {
  core::session::PeerSessionConfig c;
  c.secure.initiator = viewer;
  c.secure.suites = rt.plugins().features(TP_KIND_CRYPTO);
  if (viewer) {
    // Offer IK first: it proves this device's key, so a host that trusts the device skips the password. The host
    // learns the key only after proving its own.
    std::stable_partition(c.secure.suites.begin(), c.secure.suites.end(),
                          [](const auto& f) { return f.feature->name.find("_IK_") != std::string::npos; });
  }
  if (c.secure.suites.empty())
    throw std::runtime_error("no crypto suite is loaded (is org.telepane.crypto.noise enabled?)");
  c.secure.local_private = id.private_key();
  if (auto auth = rt.plugins().feature(TP_KIND_AUTH, "password")) c.auth = *auth;
  c.services = rt.plugins().features(TP_KIND_SERVICE);
  return c;
}

core::plugins::FeatureRef tcp_transport(core::Runtime& rt) {
  auto tcp = rt.plugins().feature(TP_KIND_TRANSPORT, "tcp");
  if (!tcp) throw std::runtime_error("the tcp transport is not loaded (is org.telepane.transport.tcp enabled?)");
  return *tcp;
}

}  // namespace telepane::app
