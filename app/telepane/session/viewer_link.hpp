// How a viewer reaches a host: look it up at the rendezvous server (key vouched for, pinned key checked, online),
// then race the paths of connect.paths (PathRace), or go straight to --address (tcp, or udp:HOST:PORT).
// Shared by `telepane connect` and the desktop app.
#pragma once

#include "session/path_race.hpp"
#include "session/session_setup.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/identity/known_hosts.hpp>
#include <telepane/core/session/transport_link.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace telepane::app {

// The path a session is on now, set by whoever moves it (a resume, an upgrade). [any thread]
class CurrentPath {
 public:
  void set(std::string path) {
    std::lock_guard lock(mu_);
    path_ = std::move(path);
  }
  std::string get() const {
    std::lock_guard lock(mu_);
    return path_;
  }

 private:
  mutable std::mutex mu_;
  std::string path_;
};

// While the session runs on the relay: the punch of the race that chose it, which may still come through. Set by
// the first race and again by every resume (a resume that lands on the relay keeps its own punch going); taken by
// whoever moves the session. [any thread]
class PendingUpgrade {
 public:
  void set(std::shared_ptr<PathRace> race) {
    std::shared_ptr<PathRace> old;  // its destructor waits for its punch thread: not under the lock
    std::lock_guard lock(mu_);
    old = std::exchange(race_, std::move(race));
  }
  // A punched path that came through since the last set(); afterwards there is nothing pending.
  std::optional<RacedPath> take() {
    std::lock_guard lock(mu_);
    if (!race_) return std::nullopt;
    auto up = race_->upgrade();
    if (up) race_.reset();
    return up;
  }

 private:
  std::mutex mu_;
  std::shared_ptr<PathRace> race_;
};

struct ViewerLink {
  std::unique_ptr<core::session::TransportLink> link;
  std::string path;  // "direct tcp ADDRESS", "direct udp ADDRESS" or "relay ADDRESS"
  // The path in use now: `path`, then whatever a resume or an upgrade moved to (set by whoever moves it).
  std::shared_ptr<CurrentPath> current = std::make_shared<CurrentPath>();
  // A new link for resuming after a drop: the paths race again (a relay needs a new offer, a punch new mappings).
  std::function<std::unique_ptr<core::session::TransportLink>()> reconnect;
  // A punch that may still succeed while the session runs on the relay (after the first race or a resume).
  std::shared_ptr<PendingUpgrade> upgrade = std::make_shared<PendingUpgrade>();
  std::optional<core::session::Key32> vouched;  // the key the rendezvous server vouches for
};

struct ViewerLinkRequest {
  core::identity::FullId target;
  std::optional<RendezvousServer> server;
  std::string address;      // HOST:PORT: connect there directly, no lookup
  bool relay_only = false;  // --relay
};

// Throws std::runtime_error (or SessionError for a key mismatch) with the reason in plain words: offline, no path
// worked (naming the paths tried), key mismatch with both fingerprints.
ViewerLink open_viewer_link(core::Runtime& rt, const ViewerLinkRequest& request,
                            const core::identity::KnownHosts& known);

// The handshake's host key check: the key must be the one vouched for, the one the full ID names and the pinned one.
// Stores the fingerprint presented in *presented. Throws SessionError naming both fingerprints on a mismatch.
std::function<void(const core::session::Key32&)> host_key_check(const ViewerLinkRequest& request,
                                                                const ViewerLink& link,
                                                                const core::identity::KnownHosts& known,
                                                                std::shared_ptr<std::string> presented);

}  // namespace telepane::app
