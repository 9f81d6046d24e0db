#include <telepane/core/rendezvous/rendezvous_client.hpp>

#include <sodium.h>

namespace telepane::core::rendezvous {
namespace {
std::string as_string(const std::array<uint8_t, 32>& k) {
  return std::string(k.begin(), k.end());
}
}  // namespace

std::string with_default_port(const std::string& address, uint16_t port) {
  const auto colon = address.rfind(':');
  const auto bracket = address.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) return address;
  return address + ":" + std::to_string(port);
}

RendezvousConnection::RendezvousConnection(const plugins::FeatureRef& transport, const std::string& server,
                                           std::chrono::milliseconds timeout)
    : server_(server) {
  try {
    link_ = session::TransportLink::connect(transport, server);
  } catch (const std::exception& e) {
    throw ProtocolError("rendezvous server " + server + ": " + e.what());
  }
  link_->set_handlers(
      [this](session::ByteView bytes) {
        std::lock_guard lock(mu_);
        if (closed_) return;
        try {
          reader_.feed(bytes);
          while (auto m = reader_.next()) inbox_.push_back(std::move(*m));
        } catch (const ProtocolError& e) {
          closed_ = std::string("broke the protocol: ") + e.what();
        }
        cv_.notify_all();
      },
      [this](tp_status, const std::string& reason) {
        std::lock_guard lock(mu_);
        if (!closed_) closed_ = reason;
        cv_.notify_all();
      });
  const ServerMessage first = expect(timeout);
  if (!first.has_challenge() || first.challenge().nonce().size() != 32)
    throw ProtocolError("rendezvous server " + server_ + ": did not open with a challenge");
  challenge_ = first.challenge().nonce();
}

RendezvousConnection::~RendezvousConnection() {
  link_.reset();  // no handler runs after this
}

void RendezvousConnection::send(const ClientMessage& message) {
  const auto bytes = encode(message);
  if (link_->send(bytes) != TP_OK) throw ProtocolError("rendezvous server " + server_ + ": connection lost");
}

std::optional<ServerMessage> RendezvousConnection::receive(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !inbox_.empty() || closed_; });
  if (!inbox_.empty()) {
    ServerMessage m = std::move(inbox_.front());
    inbox_.pop_front();
    return m;
  }
  if (closed_) throw ProtocolError("rendezvous server " + server_ + ": " + *closed_);
  return std::nullopt;
}

ServerMessage RendezvousConnection::expect(std::chrono::milliseconds timeout) {
  auto m = receive(timeout);
  if (!m)
    throw ProtocolError("rendezvous server " + server_ + ": no answer within " + std::to_string(timeout.count()) +
                        " ms");
  if (m->has_error()) throw ProtocolError("rendezvous server " + server_ + ": " + m->error().reason());
  return *m;
}

PeerAnswer lookup(RendezvousConnection& conn, const SigningPublicKey& server_key, const std::string& id,
                  std::chrono::milliseconds timeout) {
  ClientMessage m;
  std::string nonce(16, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  m.mutable_lookup()->set_id(id);
  m.mutable_lookup()->set_nonce(nonce);
  conn.send(m);
  const ServerMessage reply = conn.expect(timeout);
  if (!reply.has_answer()) throw ProtocolError("rendezvous server: unexpected reply to a lookup");
  auto opened = open_answer(server_key, reply.answer(), nonce);
  if (auto* why = std::get_if<std::string>(&opened)) throw ProtocolError(*why);
  auto answer = std::get<PeerAnswer>(std::move(opened));
  if (answer.id() != id) throw ProtocolError("the rendezvous answer is for another peer");
  return answer;
}

RelayOffer request_relay(RendezvousConnection& conn, const std::string& id, std::chrono::milliseconds timeout) {
  ClientMessage m;
  m.mutable_request_relay()->set_id(id);
  conn.send(m);
  const ServerMessage reply = conn.expect(timeout);
  if (!reply.has_relay_offer()) throw ProtocolError("rendezvous server: unexpected reply to a relay request");
  return reply.relay_offer();
}

Punch punch(RendezvousConnection& conn, const std::string& id, const std::vector<std::string>& candidates,
            std::chrono::milliseconds timeout, const std::string& link_id) {
  ClientMessage m;
  m.mutable_punch_request()->set_link_id(link_id);
  m.mutable_punch_request()->set_id(id);
  for (auto& c : candidates) m.mutable_punch_request()->add_candidates(c);
  conn.send(m);
  const ServerMessage reply = conn.expect(timeout);
  if (!reply.has_punch()) throw ProtocolError("rendezvous server: unexpected reply to a punch request");
  return reply.punch();
}

HostRegistration::HostRegistration(Options options, Logger& logger)
    : options_(std::move(options)), logger_(logger), thread_([this] { run(); }) {}

HostRegistration::~HostRegistration() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool HostRegistration::wait_stop(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, d, [&] { return stop_; });
}

void HostRegistration::run() {
  // Back-off between attempts, reset by a successful registration: a restarting server is found again within
  // seconds, and a down one is not hammered.
  std::chrono::milliseconds backoff{500};
  std::string last_problem;
  while (!wait_stop(std::chrono::milliseconds(0))) {
    const auto started = std::chrono::steady_clock::now();
    try {
      serve_once();
    } catch (const std::exception& e) {
      if (e.what() != last_problem && options_.on_state) options_.on_state(std::string("rendezvous: ") + e.what());
      last_problem = e.what();
      logger_.debug("rendezvous", e.what());
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(30)) backoff = std::chrono::milliseconds(500);
    if (wait_stop(backoff)) return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
  }
}

void HostRegistration::serve_once() {
  RendezvousConnection conn(options_.transport, options_.server, options_.timeout);
  const auto& id = *options_.identity;
  ClientMessage m;
  auto* reg = m.mutable_register_();
  reg->set_id(id.numeric_id());
  reg->set_key(as_string(id.public_key()));
  reg->set_id_counter(id.id_counter());
  for (auto& a : options_.addresses) reg->add_addresses(a);
  reg->set_listen_port(options_.listen_port);
  reg->set_proof(prove_registration(id.private_key(), options_.server_key, conn.challenge(), reg->id(), reg->key()));
  conn.send(m);
  const ServerMessage reply = conn.expect(options_.timeout);
  if (!reply.has_registered()) throw ProtocolError("rendezvous server: unexpected reply to registration");
  const auto heartbeat = std::chrono::milliseconds(std::max<uint32_t>(reply.registered().heartbeat_ms(), 1000));
  if (options_.on_state) options_.on_state("registered as " + id.numeric_id() + " at " + options_.server);
  // Beats at least every 5 s whatever the server allows: they also keep this host's NAT mapping of the connection
  // fresh, and after a router forgot it (a reboot, a conntrack flush) the next beat restores it, so punch requests
  // and relay offers reach the host again within seconds.
  const auto beat_every = std::min(heartbeat, std::chrono::milliseconds(5000));
  auto next_beat = std::chrono::steady_clock::now() + beat_every;
  auto last_heard = std::chrono::steady_clock::now();
  while (!wait_stop(std::chrono::milliseconds(0))) {
    if (auto msg = conn.receive(std::chrono::milliseconds(200))) {
      last_heard = std::chrono::steady_clock::now();
      if (msg->has_relay_offer() && options_.on_offer) options_.on_offer(msg->relay_offer());
      if (msg->has_punch()) {  // answered even without a way to punch (no candidates): the viewer stops waiting
        ClientMessage answer;
        answer.mutable_punch_reply()->set_session(msg->punch().session());
        if (options_.on_punch)
          for (auto& c : options_.on_punch(msg->punch())) answer.mutable_punch_reply()->add_candidates(c);
        conn.send(answer);
      }
      if (msg->has_error()) throw ProtocolError("rendezvous server: " + msg->error().reason());
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_heard > 3 * heartbeat) throw ProtocolError("rendezvous server " + options_.server + ": silent");
    if (now >= next_beat) {
      ClientMessage beat;
      beat.mutable_heartbeat();
      conn.send(beat);
      next_beat = now + beat_every;
    }
  }
}

}  // namespace telepane::core::rendezvous
