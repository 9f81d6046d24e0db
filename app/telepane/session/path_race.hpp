// How a viewer picks its path to a host it found by ID: every path of connect.paths starts at once (direct TCP to
// the addresses the host registered, a UDP hole punch coordinated by the rendezvous server, a relay the server
// assigns) and the policy picks: the first that works, but a direct one (TCP or punched) for up to
// connect.direct_grace_ms after the relay is ready. When the relay wins, the punch goes on; upgrade() hands over
// its link if it connects later, for the session to move to.
#pragma once

#include "session/session_setup.hpp"

#include <telepane/core/rendezvous/rendezvous_client.hpp>
#include <telepane/core/session/transport_link.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace telepane::app {

struct RacedPath {
  std::unique_ptr<core::session::TransportLink> link;
  std::string path;  // "direct tcp ADDRESS", "direct udp ADDRESS" or "relay ADDRESS"
};

struct RaceTiming {
  std::chrono::milliseconds direct_timeout{3000};  // direct TCP attempts
  std::chrono::milliseconds grace{1000};           // how long a ready relay waits for a direct path
  std::chrono::milliseconds give_up{10000};        // no path at all by then: the race is lost
};

class PathRace {
 public:
  // `paths`: connect.paths ("direct", "punch", "relay"). Starts every path at once. [caller's thread]
  PathRace(core::Runtime& rt, const RendezvousServer& server, const std::string& id,
           std::vector<std::string> direct_addresses, std::vector<std::string> paths, RaceTiming timing);
  ~PathRace();  // waits for the punch's rendezvous exchange, bounded by the server timeout
  PathRace(const PathRace&) = delete;
  PathRace& operator=(const PathRace&) = delete;

  // Blocks until the policy picks a path. Throws std::runtime_error naming every path's failure.
  RacedPath run();
  // After run() picked the relay: the punched link once it connected (once), else nullopt. [any thread]
  std::optional<RacedPath> upgrade();

 private:
  void punch_thread(std::string id);

  core::Runtime& rt_;
  RendezvousServer server_;
  std::string id_;
  RaceTiming timing_;
  std::vector<std::string> paths_;
  std::vector<std::unique_ptr<core::session::TransportLink>> direct_;
  std::unique_ptr<core::session::TransportLink> relay_;
  std::string relay_address_, relay_failure_;
  std::mutex mu_;  // the punch thread's results
  std::unique_ptr<core::session::TransportLink> punched_;
  std::string punch_failure_;
  bool punch_done_ = false;  // the exchange finished (the link may still be probing)
  std::thread punch_;
};

}  // namespace telepane::app
