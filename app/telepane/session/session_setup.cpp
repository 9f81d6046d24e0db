#include "session/session_setup.hpp"

#include <telepane/core/rendezvous/rendezvous_client.hpp>

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
  for (const auto& f : rt.plugins().features(TP_KIND_SERVICE)) c.services.push_back(core::session::plugin_service(f));
  return c;
}

core::plugins::FeatureRef transport(core::Runtime& rt, const std::string& name) {
  auto t = rt.plugins().feature(TP_KIND_TRANSPORT, name);
  if (!t)
    throw std::runtime_error("the " + name + " transport is not loaded (is org.telepane.transport." + name +
                             " enabled?)");
  return *t;
}

std::optional<RendezvousServer> rendezvous_server(core::Runtime& rt, const CliOptions& opts) {
  const auto& cfg = rt.core_config();
  const std::string server = opts.server.empty() ? cfg.at_path("rendezvous.server")->text() : opts.server;
  if (server.empty()) return std::nullopt;
  const std::string key_text = opts.server_key.empty() ? cfg.at_path("rendezvous.key")->text() : opts.server_key;
  if (key_text.empty())
    throw UsageError("the rendezvous server " + server +
                     " needs its public key: -k KEY or rendezvous.key (telepane-server --print-key shows it)");
  auto key = core::rendezvous::parse_public_key(key_text);
  if (!key) throw UsageError("'" + key_text + "' is not a server public key (43 characters of base64url)");
  return RendezvousServer{core::rendezvous::with_default_port(server, core::rendezvous::kRendezvousPort), *key,
                          std::chrono::milliseconds(*cfg.at_path("rendezvous.timeout_ms")->as_int())};
}

}  // namespace telepane::app
