#include "session/viewer_link.hpp"

#include <telepane/core/rendezvous/rendezvous_client.hpp>

#include <cstring>
#include <thread>

namespace telepane::app {
namespace cs = core::session;
namespace ci = core::identity;
namespace rv = core::rendezvous;

namespace {
// The first of `addresses` that accepts a TCP connection within `timeout`, tried all at once; null when none.
std::unique_ptr<cs::TransportLink> first_direct_link(const core::plugins::FeatureRef& tcp,
                                                     const std::vector<std::string>& addresses,
                                                     std::chrono::milliseconds timeout, core::Logger& logger) {
  std::vector<std::unique_ptr<cs::TransportLink>> tries;
  for (auto& a : addresses) {
    try {
      tries.push_back(cs::TransportLink::connect(tcp, a));
    } catch (const std::exception& e) {
      logger.debug("connect", a + ": " + e.what());
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!tries.empty() && std::chrono::steady_clock::now() < deadline) {
    for (auto& t : tries)
      if (!t->peer_address().empty()) return std::move(t);  // the others close as `tries` goes
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return nullptr;
}
}  // namespace

ViewerLink open_viewer_link(core::Runtime& rt, const ViewerLinkRequest& request, const ci::KnownHosts& known) {
  ViewerLink out;
  const auto& target = request.target;
  if (!request.server) {
    out.link = cs::TransportLink::connect(transport(rt, "tcp"), request.address);
    out.path = "direct to " + request.address;
    out.reconnect = [tcp = transport(rt, "tcp"), address = request.address] {
      return cs::TransportLink::connect(tcp, address);
    };
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
  const auto direct_timeout =
      std::chrono::milliseconds(*rt.core_config().at_path("connect.direct_timeout_ms")->as_int());
  for (auto& p : paths) {
    if (p == "direct" && answer.addresses_size() > 0) {
      out.link = first_direct_link(transport(rt, "tcp"), {answer.addresses().begin(), answer.addresses().end()},
                                   direct_timeout, rt.logger());
      if (out.link) {
        out.path = "direct to " + out.link->peer_address();
        out.reconnect = [tcp = transport(rt, "tcp"), address = out.link->peer_address()] {
          return cs::TransportLink::connect(tcp, address);
        };
      }
    } else if (p == "relay") {
      try {
        const auto offer = rv::request_relay(conn, target.numeric_id, server.timeout);
        out.link = cs::TransportLink::connect(transport(rt, "relay"), rv::relay_link_address(offer, true));
        out.path = "relay " + offer.relay();
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string("the relay is unreachable: ") + e.what());
      }
      out.reconnect = [&rt, srv = server, id = target.numeric_id] {
        rv::RendezvousConnection again(transport(rt, "tcp"), srv.address, srv.timeout);
        const auto fresh = rv::request_relay(again, id, srv.timeout);
        return cs::TransportLink::connect(transport(rt, "relay"), rv::relay_link_address(fresh, true));
      };
    }
    if (out.link) break;
  }
  if (!out.link) {
    std::string tried;
    for (auto& p : paths) tried += (tried.empty() ? "" : ", ") + p;
    throw std::runtime_error("no path to host " + target.numeric_id + " worked (tried: " + tried + ")");
  }
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
