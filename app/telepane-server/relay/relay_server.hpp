// The relay role: admits a connection by a rendezvous-signed token, pairs the viewer and the host that hold the
// same token (once: a token pairs one session), and forwards bytes both ways without reading them, within
// bandwidth limits and idle timeouts. Relays hold only the rendezvous server's public key.
#pragma once

#include "net/cause_log.hpp"
#include "net/source_caps.hpp"
#include "relay/token_bucket.hpp"

#include <telepane/core/log/logger.hpp>
#include <telepane/core/rendezvous/server_key.hpp>

#include <utility>

#include <boost/asio.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace telepane::server {

struct RelaySettings {
  boost::asio::ip::tcp::endpoint listen;
  core::rendezvous::SigningPublicKey rendezvous_key{};
  double bandwidth_bytes_per_second = 0;          // all sessions together; 0: unlimited
  double session_bandwidth_bytes_per_second = 0;  // each session; 0: unlimited
  std::chrono::milliseconds pair_timeout{20000};
  std::chrono::milliseconds idle_timeout{120000};
  std::chrono::milliseconds hello_timeout{10000};
  std::size_t max_connections = 20000;
  std::size_t max_connections_per_source = 64;
};

class RelayServer {
 public:
  RelayServer(boost::asio::io_context& io, RelaySettings settings, core::Logger& logger);
  ~RelayServer();
  uint16_t port() const;
  void stop();  // [io thread]

  class Side;      // one admitted connection (relay_server.cpp)
  struct Session;  // two paired sides

 private:
  friend class Side;
  void accept();
  // [io thread] A side presented a valid token.
  void arrived(const std::shared_ptr<Side>& side, const std::string& session, int64_t expires_ms, char role);
  void forget_waiting(const std::string& session, const Side* side);
  void sweep_used();

  RelaySettings settings_;
  core::Logger& logger_;
  CauseLog refusals_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<SourceCaps> caps_;
  TokenBucket total_;
  std::map<std::string, std::weak_ptr<Side>> waiting_;  // token session -> the first side
  std::map<std::string, int64_t> used_;                 // token sessions already paired, until they expire
  std::map<const Side*, std::weak_ptr<Side>> live_;     // every admitted side, for stop()
};

}  // namespace telepane::server
