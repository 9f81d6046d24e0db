// The peer's side of the rendezvous protocol, over any stream transport (the tcp plugin in practice):
//   - a viewer looks a host up (signed answer checked against the pinned server key) and asks for a relay;
//   - a host stays registered (proof of key, heartbeats, reconnect with back-off) and receives relay offers.
#pragma once

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/log/logger.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/rendezvous/protocol.hpp>
#include <telepane/core/session/transport_link.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace telepane::core::rendezvous {

// "host" or "host:port" -> "host:port" with the rendezvous default port.
std::string with_default_port(const std::string& address, uint16_t port);

// One connection to the server. Blocking calls for one thread at a time.
class RendezvousConnection {
 public:
  // Connects and waits for the server's challenge. Throws ProtocolError naming the server and the reason.
  RendezvousConnection(const plugins::FeatureRef& transport, const std::string& server,
                       std::chrono::milliseconds timeout);
  ~RendezvousConnection();
  RendezvousConnection(const RendezvousConnection&) = delete;
  RendezvousConnection& operator=(const RendezvousConnection&) = delete;

  const std::string& challenge() const { return challenge_; }
  void send(const ClientMessage& message);
  // The next message, or nullopt when `timeout` passes first. Throws ProtocolError when the connection ended or
  // the server broke the protocol.
  std::optional<ServerMessage> receive(std::chrono::milliseconds timeout);
  // Like receive, but an Error message or a timeout throws ProtocolError.
  ServerMessage expect(std::chrono::milliseconds timeout);

 private:
  std::string server_;
  std::unique_ptr<session::TransportLink> link_;
  std::mutex mu_;
  std::condition_variable cv_;
  MessageReader<ServerMessage> reader_;
  std::deque<ServerMessage> inbox_;
  std::optional<std::string> closed_;
  std::string challenge_;
};

// Viewer side: the host's key and addresses, signed by the server whose key is pinned. Throws ProtocolError.
PeerAnswer lookup(RendezvousConnection& conn, const SigningPublicKey& server_key, const std::string& id,
                  std::chrono::milliseconds timeout);
// Viewer side: a relay and a token for meeting `id`; the server passes the same offer to the host.
RelayOffer request_relay(RendezvousConnection& conn, const std::string& id, std::chrono::milliseconds timeout);

// Viewer side: asks the host (through the server, over TCP) to punch toward `candidates`; returns the host's
// reply with its own candidates. Throws ProtocolError (the host is offline, or did not answer in time).
// `link_id` is passed to the host unchanged (both ends' punched link carries it).
Punch punch(RendezvousConnection& conn, const std::string& id, const std::vector<std::string>& candidates,
            std::chrono::milliseconds timeout, const std::string& link_id = {});

// Host side: keeps this peer registered on a thread of its own.
class HostRegistration {
 public:
  struct Options {
    plugins::FeatureRef transport;
    std::string server;
    SigningPublicKey server_key{};
    const identity::Identity* identity = nullptr;  // outlives the registration
    std::vector<std::string> addresses;            // where direct connections reach this host
    uint16_t listen_port = 0;
    std::function<void(const RelayOffer&)> on_offer;  // [registration thread]; must not block for long
    // A viewer's punch request; returns this host's candidates (the UDP transport's job). Unset: answered with none.
    // [registration thread]
    std::function<std::vector<std::string>(const Punch&)> on_punch;
    std::function<void(const std::string&)> on_state;  // "registered as ..." / "rendezvous: <problem>"
    std::chrono::milliseconds timeout{10000};
  };
  HostRegistration(Options options, Logger& logger);
  ~HostRegistration();  // stops and joins
  HostRegistration(const HostRegistration&) = delete;
  HostRegistration& operator=(const HostRegistration&) = delete;

 private:
  void run();
  // One connection's lifetime; returns when it ends or stop is asked. Throws ProtocolError.
  void serve_once();
  bool wait_stop(std::chrono::milliseconds d);

  Options options_;
  Logger& logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace telepane::core::rendezvous
