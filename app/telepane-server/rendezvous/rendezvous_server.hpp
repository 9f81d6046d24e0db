// The rendezvous role: hosts register (proving their key), viewers look them up (answers signed by the server's
// key) and ask for relays (a signed single-use token to each side). TCP for all of it; UDP only reflects a
// sender's address, never with more bytes than it sent.
#pragma once

#include "net/cause_log.hpp"
#include "net/source_caps.hpp"
#include "rendezvous/peer_registry.hpp"
#include "rendezvous/stun_reflector.hpp"

#include <telepane/core/log/logger.hpp>
#include <telepane/core/rendezvous/protocol.hpp>

#include <utility>

#include <boost/asio.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace telepane::server {

struct RendezvousSettings {
  boost::asio::ip::tcp::endpoint listen;
  std::vector<std::string> relays;         // assigned round robin
  std::optional<uint16_t> own_relay_port;  // when empty `relays`: our own relay at the address a client reached
  std::chrono::milliseconds heartbeat{15000};
  std::chrono::milliseconds hello_timeout{10000};
  std::chrono::milliseconds token_ttl{30000};
  double lookups_per_second = 20;
  std::size_t max_connections = 20000;
  std::size_t max_connections_per_source = 64;
  uint16_t nat_test_port = 0;  // the reflector's second UDP port (0: any free port)
  double stun_answers_per_second = 2000;
};

class RendezvousServer {
 public:
  // Binds TCP and UDP on settings.listen; throws std::runtime_error naming the address. [io thread's owner]
  RendezvousServer(boost::asio::io_context& io, const core::rendezvous::ServerKey& key, PeerRegistry& registry,
                   RendezvousSettings settings, core::Logger& logger);
  ~RendezvousServer();
  uint16_t port() const;
  uint16_t nat_test_port() const { return reflector_->other_port(); }
  void stop();  // [io thread]

  class Conn;  // one client connection (rendezvous_server.cpp)

 private:
  friend class Conn;
  void accept();
  void handle(const std::shared_ptr<Conn>& conn, const core::rendezvous::ClientMessage& m);
  void on_register(const std::shared_ptr<Conn>& conn, const core::rendezvous::Register& reg);
  void on_lookup(const std::shared_ptr<Conn>& conn, const core::rendezvous::Lookup& lookup);
  void on_request_relay(const std::shared_ptr<Conn>& conn, const core::rendezvous::RequestRelay& request);
  void on_punch_request(const std::shared_ptr<Conn>& conn, const core::rendezvous::PunchRequest& request);
  void on_punch_reply(const std::shared_ptr<Conn>& conn, const core::rendezvous::PunchReply& reply);
  // The online host registered as `id`, if any.
  std::shared_ptr<Conn> online(const std::string& id);
  void forget(Conn& conn);
  std::string pick_relay(const Conn& conn);

  const core::rendezvous::ServerKey& key_;
  PeerRegistry& registry_;
  RendezvousSettings settings_;
  core::Logger& logger_;
  CauseLog refusals_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::optional<StunReflector> reflector_;
  std::shared_ptr<SourceCaps> caps_;
  std::unordered_map<std::string, std::weak_ptr<Conn>> online_;  // registered hosts by ID
  struct PendingPunch {
    std::weak_ptr<Conn> viewer;
    std::string host_id;
    std::chrono::steady_clock::time_point expires;
  };
  std::unordered_map<std::string, PendingPunch> punches_;  // by session, until the host replies or they expire
  std::size_t next_relay_ = 0;
};

}  // namespace telepane::server
