#include "net/nat_probe.hpp"

#include <telepane/sdk/stun.hpp>

#include <utility>  // before Asio: its C++20 parts use std::exchange

#include <boost/asio.hpp>

#include <sodium.h>

namespace telepane::app {
namespace asio = boost::asio;
using asio::ip::udp;
namespace stun = sdk::stun;

namespace {
std::string text(const udp::endpoint& ep) {
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// One Binding request (three tries within `timeout`); the answer and where it came from, or nullopt.
std::optional<std::pair<stun::Message, udp::endpoint>> ask(udp::socket& s, const udp::endpoint& to, bool change_port,
                                                           std::chrono::milliseconds timeout) {
  stun::TransactionId t{};
  randombytes_buf(t.data(), t.size());
  const auto request = stun::binding_request(t, change_port);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int attempt = 0; attempt < 3; ++attempt) {
    boost::system::error_code ec;
    s.send_to(asio::buffer(request), to, 0, ec);
    const auto until = std::min(deadline, std::chrono::steady_clock::now() + timeout / 3);
    while (std::chrono::steady_clock::now() < until) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      pollfd p{s.native_handle(), POLLIN, 0};
      if (poll(&p, 1, int(std::max<int64_t>(left.count(), 1))) <= 0) continue;
      std::array<uint8_t, 1500> buf{};
      udp::endpoint from;
      const auto n = s.receive_from(asio::buffer(buf), from, 0, ec);
      if (ec) continue;
      auto m = stun::parse(buf.data(), n);
      if (m && m->type == stun::kBindingSuccess && m->transaction == t && m->mapped) return std::pair{*m, from};
    }
  }
  return std::nullopt;
}
}  // namespace

NatReport probe_nat(const std::string& server, std::chrono::milliseconds timeout) {
  asio::io_context io;
  const auto colon = server.rfind(':');
  udp::resolver resolver(io);
  boost::system::error_code ec;
  const auto found = resolver.resolve(udp::v4(), server.substr(0, colon), server.substr(colon + 1), ec);
  if (ec || found.empty()) throw std::runtime_error("cannot resolve the rendezvous server " + server);
  const udp::endpoint primary = found.begin()->endpoint();
  NatReport r;
  // A fresh socket: nothing has been sent from it yet, so an answer from the reflector's other port passes only a
  // NAT that does not filter by port.
  udp::socket s(io, udp::endpoint(udp::v4(), 0));
  s.connect(primary, ec);  // learns the local address the route uses, then unconnects
  r.local = text(s.local_endpoint(ec));
  s.close();
  s.open(udp::v4());
  s.bind(udp::endpoint(asio::ip::make_address(r.local.substr(0, r.local.rfind(':'))), 0), ec);
  r.local = text(s.local_endpoint(ec));
  const auto first = ask(s, primary, false, timeout);
  if (!first) return r;
  r.mapped = first->first.mapped->text();
  r.filtering = ask(s, primary, true, timeout) ? NatReport::Filtering::Open : NatReport::Filtering::PortDependent;
  if (!first->first.other) return r;
  const udp::endpoint other(primary.address(), first->first.other->port);
  const auto second = ask(s, other, false, timeout);
  if (!second) return r;
  r.mapped_other = second->first.mapped->text();
  if (r.mapped == r.local) {
    r.mapping = NatReport::Mapping::None;
  } else if (r.mapped == r.mapped_other) {
    r.mapping = NatReport::Mapping::EndpointIndependent;
  } else {
    r.mapping = NatReport::Mapping::PortDependent;
    r.port_step = int(second->first.mapped->port) - int(first->first.mapped->port);
  }
  return r;
}

std::string describe(const NatReport& r) {
  std::string out = "local address: " + r.local + "\n";
  if (r.mapped.empty())
    return out +
           "mapped address: none (no STUN answer: UDP to the server is blocked or the server is down)\n"
           "hole punching: not possible from here; sessions use the relay\n";
  out += "mapped address: " + r.mapped + " (as the rendezvous server sees this machine)\n";
  switch (r.mapping) {
    case NatReport::Mapping::None: out += "mapping: none (a public address, no NAT)\n"; break;
    case NatReport::Mapping::EndpointIndependent:
      out += "mapping: endpoint-independent (one public port for every destination: cone-like)\n";
      break;
    case NatReport::Mapping::PortDependent:
      out += "mapping: address and port dependent (a new public port per destination: symmetric; " +
             std::string(std::abs(r.port_step) <= 16 ? "ports step by " + std::to_string(r.port_step) + ", predictable"
                                                     : "ports look random") +
             ")\n";
      break;
    case NatReport::Mapping::Unknown: out += "mapping: unknown (the server's second port did not answer)\n"; break;
  }
  switch (r.filtering) {
    case NatReport::Filtering::Open:
      out += "filtering: endpoint-independent or address-dependent (answers from another port of the server pass)\n";
      break;
    case NatReport::Filtering::PortDependent:
      out += "filtering: address and port dependent (only answers from where this machine sent pass)\n";
      break;
    case NatReport::Filtering::Unknown: break;
  }
  if (r.mapping == NatReport::Mapping::PortDependent && std::abs(r.port_step) > 16)
    out +=
        "hole punching: only with a peer whose NAT maps endpoint-independently and does not filter by port; "
        "otherwise sessions use the relay\n";
  else if (r.mapping == NatReport::Mapping::PortDependent)
    out += "hole punching: likely, by predicting the next ports\n";
  else
    out += "hole punching: likely with peers whose NAT is not symmetric\n";
  return out;
}

}  // namespace telepane::app
