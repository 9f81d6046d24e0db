// One UDP socket of the plugin and what arrives on it: our datagrams go to the link with their link id (or, on a
// listener, to on_unknown), STUN answers go to whoever asked (gathering). [io thread, except where noted]
#pragma once

#include "udp_wire.hpp"

#include <telepane/sdk/stun.hpp>

#include <utility>  // before Asio: its C++20 parts use std::exchange

#include <boost/asio.hpp>

#include <array>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace telepane::transport::udp {

using boost::asio::ip::udp;

class Conn;

std::string endpoint_text(const udp::endpoint& ep);
// "ip:port" (IPv4 or [IPv6]); nullopt when it is not one.
std::optional<udp::endpoint> parse_endpoint(const std::string& text);

class Endpoint : public std::enable_shared_from_this<Endpoint> {
 public:
  // Binds `local` ("0.0.0.0:0" for a link's own socket). Throws sdk::Error naming the address. [any thread]
  Endpoint(boost::asio::io_context& io, const udp::endpoint& local);
  void start();  // the receive loop; call once, on the io thread, after construction
  void close();
  udp::endpoint local() const;

  // Sends one datagram; the error (EMSGSIZE: too large for the path) or none.
  boost::system::error_code send_to(const uint8_t* p, std::size_t n, const udp::endpoint& to);
  boost::system::error_code send_to(const std::vector<uint8_t>& bytes, const udp::endpoint& to) {
    return send_to(bytes.data(), bytes.size(), to);
  }

  void add(uint64_t link_id, const std::shared_ptr<Conn>& conn) { conns_[link_id] = conn; }
  void forget(uint64_t link_id) { conns_.erase(link_id); }
  std::size_t links() const { return conns_.size(); }

  // A listener's: a datagram of ours for a link id this socket does not know.
  std::function<void(const Header&, const uint8_t*, std::size_t, const udp::endpoint&)> on_unknown;

  // STUN answers by transaction, for a thread waiting in ask(). [any thread]
  std::optional<sdk::stun::Message> ask(const udp::endpoint& reflector, bool change_port,
                                        std::chrono::milliseconds budget);

 private:
  void receive();
  void dispatch(std::size_t n);

  udp::socket socket_;
  udp::endpoint from_;
  std::array<uint8_t, 65536> in_{};
  std::map<uint64_t, std::weak_ptr<Conn>> conns_;
  std::mutex stun_mu_;
  std::condition_variable stun_cv_;
  std::map<sdk::stun::TransactionId, sdk::stun::Message> answers_;
};

}  // namespace telepane::transport::udp
