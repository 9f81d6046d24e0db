// Sharing this machine: the listener for direct connections, the registration at the rendezvous server (and the
// relay meetings it brokers), and every session hosted, within the admission limits. `telepane host` runs it with
// a terminal; the desktop app runs it behind its window.
#pragma once

#include "session/session_setup.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/rendezvous/rendezvous_client.hpp>
#include <telepane/core/runtime/runtime.hpp>
#include <telepane/core/session/admission.hpp>
#include <telepane/core/session/peer_session.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace telepane::app {

// One hosted session as the person at the host sees it.
struct HostedSession {
  uint64_t token = 0;
  std::string address;  // the viewer's, without port
  bool authenticated = false;
  std::vector<std::string> permissions;  // granted, once authenticated
};

struct HostingOptions {
  const core::identity::Identity* identity = nullptr;
  std::string listen;  // HOST:PORT for direct connections
  // How a viewer that authenticated is put to the person (host.confirm ask); empty: as the config says (never or
  // deny).
  std::function<void(const core::session::ConfirmRequest&, std::function<void(core::session::ConfirmDecision)>)> ask;
  std::function<void(const std::string&)> on_rendezvous_state;  // "registered as ...", "offline: ..."
  std::function<void(const std::string&)> notice;               // what the person should read
};

class Hosting {
 public:
  // Builds the session config from host.* and starts listening and registering. Throws std::runtime_error naming
  // what is missing (no authentication method, no tcp transport). `server`: nullopt for direct connections only.
  Hosting(core::Runtime& rt, HostingOptions options, const std::optional<RendezvousServer>& server);
  ~Hosting();  // stops registering and listening, closes every session with "the host stopped sharing"
  Hosting(const Hosting&) = delete;
  Hosting& operator=(const Hosting&) = delete;

  const std::string& listen_address() const { return listen_address_; }
  // Reaps ended sessions and frees the admission slots of authenticated ones. [one thread, periodically]
  void tend();
  std::vector<HostedSession> sessions();
  // Ends one session (token) or all (0). [any thread]
  void end(uint64_t token, const std::string& reason);

 private:
  struct Hosted;
  void accept(std::unique_ptr<core::session::TransportLink> link, const std::string& source);

  core::Runtime& rt_;
  core::session::PeerSessionConfig cfg_;
  std::shared_ptr<core::session::Admission> admission_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Hosted>> sessions_;
  uint64_t next_token_ = 1;
  std::unique_ptr<core::session::TransportListener> listener_, udp_listener_;
  std::string listen_address_;
  std::unique_ptr<core::rendezvous::HostRegistration> registration_;
};

}  // namespace telepane::app
