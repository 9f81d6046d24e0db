#include "rendezvous/stun_reflector.hpp"

#include "net/endpoints.hpp"

#include <telepane/sdk/stun.hpp>

#include <boost/asio/io_context.hpp>

namespace telepane::server {
namespace asio = boost::asio;
using asio::ip::udp;
namespace stun = sdk::stun;

namespace {
stun::Address stun_address(const udp::endpoint& ep) {
  stun::Address a;
  auto ip = ep.address();
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) ip = asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6());
  a.v6 = ip.is_v6();
  if (a.v6) {
    const auto b = ip.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), a.ip.begin());
  } else {
    const auto b = ip.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), a.ip.begin());
  }
  a.port = ep.port();
  return a;
}

void bind(udp::socket& s, const udp::endpoint& ep) {
  boost::system::error_code ec;
  s.open(ep.protocol(), ec);
  if (!ec) s.bind(ep, ec);
  if (ec) throw std::runtime_error("rendezvous: cannot bind UDP " + endpoint_text(ep) + ": " + ec.message());
}
}  // namespace

StunReflector::StunReflector(asio::io_context& io, const udp::endpoint& primary, uint16_t other_port,
                             CauseLog& refusals, double answers_per_second)
    : ports_{Port(io), Port(io)}, refusals_(refusals), answers_(answers_per_second, answers_per_second) {
  bind(ports_[0].socket, primary);
  bind(ports_[1].socket, udp::endpoint(primary.address(), other_port));
  receive(0);
  receive(1);
}

uint16_t StunReflector::other_port() const {
  return ports_[1].socket.local_endpoint().port();
}

void StunReflector::stop() {
  boost::system::error_code ec;
  for (auto& p : ports_) p.socket.close(ec);
}

void StunReflector::receive(int which) {
  auto& p = ports_[std::size_t(which)];
  p.socket.async_receive_from(asio::buffer(p.in), p.from, [this, which](boost::system::error_code ec, std::size_t n) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) answer(which, n);
    receive(which);
  });
}

void StunReflector::answer(int which, std::size_t n) {
  auto& p = ports_[std::size_t(which)];
  const std::string source = endpoint_text(p.from);
  std::string why;
  const auto m = stun::parse(p.in.data(), n, &why);
  if (!m) return refusals_.note("UDP datagram that is not STUN (" + why + "): ignored", source);
  if (m->type != stun::kBindingRequest) return refusals_.note("STUN message that is not a Binding request", source);
  if (m->change_ip) return refusals_.note("STUN CHANGE-REQUEST for another address: this server has one", source);
  auto& out = ports_[std::size_t(m->change_port ? 1 - which : which)];
  auto other = stun_address(out.socket.local_endpoint());
  other.port = ports_[std::size_t(1 - which)].socket.local_endpoint().port();
  const auto reply = stun::binding_response(m->transaction, stun_address(p.from), other);
  if (reply.size() > n) return refusals_.note("STUN request shorter than its answer: not answered", source);
  if (answers_.take(1) > std::chrono::microseconds(0))
    return refusals_.note("STUN answers over the per-second cap: dropped", source);
  boost::system::error_code ec;
  out.socket.send_to(asio::buffer(reply), p.from, 0, ec);
}

}  // namespace telepane::server
