#include "udp_endpoint.hpp"

#include "udp_conn.hpp"

#include <telepane/sdk/status.hpp>

#include <netinet/in.h>
#include <sys/random.h>

namespace telepane::transport::udp {
namespace asio = boost::asio;
namespace stun = sdk::stun;

std::string endpoint_text(const udp::endpoint& ep) {
  return (ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string()) + ":" +
         std::to_string(ep.port());
}

std::optional<udp::endpoint> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() || colon + 6 < text.size())
    return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  unsigned port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + unsigned(c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  return udp::endpoint(ip, uint16_t(port));
}

Endpoint::Endpoint(asio::io_context& io, const udp::endpoint& local) : socket_(io) {
  boost::system::error_code ec;
  socket_.open(local.protocol(), ec);
  if (!ec) socket_.bind(local, ec);
  if (ec) throw sdk::Error(TP_ERR_IO, "cannot bind UDP " + endpoint_text(local) + ": " + ec.message());
  // Datagrams too large for the path fail with EMSGSIZE instead of being fragmented: the stream then sends
  // smaller ones.
  if (local.protocol() == udp::v4()) {
    const int pmtu = IP_PMTUDISC_DO;
    setsockopt(socket_.native_handle(), IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
  }
}

void Endpoint::start() {
  receive();
}

void Endpoint::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

udp::endpoint Endpoint::local() const {
  boost::system::error_code ec;
  return socket_.local_endpoint(ec);
}

boost::system::error_code Endpoint::send_to(const uint8_t* p, std::size_t n, const udp::endpoint& to) {
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(p, n), to, 0, ec);
  return ec;
}

void Endpoint::receive() {
  socket_.async_receive_from(asio::buffer(in_), from_,
                             [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                               if (ec == asio::error::operation_aborted || !self->socket_.is_open()) return;
                               if (!ec) self->dispatch(n);
                               self->receive();  // ICMP errors (connection refused) end nothing: UDP goes on
                             });
}

void Endpoint::dispatch(std::size_t n) {
  if (stun::looks_like_stun(in_.data(), n)) {
    auto m = stun::parse(in_.data(), n);
    if (!m || m->type != stun::kBindingSuccess) return;
    std::lock_guard lock(stun_mu_);
    if (answers_.size() < 16) answers_[m->transaction] = *m;
    stun_cv_.notify_all();
    return;
  }
  const auto h = decode_header(in_.data(), n);
  if (!h) return;  // not ours: dropped silently, never answered
  auto it = conns_.find(h->link_id);
  if (it != conns_.end()) {
    if (auto c = it->second.lock()) return c->on_datagram(*h, in_.data(), n, from_);
    conns_.erase(it);
  }
  if (on_unknown) on_unknown(*h, in_.data(), n, from_);
}

std::optional<stun::Message> Endpoint::ask(const udp::endpoint& reflector, bool change_port,
                                           std::chrono::milliseconds budget) {
  stun::TransactionId t{};
  if (getrandom(t.data(), t.size(), 0) != ssize_t(t.size())) return std::nullopt;
  const auto request = stun::binding_request(t, change_port);
  const auto deadline = std::chrono::steady_clock::now() + budget;
  // A lost request is sent again: three tries within the budget.
  for (int attempt = 0; attempt < 3; ++attempt) {
    asio::post(socket_.get_executor(),
               [self = shared_from_this(), request, reflector] { self->send_to(request, reflector); });
    const auto until = std::min(deadline, std::chrono::steady_clock::now() + budget / 3);
    std::unique_lock lock(stun_mu_);
    if (stun_cv_.wait_until(lock, until, [&] { return answers_.count(t) > 0; })) {
      auto m = answers_[t];
      answers_.erase(t);
      return m;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  return std::nullopt;
}

}  // namespace telepane::transport::udp
