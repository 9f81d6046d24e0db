#include "rendezvous/rendezvous_server.hpp"

#include "net/acceptor.hpp"
#include "relay/token_bucket.hpp"

#include <telepane/core/identity/identity.hpp>

#include <sodium.h>

#include <algorithm>
#include <deque>

namespace telepane::server {
namespace asio = boost::asio;
using asio::ip::tcp;
namespace rv = core::rendezvous;

namespace {
constexpr uint32_t kMaxIdCounter = 1000;  // a key's candidate IDs the server accepts (identity: numeric_id_for)

bool is_numeric_id(const std::string& id) {
  return id.size() == 9 && id[0] != '0' && id.find_first_not_of("0123456789") == std::string::npos;
}

rv::ServerMessage error_message(const std::string& reason, uint32_t retry_after_ms = 0) {
  rv::ServerMessage m;
  m.mutable_error()->set_reason(reason);
  m.mutable_error()->set_retry_after_ms(retry_after_ms);
  return m;
}
}  // namespace

class RendezvousServer::Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(RendezvousServer& server, tcp::socket socket, SourceCaps::Slot slot, std::string observed)
      : server_(server),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        slot_(std::move(slot)),
        observed_(std::move(observed)),
        budget_(server.settings_.lookups_per_second, server.settings_.lookups_per_second * 10) {
    nonce_.resize(32);
    randombytes_buf(nonce_.data(), nonce_.size());
  }

  void start() {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    rv::ServerMessage hello;
    hello.mutable_challenge()->set_nonce(nonce_);
    send(hello);
    arm(server_.settings_.hello_timeout, "no request in time");
    read();
  }

  void send(const rv::ServerMessage& m) {
    if (closing_) return;
    out_.push_back(rv::encode(m));
    if (out_.size() == 1) write();
  }

  // Sends a last error and closes once it is written.
  void fail(const std::string& reason, uint32_t retry_after_ms = 0) {
    server_.refusals_.note(reason, observed_);
    send(error_message(reason, retry_after_ms));
    closing_ = true;
    if (out_.empty()) close();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    server_.forget(*this);
  }

  // The connection proved a key and holds an ID: now heartbeats keep it.
  void registered(const rv::Register& reg) {
    id_ = reg.id();
    key_ = reg.key();
    addresses_.assign(reg.addresses().begin(), reg.addresses().end());
    listen_port_ = reg.listen_port();
    arm(3 * server_.settings_.heartbeat, "host silent");
  }
  void heard() {
    if (!id_.empty()) arm(3 * server_.settings_.heartbeat, "host silent");
  }
  bool spend() { return budget_.take(1).count() == 0; }

  const std::string& id() const { return id_; }
  const std::string& key() const { return key_; }
  const std::string& nonce() const { return nonce_; }
  const std::string& observed() const { return observed_; }
  const std::vector<std::string>& addresses() const { return addresses_; }
  uint32_t listen_port() const { return listen_port_; }
  std::string local_ip() const {
    boost::system::error_code ec;
    const auto ep = socket_.local_endpoint(ec);
    return ec ? std::string() : ip_text(ep.address());
  }
  bool alive() const { return !closed_; }

 private:
  void arm(std::chrono::milliseconds d, const char* why) {
    timer_.expires_after(d);
    timer_.async_wait([self = shared_from_this(), why](const boost::system::error_code& ec) {
      if (!ec) self->fail(why);
    });
  }

  void read() {
    socket_.async_read_some(asio::buffer(in_),
                            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                              if (ec || self->closed_) return self->close();
                              if (self->closing_) return self->read();  // drain until our last message is out
                              try {
                                self->reader_.feed({self->in_.data(), n});
                                while (auto m = self->reader_.next()) {
                                  self->server_.handle(self, *m);
                                  if (self->closing_ || self->closed_) break;
                                }
                              } catch (const rv::ProtocolError& e) {
                                self->fail(std::string("bad request: ") + e.what());
                              }
                              if (!self->closed_) self->read();
                            });
  }

  void write() {
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->out_.pop_front();
                        if (!self->out_.empty()) return self->write();
                        if (self->closing_) self->close();
                      });
  }

  RendezvousServer& server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  SourceCaps::Slot slot_;
  std::string observed_;
  TokenBucket budget_;
  std::string nonce_;
  rv::MessageReader<rv::ClientMessage> reader_;
  std::array<uint8_t, 4096> in_{};
  std::deque<core::session::Bytes> out_;
  bool closing_ = false, closed_ = false;
  std::string id_, key_;
  std::vector<std::string> addresses_;
  uint32_t listen_port_ = 0;
};

RendezvousServer::RendezvousServer(asio::io_context& io, const rv::ServerKey& key, PeerRegistry& registry,
                                   RendezvousSettings settings, core::Logger& logger)
    : key_(key),
      registry_(registry),
      settings_(std::move(settings)),
      logger_(logger),
      refusals_(logger, "rendezvous"),
      acceptor_(io),
      caps_(std::make_shared<SourceCaps>(settings_.max_connections, settings_.max_connections_per_source)) {
  open_acceptor(acceptor_, settings_.listen, "rendezvous");
  // STUN on the same port (the port the TCP listener got, when it was 0) and on the NAT test port.
  const asio::ip::udp::endpoint uep(settings_.listen.address(), acceptor_.local_endpoint().port());
  reflector_.emplace(io, uep, settings_.nat_test_port, refusals_, settings_.stun_answers_per_second);
  accept();
}

RendezvousServer::~RendezvousServer() = default;

uint16_t RendezvousServer::port() const {
  return acceptor_.local_endpoint().port();
}

void RendezvousServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  if (reflector_) reflector_->stop();
  auto online = std::move(online_);  // close() forgets each, which must not touch the map being walked
  online_.clear();
  for (auto& [id, weak] : online)
    if (auto c = weak.lock()) c->close();
}

void RendezvousServer::accept() {
  accept_each(
      acceptor_, caps_,
      [this](tcp::socket socket, SourceCaps::Slot slot, const std::string& source) {
        std::make_shared<Conn>(*this, std::move(socket), std::move(slot), source)->start();
      },
      [this](tcp::socket socket, const std::string& why, const std::string& source) {
        refusals_.note(why.rfind("too many connections from", 0) == 0 ? "too many connections from one address" : why,
                       source);
        // Said once, small and unsolicited bytes to a TCP peer that completed a handshake: not amplification.
        const auto bytes = rv::encode(error_message(why, 1000));
        boost::system::error_code ec;
        asio::write(socket, asio::buffer(bytes), ec);
      });
}

void RendezvousServer::handle(const std::shared_ptr<Conn>& conn, const rv::ClientMessage& m) {
  switch (m.message_case()) {
    case rv::ClientMessage::kRegister: return on_register(conn, m.register_());
    case rv::ClientMessage::kLookup: return on_lookup(conn, m.lookup());
    case rv::ClientMessage::kRequestRelay: return on_request_relay(conn, m.request_relay());
    case rv::ClientMessage::kPunchRequest: return on_punch_request(conn, m.punch_request());
    case rv::ClientMessage::kPunchReply: return on_punch_reply(conn, m.punch_reply());
    case rv::ClientMessage::kHeartbeat: {
      conn->heard();
      rv::ServerMessage ack;
      ack.mutable_heartbeat_ack();
      return conn->send(ack);
    }
    default: return conn->fail("bad request: unknown message");
  }
}

void RendezvousServer::on_register(const std::shared_ptr<Conn>& conn, const rv::Register& reg) {
  if (!conn->id().empty()) return conn->fail("bad request: already registered on this connection");
  if (reg.key().size() != 32) return conn->fail("bad request: a key is 32 bytes");
  if (!is_numeric_id(reg.id())) return conn->fail("bad request: '" + reg.id().substr(0, 16) + "' is not a 9-digit ID");
  if (reg.addresses_size() > 8 || reg.listen_port() > 65535) return conn->fail("bad request: too many addresses");
  for (auto& a : reg.addresses())
    if (a.size() > 60) return conn->fail("bad request: address too long");
  core::identity::PublicKey pk{};
  std::memcpy(pk.data(), reg.key().data(), 32);
  if (reg.id_counter() > kMaxIdCounter || core::identity::numeric_id_for(pk, reg.id_counter()) != reg.id())
    return conn->fail("bad request: the ID is not derived from the key");
  if (!rv::check_registration(key_, conn->nonce(), reg))
    return conn->fail(
        "registration refused: the proof does not match the key (or the server key is not the one pinned)");
  std::string error;
  switch (registry_.put(reg.id(), reg.key(), conn->observed(), rv::unix_ms_now(), error)) {
    case PeerRegistry::PutResult::OtherKey:
      return conn->fail("id taken: " + reg.id() + " is registered to another key");
    case PeerRegistry::PutResult::Failed:
      logger_.error("rendezvous", "registry: " + error);
      return conn->fail("server error: the registry is unavailable", 5000);
    case PeerRegistry::PutResult::Stored: break;
  }
  if (auto old = online_[reg.id()].lock(); old && old != conn) old->fail("registered again from " + conn->observed());
  online_[reg.id()] = conn;
  conn->registered(reg);
  logger_.info("rendezvous", "registered " + reg.id() + " from " + conn->observed());
  rv::ServerMessage ok;
  ok.mutable_registered()->set_id(reg.id());
  ok.mutable_registered()->set_heartbeat_ms(uint32_t(settings_.heartbeat.count()));
  ok.mutable_registered()->set_observed(conn->observed());
  conn->send(ok);
}

void RendezvousServer::on_lookup(const std::shared_ptr<Conn>& conn, const rv::Lookup& lookup) {
  conn->heard();
  if (!conn->spend()) return conn->fail("too many requests", 1000);
  if (!is_numeric_id(lookup.id()))
    return conn->fail("bad request: '" + lookup.id().substr(0, 16) + "' is not a 9-digit ID");
  if (lookup.nonce().size() < 8 || lookup.nonce().size() > 64) return conn->fail("bad request: nonce size");
  rv::PeerAnswer answer;
  answer.set_id(lookup.id());
  answer.set_nonce(lookup.nonce());
  answer.set_issued_unix_ms(rv::unix_ms_now());
  if (auto host = online(lookup.id())) {
    answer.set_key(host->key());
    answer.set_online(true);
    for (auto& a : host->addresses()) answer.add_addresses(a);
    if (host->listen_port() != 0) {  // a port-forwarded host is reached at its public address
      const auto observed = host->observed();
      const auto reflexive = observed.substr(0, observed.rfind(':')) + ":" + std::to_string(host->listen_port());
      if (std::find(host->addresses().begin(), host->addresses().end(), reflexive) == host->addresses().end())
        answer.add_addresses(reflexive);
    }
  } else {
    std::string error;
    auto record = registry_.get(lookup.id(), error);
    if (!record) {
      if (!error.empty()) logger_.error("rendezvous", "registry: " + error);
      return conn->send(error_message(error.empty() ? "peer " + lookup.id() + " is not registered here"
                                                    : "server error: the registry is unavailable"));
    }
    answer.set_key(std::string(reinterpret_cast<const char*>(record->key), record->key_size));
    answer.set_online(false);
  }
  rv::ServerMessage reply;
  *reply.mutable_answer() = rv::sign_answer(key_, answer);
  conn->send(reply);
}

std::string RendezvousServer::pick_relay(const Conn& conn) {
  if (!settings_.relays.empty()) return settings_.relays[next_relay_++ % settings_.relays.size()];
  if (!settings_.own_relay_port) return {};
  return conn.local_ip() + ":" + std::to_string(*settings_.own_relay_port);
}

void RendezvousServer::on_request_relay(const std::shared_ptr<Conn>& conn, const rv::RequestRelay& request) {
  conn->heard();
  if (!conn->spend()) return conn->fail("too many requests", 1000);
  if (!is_numeric_id(request.id()))
    return conn->fail("bad request: '" + request.id().substr(0, 16) + "' is not a 9-digit ID");
  auto host = online(request.id());
  if (!host) return conn->send(error_message("peer " + request.id() + " is offline"));
  const std::string relay = pick_relay(*conn);
  if (relay.empty()) return conn->send(error_message("no relay is configured on this server"));
  rv::RelayOffer offer;
  offer.set_relay(relay);
  offer.set_token(rv::issue_relay_token(key_, relay, request.id(), settings_.token_ttl));
  offer.set_peer_address(conn->observed());
  rv::ServerMessage to_host;
  *to_host.mutable_relay_offer() = offer;
  host->send(to_host);
  offer.set_peer_id(request.id());
  offer.set_peer_address(host->observed());
  rv::ServerMessage to_viewer;
  *to_viewer.mutable_relay_offer() = offer;
  conn->send(to_viewer);
  logger_.info("rendezvous", conn->observed() + " meets " + request.id() + " at relay " + relay);
}

std::shared_ptr<RendezvousServer::Conn> RendezvousServer::online(const std::string& id) {
  auto it = online_.find(id);
  auto host = it == online_.end() ? nullptr : it->second.lock();
  return host && host->alive() ? host : nullptr;
}

namespace {
constexpr std::size_t kMaxPendingPunches = 10000;
constexpr std::size_t kMaxCandidates = 8;

bool candidates_ok(const google::protobuf::RepeatedPtrField<std::string>& c) {
  if (std::size_t(c.size()) > kMaxCandidates) return false;
  return std::all_of(c.begin(), c.end(), [](const std::string& a) { return !a.empty() && a.size() <= 60; });
}
}  // namespace

// Punching is coordinated over TCP only: both sides proved they can receive here, so nothing is reflected at a
// forged address.
void RendezvousServer::on_punch_request(const std::shared_ptr<Conn>& conn, const rv::PunchRequest& request) {
  conn->heard();
  if (!conn->spend()) return conn->fail("too many requests", 1000);
  if (!is_numeric_id(request.id()))
    return conn->fail("bad request: '" + request.id().substr(0, 16) + "' is not a 9-digit ID");
  if (!candidates_ok(request.candidates())) return conn->fail("bad request: at most 8 candidates of 60 characters");
  if (!request.link_id().empty() && (request.link_id().size() < 8 || request.link_id().size() > 64))
    return conn->fail("bad request: a punch link id is 8 to 64 bytes");
  auto host = online(request.id());
  if (!host) return conn->send(error_message("peer " + request.id() + " is offline"));
  const auto now = std::chrono::steady_clock::now();
  for (auto it = punches_.begin(); it != punches_.end();) it = it->second.expires < now ? punches_.erase(it) : ++it;
  if (punches_.size() >= kMaxPendingPunches) return conn->send(error_message("server busy", 1000));
  std::string session(16, '\0');
  randombytes_buf(session.data(), session.size());
  punches_[session] = {conn, request.id(), now + settings_.token_ttl};
  rv::ServerMessage to_host;
  auto* p = to_host.mutable_punch();
  p->set_session(session);
  *p->mutable_candidates() = request.candidates();
  p->set_peer_address(conn->observed());
  p->set_link_id(request.link_id());
  host->send(to_host);
}

void RendezvousServer::on_punch_reply(const std::shared_ptr<Conn>& conn, const rv::PunchReply& reply) {
  conn->heard();
  if (conn->id().empty()) return conn->fail("bad request: a punch reply from a peer that is not registered");
  if (!candidates_ok(reply.candidates())) return conn->fail("bad request: at most 8 candidates of 60 characters");
  auto it = punches_.find(reply.session());
  if (it == punches_.end() || it->second.host_id != conn->id()) {
    refusals_.note("a punch reply for no pending request: ignored", conn->observed());
    return;
  }
  auto viewer = it->second.viewer.lock();
  punches_.erase(it);
  if (!viewer || !viewer->alive()) return;
  rv::ServerMessage to_viewer;
  auto* p = to_viewer.mutable_punch();
  p->set_session(reply.session());
  *p->mutable_candidates() = reply.candidates();
  p->set_peer_address(conn->observed());
  p->set_peer_id(conn->id());
  viewer->send(to_viewer);
}

void RendezvousServer::forget(Conn& conn) {
  if (conn.id().empty()) return;
  auto it = online_.find(conn.id());
  if (it != online_.end() && it->second.lock().get() == &conn) {
    online_.erase(it);
    logger_.info("rendezvous", conn.id() + " went offline");
  }
}

}  // namespace telepane::server
