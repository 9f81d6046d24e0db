#include "session/viewer_link.hpp"

#include <telepane/core/rendezvous/rendezvous_client.hpp>

#include <cstring>
#include <thread>

namespace telepane::app {
namespace cs = core::session;
namespace ci = core::identity;
namespace rv = core::rendezvous;

namespace {
// --address: "HOST:PORT" over TCP, "udp:HOST:PORT" over the udp transport.
std::pair<core::plugins::FeatureRef, std::string> direct_target(core::Runtime& rt, const std::string& address) {
  if (address.rfind("udp:", 0) == 0) return {transport(rt, "udp"), address.substr(4)};
  return {transport(rt, "tcp"), address};
}
}  // namespace

ViewerLink open_viewer_link(core::Runtime& rt, const ViewerLinkRequest& request, const ci::KnownHosts& known) {
  ViewerLink out;
  const auto& target = request.target;
  if (!request.server) {
    auto [t, address] = direct_target(rt, request.address);
    out.link = cs::TransportLink::connect(t, address);
    out.path = std::string("direct ") + (request.address.rfind("udp:", 0) == 0 ? "udp " : "tcp ") + address;
    out.reconnect = [t = t, address = address] { return cs::TransportLink::connect(t, address); };
    out.current->set(out.path);
    return out;
  }
  const auto& server = *request.server;
  rv::RendezvousConnection conn(transport(rt, "tcp"), server.address, server.timeout);
  const auto answer = rv::lookup(conn, server.key, target.numeric_id, server.timeout);
  if (answer.key().size() != 32) throw std::runtime_error("the rendezvous answer carries no key");
  cs::Key32 key{};
  std::memcpy(key.data(), answer.key().data(), 32);
  out.vouched = key;
  const std::string fp = ci::fingerprint_of(key);
  if (target.fingerprint && *target.fingerprint != fp)
    throw cs::SessionError("key mismatch for " + target.numeric_id + ": the full ID names key " + *target.fingerprint +
                           " but the rendezvous server vouches for " + fp +
                           ". The server or the ID is wrong; not connecting.");
  if (known.check(target.numeric_id, key) == ci::KnownHosts::Verdict::Mismatch)
    throw cs::SessionError(ci::key_mismatch_message(target.numeric_id, *known.pinned(target.numeric_id), fp));
  if (!answer.online()) throw std::runtime_error("host " + target.numeric_id + " is offline");
  std::vector<std::string> paths;
  if (request.relay_only) {
    paths = {"relay"};
  } else {
    for (auto& p : rt.core_config().at_path("connect.paths")->items()) paths.push_back(p.text());
  }
  const auto& cfg = rt.core_config();
  RaceTiming timing;
  timing.direct_timeout = std::chrono::milliseconds(*cfg.at_path("connect.direct_timeout_ms")->as_int());
  timing.grace = std::chrono::milliseconds(*cfg.at_path("connect.direct_grace_ms")->as_int());
  const std::vector<std::string> addresses(answer.addresses().begin(), answer.addresses().end());
  auto race = std::make_shared<PathRace>(rt, server, target.numeric_id, addresses, paths, timing);
  auto won = race->run();
  out.link = std::move(won.link);
  out.path = won.path;
  const bool upgrade = *cfg.at_path("connect.upgrade")->as_bool();
  if (upgrade && out.path.rfind("relay", 0) == 0) out.upgrade->set(race);
  out.current->set(out.path);
  out.reconnect = [&rt, server, id = target.numeric_id, addresses, paths, timing, upgrade, current = out.current,
                   pending = out.upgrade] {
    auto again = std::make_shared<PathRace>(rt, server, id, addresses, paths, timing);
    auto next = again->run();
    rt.logger().info("connect", "resuming by " + next.path);
    current->set(next.path);
    // Resumed on the relay: this race's punch may still come through. On a direct path: nothing to move to.
    pending->set(upgrade && next.path.rfind("relay", 0) == 0 ? again : nullptr);
    return std::move(next.link);
  };
  return out;
}

std::function<void(const cs::Key32&)> host_key_check(const ViewerLinkRequest& request, const ViewerLink& link,
                                                     const ci::KnownHosts& known,
                                                     std::shared_ptr<std::string> presented) {
  return [target = request.target, vouched = link.vouched, &known, presented](const cs::Key32& key) {
    *presented = ci::fingerprint_of(key);
    if (vouched && *vouched != key)
      throw cs::SessionError("key mismatch for " + target.numeric_id + ": the rendezvous server vouches for " +
                             ci::fingerprint_of(*vouched) + " but the host presents " + *presented);
    if (target.fingerprint && *target.fingerprint != *presented)
      throw cs::SessionError("key mismatch for " + target.numeric_id + ": the full ID names key " +
                             *target.fingerprint + " but the host presents " + *presented +
                             ". Check the full ID; someone may be impersonating the host.");
    if (known.check(target.numeric_id, key) == ci::KnownHosts::Verdict::Mismatch)
      throw cs::SessionError(ci::key_mismatch_message(target.numeric_id, *known.pinned(target.numeric_id), *presented));
  };
}

}  // namespace telepane::app
