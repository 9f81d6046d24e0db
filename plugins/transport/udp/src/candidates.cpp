#include "candidates.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>

namespace telepane::transport::udp {
namespace asio = boost::asio;

namespace {
// This host's IPv4 addresses on interfaces that are up, loopback only when there is nothing else.
std::vector<asio::ip::address_v4> local_addresses() {
  std::vector<asio::ip::address_v4> out, loopback;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET || (i->ifa_flags & IFF_UP) == 0) continue;
    const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    const asio::ip::address_v4 a(ntohl(sin->sin_addr.s_addr));
    ((i->ifa_flags & IFF_LOOPBACK) != 0 ? loopback : out).push_back(a);
  }
  freeifaddrs(list);
  return out.empty() ? loopback : out;
}

udp::endpoint to_endpoint(const sdk::stun::Address& a) {
  asio::ip::address_v4::bytes_type b{};
  std::copy_n(a.ip.begin(), 4, b.begin());
  return udp::endpoint(asio::ip::address_v4(b), a.port);
}

void add(std::vector<udp::endpoint>& list, const udp::endpoint& e) {
  if (list.size() < kMaxCandidates && std::find(list.begin(), list.end(), e) == list.end()) list.push_back(e);
}
}  // namespace

std::optional<udp::endpoint> resolve_reflector(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  asio::io_context io;
  udp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(udp::v4(), text.substr(0, colon), text.substr(colon + 1), ec);
  if (ec || results.empty()) return std::nullopt;
  return results.begin()->endpoint();
}

std::vector<uint16_t> predict_ports(uint16_t first, uint16_t second, int how_many) {
  std::vector<uint16_t> out;
  const int step = int(second) - int(first);
  if (step == 0 || std::abs(step) > 16) return out;
  for (int k = 1; k <= how_many; ++k) {
    const int p = int(second) + step * k;
    if (p > 0 && p <= 65535) out.push_back(uint16_t(p));
  }
  return out;
}

std::vector<udp::endpoint> gather(Endpoint& endpoint, const std::optional<udp::endpoint>& reflector,
                                  std::chrono::milliseconds budget) {
  std::vector<udp::endpoint> list;
  const uint16_t port = endpoint.local().port();
  for (auto& a : local_addresses()) add(list, udp::endpoint(a, port));
  if (!reflector) return list;
  const auto first = endpoint.ask(*reflector, false, budget);
  if (!first || !first->mapped || first->mapped->v6) return list;
  const auto mapped = to_endpoint(*first->mapped);
  add(list, mapped);
  if (!first->other) return list;
  // The same question at the reflector's other port: a different answer means the NAT maps per destination.
  const auto second = endpoint.ask(udp::endpoint(reflector->address(), first->other->port), false, budget / 2);
  if (!second || !second->mapped || second->mapped->v6) return list;
  const auto mapped2 = to_endpoint(*second->mapped);
  if (mapped2 == mapped) return list;
  add(list, mapped2);
  for (auto p : predict_ports(mapped.port(), mapped2.port(), 3)) add(list, udp::endpoint(mapped2.address(), p));
  return list;
}

std::string join(const std::vector<udp::endpoint>& list) {
  std::string out;
  for (auto& e : list) out += (out.empty() ? "" : ",") + endpoint_text(e);
  return out;
}

std::vector<udp::endpoint> parse_candidates(const std::string& text) {
  std::vector<udp::endpoint> out;
  std::size_t at = 0;
  while (at <= text.size() && out.size() < 16) {
    const auto comma = std::min(text.find(',', at), text.size());
    if (auto e = parse_endpoint(text.substr(at, comma - at));
        e && e->address().is_v4() && !e->address().is_unspecified())
      if (std::find(out.begin(), out.end(), *e) == out.end()) out.push_back(*e);
    at = comma + 1;
  }
  return out;
}

}  // namespace telepane::transport::udp
