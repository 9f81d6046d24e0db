#include "session/path_race.hpp"

#include <sodium.h>

#include <algorithm>

namespace telepane::app {
namespace cs = core::session;
namespace rv = core::rendezvous;
using Clock = std::chrono::steady_clock;

namespace {
bool wants(const std::vector<std::string>& paths, const char* p) {
  return std::find(paths.begin(), paths.end(), p) != paths.end();
}
}  // namespace

PathRace::PathRace(core::Runtime& rt, const RendezvousServer& server, const std::string& id,
                   std::vector<std::string> direct_addresses, std::vector<std::string> paths, RaceTiming timing)
    : rt_(rt), server_(server), id_(id), timing_(timing), paths_(std::move(paths)) {
  if (wants(paths_, "direct"))
    for (auto& a : direct_addresses) {
      try {
        direct_.push_back(cs::TransportLink::connect(transport(rt, "tcp"), a));
      } catch (const std::exception& e) {
        rt.logger().debug("connect", a + ": " + e.what());
      }
    }
  if (wants(paths_, "punch")) {
    auto udp = rt.plugins().feature(TP_KIND_TRANSPORT, "udp");
    if (udp && cs::TransportLink::can_punch(*udp))
      punch_ = std::thread([this, id] { punch_thread(id); });
    else
      punch_failure_ = "punch: the udp transport is not loaded";
  }
  if (wants(paths_, "relay")) {
    try {
      rv::RendezvousConnection conn(transport(rt, "tcp"), server.address, server.timeout);
      const auto offer = rv::request_relay(conn, id, server.timeout);
      relay_ = cs::TransportLink::connect(transport(rt, "relay"), rv::relay_link_address(offer, true));
      relay_address_ = offer.relay();
    } catch (const std::exception& e) {
      relay_failure_ = std::string("the relay is unreachable: ") + e.what();
    }
  }
}

PathRace::~PathRace() {
  if (punch_.joinable()) punch_.join();
}

// Gathers this end's candidates, trades them for the host's through the rendezvous server (TCP), then punches.
void PathRace::punch_thread(std::string id) {
  try {
    std::string link_id(16, '\0');
    randombytes_buf(link_id.data(), link_id.size());
    std::vector<std::string> mine;
    auto udp = *rt_.plugins().feature(TP_KIND_TRANSPORT, "udp");
    auto link = cs::TransportLink::punch_open(
        udp, server_.address, {reinterpret_cast<const uint8_t*>(link_id.data()), link_id.size()}, true, mine);
    // Bounded tighter than other rendezvous questions: a punch that comes later than this is not worth waiting
    // for, and the race's owner waits for this thread when it is done.
    const auto timeout = std::min(server_.timeout, std::chrono::milliseconds(3000));
    rv::RendezvousConnection conn(transport(rt_, "tcp"), server_.address, timeout);
    const auto reply = rv::punch(conn, id, mine, timeout, link_id);
    if (reply.candidates_size() == 0) throw std::runtime_error("the host offered no UDP candidates");
    const std::vector<std::string> theirs(reply.candidates().begin(), reply.candidates().end());
    std::string said;
    for (auto& c : mine) said += " " + c;
    said += ";";
    for (auto& c : theirs) said += " " + c;
    rt_.logger().debug("connect", "punching: ours and the host's candidates:" + said);
    link->punch(theirs);
    std::lock_guard lock(mu_);
    punched_ = std::move(link);
    punch_done_ = true;
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    punch_failure_ = std::string("punch: ") + e.what();
    punch_done_ = true;
  }
}

RacedPath PathRace::run() {
  const auto start = Clock::now();
  std::optional<Clock::time_point> relay_ready;
  for (;;) {
    const auto now = Clock::now();
    // Direct TCP: the first that connects.
    bool direct_pending = false;
    if (now - start < timing_.direct_timeout)
      for (auto& d : direct_) {
        if (!d) continue;
        if (const auto far = d->peer_address(); !far.empty()) return {std::move(d), "direct tcp " + far};
        if (d->ended())
          d.reset();
        else
          direct_pending = true;
      }
    // The punched link.
    bool punch_pending = false;
    {
      std::lock_guard lock(mu_);
      if (punched_ && !punched_->peer_address().empty()) {
        const std::string far = punched_->peer_address();
        return {std::move(punched_), "direct udp " + far};
      }
      if (punched_) {
        if (auto why = punched_->ended()) {
          punch_failure_ = "punch: " + *why;
          punched_.reset();
        }
      }
      punch_pending = punched_ != nullptr || (punch_.joinable() && !punch_done_);
    }
    // The relay: taken once no direct path is pending, or the grace is over.
    if (relay_) {
      if (auto why = relay_->ended()) {
        relay_failure_ = "the relay is unreachable: " + *why;
        relay_.reset();
      } else if (!relay_->peer_address().empty()) {
        if (!relay_ready) relay_ready = now;
        if ((!direct_pending && !punch_pending) || now - *relay_ready >= timing_.grace) {
          std::lock_guard lock(mu_);
          if (wants(paths_, "punch"))
            rt_.logger().info(
                "connect",
                "taking the relay; " + (punch_failure_.empty() ? std::string("the punch goes on") : punch_failure_));
          return {std::move(relay_), "relay " + relay_address_};
        }
      }
    }
    if ((!direct_pending && !punch_pending && !relay_) || now - start >= timing_.give_up) {
      std::string why;
      auto add = [&](const std::string& s) {
        if (!s.empty()) why += (why.empty() ? "" : "; ") + s;
      };
      if (wants(paths_, "direct"))
        add(direct_.empty() ? "direct: the host registered no address" : "direct: no answer");
      {
        std::lock_guard lock(mu_);
        add(punch_failure_);
      }
      add(relay_failure_);
      throw std::runtime_error("no path to host " + id_ + " worked (" + why + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<RacedPath> PathRace::upgrade() {
  std::lock_guard lock(mu_);
  if (!punched_ || punched_->peer_address().empty()) return std::nullopt;
  const std::string far = punched_->peer_address();
  return RacedPath{std::move(punched_), "direct udp " + far};
}

}  // namespace telepane::app
