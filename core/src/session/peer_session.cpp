#include <telepane/core/session/peer_session.hpp>

#include <telepane/abi/tp_auth.h>

#include "proto/control.pb.h"

#include <sodium.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

namespace telepane::core::session {
namespace {
constexpr uint16_t kControlChannel = 0;
constexpr uint16_t kFirstServiceChannel = 16;
constexpr std::size_t kMaxControlMessage = 64 * 1024;

// Link events carry the generation of the link they came from: after a resume, late news from the old link is
// recognised and ignored.
struct Received {
  Bytes bytes;
  uint32_t generation;
};
struct Outgoing {
  uint16_t channel;
  Bytes bytes;
};
struct CloseRequest {
  std::string reason;
};
struct LinkGone {
  std::string reason;
  uint32_t generation;
};
struct ConfirmAnswer {
  ConfirmDecision decision;
};
struct Adopt {  // host: a new link that asks to resume this session
  std::unique_ptr<TransportLink> link;
  Bytes early;
};
struct Switch {  // viewer: a better path to move the session to
  std::unique_ptr<TransportLink> link;
};
using Work = std::variant<Received, Outgoing, CloseRequest, LinkGone, ConfirmAnswer, Adopt, Switch>;

constexpr uint64_t kAckEvery = 32;  // frames received between acknowledgements
constexpr std::size_t kMaxResumeFrame = 256;

// Takes one [u16 length][payload] frame off the front of `buf`; nullopt until it is complete.
std::optional<Bytes> take_frame(Bytes& buf, std::size_t max_payload) {
  if (buf.size() < 2) return std::nullopt;
  const std::size_t len = (std::size_t(buf[0]) << 8) | buf[1];
  if (len > max_payload) throw WireError("frame of " + std::to_string(len) + " bytes where a resume message belongs");
  if (buf.size() < 2 + len) return std::nullopt;
  Bytes payload(buf.begin() + 2, buf.begin() + std::ptrdiff_t(2 + len));
  buf.erase(buf.begin(), buf.begin() + std::ptrdiff_t(2 + len));
  return payload;
}

}  // namespace

struct PeerSession::Impl {
  // A granted service's channel end. Outlives its service object, which may call it until destroyed.
  struct Service final : ServiceEndpoint {
    Service(Impl* i, uint16_t c, std::string cap) : impl(i), channel(c), capability(std::move(cap)) {}
    void send(Bytes message) override { impl->post(Outgoing{channel, std::move(message)}); }
    void close(const std::string& reason) override { impl->post(CloseRequest{reason.empty() ? "closed" : reason}); }
    bool is_host() const override { return !impl->cfg.secure.initiator; }
    Impl* impl;
    uint16_t channel;
    std::string capability;
    std::unique_ptr<SessionService> object;  // last: goes before the endpoint it holds; null: not on this end
  };

  PeerSessionConfig cfg;
  EventBus& bus;
  Logger& log;
  std::unique_ptr<TransportLink> link;
  std::unique_ptr<SecureSession> secure;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<Work> queue;
  std::optional<std::string> closed_reason;
  bool authed = false;
  std::vector<std::string> caps;

  // Worker thread only:
  Bytes handshake_hash;
  std::vector<std::unique_ptr<Service>> services;
  std::chrono::steady_clock::time_point last_heard = std::chrono::steady_clock::now();
  const std::chrono::steady_clock::time_point started = last_heard;
  bool challenged = false;
  bool confirming = false;    // host: waiting for the person at the host
  bool authed_proof = false;  // host: the password proof was accepted
  bool host_pending = false;  // viewer: the host said it waits for its person
  std::optional<Key32> remote_key;
  uint64_t ping_nonce = 0;
  std::thread worker;
  // How a confirmation answer finds this session, or learns it is gone.
  // How answers from elsewhere (a confirmation, a resuming link) find this session, or learn it is gone.
  struct Mailbox {
    explicit Mailbox(Impl* i) : impl(i) {}
    std::mutex mu;
    Impl* impl;
  };
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>(this);

  // Resumption, worker thread only.
  enum class ResumePhase { None, AwaitChallenge, AwaitProof };
  uint32_t generation = 0;  // of the current link
  ReplayBuffer replay;
  bool recording = false;  // whether sent frames are kept for a resume
  uint64_t acked = 0;      // frames received that the peer has been told about
  std::optional<TicketId> ticket;
  ResumeSecret resume_secret{};
  std::chrono::milliseconds resume_window{0};
  bool suspended = false;
  bool heard = false;                            // any byte from any link yet
  std::unique_ptr<TransportLink> previous_link;  // viewer, while switching: the old path, kept until the new one works
  bool switching = false;
  std::string suspend_reason;
  std::chrono::steady_clock::time_point suspend_deadline, next_attempt, attempt_deadline;
  ResumePhase resume_phase = ResumePhase::None;
  Bytes resume_raw;            // bytes of the resume exchange not yet a whole message
  ResumeNonce resume_nonce{};  // host: the challenge's
  bool intro_pending = false;  // host: the first frame decides between a new session and a resume
  Bytes intro_raw;

  Impl(PeerSessionConfig c, std::unique_ptr<TransportLink> l, EventBus& b, Logger& lg)
      : cfg(std::move(c)), bus(b), log(lg), link(std::move(l)) {
    const bool host_resumes = cfg.resume_directory && cfg.resume_window.count() > 0;
    recording = cfg.secure.initiator ? bool(cfg.reconnect) : host_resumes;
    intro_pending = !cfg.secure.initiator && host_resumes;
  }

  // [constructor, worker] Makes `l` the session's link; its events carry a new generation.
  void attach(std::unique_ptr<TransportLink> l) {
    link = std::move(l);
    const uint32_t g = ++generation;
    link->set_handlers(
        [this, g](ByteView b) {
          post(Received{Bytes(b.begin(), b.end()), g});
        },
        [this, g](tp_status, const std::string& reason) {
          post(LinkGone{"connection lost: " + reason, g});
        });
  }

  // [worker] Every frame the session writes: kept for a resume, sent unless the link is down.
  void write_frame(Bytes bytes) {
    if (recording) replay.record(bytes);
    if (!link || suspended) return;  // sent again when the session resumes
    const tp_status s = link->send(bytes);
    // A closed link reports why through on_closed, which is queued for the worker: its reason is the true one.
    if (s == TP_ERR_AGAIN) throw SessionError("the connection cannot keep up: its send buffer is full");
  }

  void post(Work w) {
    std::lock_guard lock(mu);
    if (closed_reason) return;
    queue.push_back(std::move(w));
    cv.notify_all();  // under the lock: whoever saw the session close cannot free it between unlock and notify
  }

  void state(const std::string& s) { bus.publish("session.state", s); }

  void send_control(const control::Control& m) {
    Bytes bytes(m.ByteSizeLong());
    m.SerializeToArray(bytes.data(), int(bytes.size()));
    secure->send(kControlChannel, std::move(bytes));
    secure->flush();
  }

  // [worker] The session is over: services stop, the state is published, the worker leaves its loop. Unless we
  // just told the peer why (`told_peer`: it reads that and hangs up), the link closes now so the peer learns at
  // once rather than by keepalive.
  // `announce`: false for a link that only carried a resume request to its session: nobody's session ended.
  void finish(const std::string& reason, bool told_peer = false, bool announce = true) {
    services.clear();
    if (ticket && cfg.resume_directory && !cfg.secure.initiator) cfg.resume_directory->remove(*ticket);
    {
      std::lock_guard lock(mu);
      if (closed_reason) return;
      closed_reason = reason;
      queue.clear();
    }
    if (announce) state("closed: " + reason);
    log.debug("session", "closed: " + reason);  // the state event carries it to whoever shows it
    if (!told_peer) link.reset();  // waits for a transport callback in flight; the worker sends nothing more
    cv.notify_all();
  }

  void start_services(const std::vector<std::string>& granted) {
    for (std::size_t i = 0; i < granted.size(); ++i) {
      const auto channel = uint16_t(kFirstServiceChannel + i);
      const ServiceSpec* spec = nullptr;
      for (auto& candidate : cfg.services)
        if (granted[i] == candidate.capability) spec = &candidate;
      auto svc = std::make_unique<Service>(this, channel, granted[i]);
      // Granted, but not here: the channel still opens, and its messages are discarded.
      secure->open_channel(channel, spec != nullptr ? spec->policy : ChannelPolicy{Priority::Bulk});
      if (spec != nullptr) {
        try {
          svc->object = spec->create(*svc);
        } catch (const std::exception& e) {
          log.warn("session", "service '" + granted[i] + "' did not start: " + e.what());
        }
      }
      services.push_back(std::move(svc));
    }
    {
      // Only now: whoever sees authenticated() may use the services at once (their subscriptions exist).
      std::lock_guard lock(mu);
      authed = true;
      caps = granted;
    }
    state("established");
  }

  // Host: the viewer passed authentication. Grants the session, or first asks the person at the host.
  void admit_viewer() {
    if (cfg.confirm && !confirming) {
      confirming = true;
      control::Control m;
      m.mutable_auth_pending()->set_reason("waiting for the person at the host to accept");
      send_control(m);
      state("confirming");
      cfg.confirm(ConfirmRequest{remote_key, link ? link->peer_address() : std::string(), cfg.grant},
                  [box = mailbox](ConfirmDecision decision) {
                    std::lock_guard lock(box->mu);
                    if (box->impl != nullptr) box->impl->post(ConfirmAnswer{std::move(decision)});
                  });
      return;
    }
    confirming = false;
    control::Control m;
    auto* r = m.mutable_auth_result();
    r->set_accepted(true);
    for (auto& g : cfg.grant) r->add_capabilities(g);
    if (recording) issue_ticket(*r->mutable_resume());
    send_control(m);
    start_services(cfg.grant);
  }

  // Host: what lets the viewer resume this session after a drop, sent inside the encrypted session.
  void issue_ticket(control::ResumeTicket& t) {
    TicketId id{};
    randombytes_buf(id.data(), id.size());
    randombytes_buf(resume_secret.data(), resume_secret.size());
    ticket = id;
    resume_window = cfg.resume_window;
    cfg.resume_directory->add(id, [box = mailbox](std::unique_ptr<TransportLink> l, Bytes early) {
      std::lock_guard lock(box->mu);
      if (box->impl != nullptr) box->impl->post(Adopt{std::move(l), std::move(early)});
    });
    t.set_id(id.data(), id.size());
    t.set_secret(resume_secret.data(), resume_secret.size());
    t.set_window_ms(uint32_t(cfg.resume_window.count()));
  }

  void on_handshake(const HandshakeDone& done) {
    handshake_hash = done.handshake_hash;
    remote_key = done.remote_public;
    if (cfg.secure.initiator) {
      state("authenticating");
      return;
    }
    const bool trusted_device = done.remote_public && cfg.trusted && cfg.trusted(*done.remote_public);
    if (!cfg.auth || trusted_device) return admit_viewer();
    const auto* vt = cfg.auth->vtable<tp_auth_vtbl>();
    Bytes challenge(4096);
    size_t len = 0;
    tp_error err{};
    if (tp_status s = vt->challenge(cfg.auth->host, challenge.data(), challenge.size(), &len, &err); s != TP_OK)
      return refuse(std::string("this host accepts no sessions yet: ") + err.message);
    challenge.resize(len);
    control::Control m;
    m.mutable_auth_challenge()->set_method(cfg.auth->feature->name);
    m.mutable_auth_challenge()->set_challenge(challenge.data(), challenge.size());
    challenged = true;
    state("authenticating");
    send_control(m);
  }

  // Host: says no with a reason, then ends.
  void refuse(const std::string& reason) {
    control::Control m;
    m.mutable_auth_result()->set_accepted(false);
    m.mutable_auth_result()->set_reason(reason);
    send_control(m);
    finish(reason, /*told_peer=*/true);
  }

  void on_control(const Bytes& bytes) {
    control::Control m;
    if (bytes.size() > kMaxControlMessage || !m.ParseFromArray(bytes.data(), int(bytes.size())))
      throw SessionError("malformed control message");
    const bool viewer = cfg.secure.initiator;
    switch (m.message_case()) {
      case control::Control::kAuthChallenge: {
        if (!viewer || authed) throw SessionError("protocol violation: unexpected password challenge");
        if (!cfg.auth || cfg.auth->feature->name != m.auth_challenge().method())
          throw SessionError("the host asks for '" + m.auth_challenge().method() +
                             "' authentication, which is not loaded here");
        if (cfg.secret.empty()) throw SessionError("the host asks for a password");
        const auto& c = m.auth_challenge().challenge();
        Bytes proof(4096);
        size_t len = 0;
        tp_error err{};
        const auto* vt = cfg.auth->vtable<tp_auth_vtbl>();
        if (tp_status s = vt->prove(cfg.auth->host, {handshake_hash.data(), handshake_hash.size()},
                                    {reinterpret_cast<const uint8_t*>(c.data()), c.size()},
                                    {reinterpret_cast<const uint8_t*>(cfg.secret.data()), cfg.secret.size()},
                                    proof.data(), proof.size(), &len, &err);
            s != TP_OK)
          throw SessionError(std::string("cannot answer the host's password challenge: ") + err.message);
        control::Control reply;
        reply.mutable_auth_proof()->set_proof(proof.data(), len);
        return send_control(reply);
      }
      case control::Control::kAuthProof: {
        if (viewer || !challenged || authed || authed_proof)
          throw SessionError("protocol violation: unexpected password proof");
        const auto now = std::chrono::steady_clock::now();
        if (cfg.limiter) {
          std::chrono::milliseconds longest{0};
          for (auto& key : cfg.limiter_keys)
            if (auto wait = cfg.limiter->wait(key, now)) longest = std::max(longest, *wait);
          if (longest.count() > 0)
            return refuse("too many wrong passwords: try again in " + std::to_string((longest.count() + 999) / 1000) +
                          " s");
        }
        const auto& p = m.auth_proof().proof();
        tp_auth_result result = TP_AUTH_INVALID;
        tp_error err{};
        const auto* vt = cfg.auth->vtable<tp_auth_vtbl>();
        if (tp_status s = vt->verify(cfg.auth->host, {handshake_hash.data(), handshake_hash.size()}, {nullptr, 0},
                                     {reinterpret_cast<const uint8_t*>(p.data()), p.size()}, &result, &err);
            s != TP_OK)
          return refuse(std::string("bad password proof: ") + err.message);
        if (result != TP_AUTH_ACCEPTED) {
          if (cfg.limiter)
            for (auto& key : cfg.limiter_keys) cfg.limiter->failure(key, now);
          return refuse("wrong password");
        }
        if (cfg.limiter)
          for (auto& key : cfg.limiter_keys) cfg.limiter->success(key);
        challenged = false;  // a second proof is a protocol violation, also while the host's person decides
        authed_proof = true;
        return admit_viewer();
      }
      case control::Control::kAuthPending: {
        if (!viewer || authed) throw SessionError("protocol violation: unexpected confirmation notice");
        host_pending = true;
        return state("waiting: " + m.auth_pending().reason());
      }
      case control::Control::kAuthResult: {
        if (!viewer || authed) throw SessionError("protocol violation: unexpected authentication result");
        if (!m.auth_result().accepted()) return finish(m.auth_result().reason());
        if (m.auth_result().has_resume()) take_ticket(m.auth_result().resume());
        return start_services({m.auth_result().capabilities().begin(), m.auth_result().capabilities().end()});
      }
      case control::Control::kClose: return finish(m.close().reason());
      case control::Control::kPing: {
        replay.acknowledge(m.ping().received());
        control::Control reply;
        reply.mutable_pong()->set_nonce(m.ping().nonce());
        reply.mutable_pong()->set_received(secure->frames_received());
        acked = secure->frames_received();
        return send_control(reply);
      }
      case control::Control::kPong: return replay.acknowledge(m.pong().received());
      case control::Control::kAck: return replay.acknowledge(m.ack().received());

      default: throw SessionError("unknown control message");
    }
  }

  void on_events(std::vector<SessionEvent> events) {
    for (auto& e : events) {
      if (closed()) return;
      if (auto* done = std::get_if<HandshakeDone>(&e)) {
        on_handshake(*done);
        continue;
      }
      auto& msg = std::get<ChannelMessage>(e);
      if (msg.channel == kControlChannel) {
        on_control(msg.data);
        continue;
      }
      const std::size_t index = msg.channel - kFirstServiceChannel;
      if (msg.channel < kFirstServiceChannel || index >= services.size())
        throw SessionError("message on a closed channel");
      Service& s = *services[index];
      if (s.object == nullptr) continue;  // granted, but this end has no such service
      try {
        s.object->on_message(msg.data);
      } catch (const ServiceError& broken) {
        throw SessionError("the peer broke the '" + s.capability + "' service: " + broken.what());
      }
    }
  }

  bool closed() const {
    std::lock_guard lock(mu);
    return closed_reason.has_value();
  }

  void run() {
    try {
      secure->start();
      for (;;) {
        std::optional<Work> work;
        {
          std::unique_lock lock(mu);
          const auto tick = suspended ? std::chrono::milliseconds(100) : std::min(cfg.keepalive, cfg.auth_timeout);
          cv.wait_for(lock, tick, [&] { return !queue.empty() || closed_reason; });
          if (closed_reason) return;
          if (!queue.empty()) {
            work = std::move(queue.front());
            queue.pop_front();
          }
        }
        if (past_auth_deadline()) return finish("authentication timed out");
        if (suspended && !drive_resume()) return;
        if (!work) {
          keepalive();
          continue;
        }
        if (auto* r = std::get_if<Received>(&*work)) {
          if (r->generation != generation) continue;  // the old link's last words
          last_heard = std::chrono::steady_clock::now();
          heard = true;
          on_bytes(std::move(r->bytes));
        } else if (auto* o = std::get_if<Outgoing>(&*work)) {
          if (secure->established() && authed) {
            secure->send(o->channel, std::move(o->bytes));
            secure->flush();
          }
        } else if (auto* c = std::get_if<CloseRequest>(&*work)) {
          if (secure->established()) {
            control::Control m;
            m.mutable_close()->set_reason(c->reason);
            send_control(m);
          }
          finish(c->reason, /*told_peer=*/secure->established());
        } else if (auto* g = std::get_if<LinkGone>(&*work)) {
          if (g->generation != generation) continue;
          if (!heard) return finish(g->reason, false, /*announce=*/false);  // nobody ever spoke on it
          if (can_resume()) {
            suspend(g->reason);
          } else {
            finish(g->reason);
          }
        } else if (auto* handed = std::get_if<Adopt>(&*work)) {
          adopt(std::move(handed->link), std::move(handed->early));
        } else if (auto* sw = std::get_if<Switch>(&*work)) {
          switch_to(std::move(sw->link));
        } else if (auto* a = std::get_if<ConfirmAnswer>(&*work)) {
          if (!confirming) continue;
          if (!a->decision.accepted) return refuse("the person at the host declined the session");
          if (a->decision.grant) {
            // Only ever narrower: what the config did not offer cannot be granted by a click.
            std::vector<std::string> narrowed;
            for (auto& offered : cfg.grant)
              if (std::find(a->decision.grant->begin(), a->decision.grant->end(), offered) != a->decision.grant->end())
                narrowed.push_back(offered);
            cfg.grant = std::move(narrowed);
          }
          admit_viewer();
        }
      }
    } catch (const std::exception& e) {
      finish(e.what());
    }
  }

  // Checked on every turn of the worker, so a peer that keeps sending without authenticating is cut off too.
  bool past_auth_deadline() {
    std::lock_guard lock(mu);
    // Waiting for a person is not a stalled handshake: the asker times that out, keepalives catch a dead peer.
    if (confirming || host_pending) return false;
    return !authed && std::chrono::steady_clock::now() - started >= cfg.auth_timeout;
  }

  void keepalive() {
    if (suspended) return;
    const auto silent = std::chrono::steady_clock::now() - last_heard;
    if (silent >= 3 * cfg.keepalive) {
      if (can_resume()) return suspend("the peer stopped answering");
      return finish("the peer stopped answering");
    }
    if (secure->established()) {
      control::Control m;
      m.mutable_ping()->set_nonce(++ping_nonce);
      m.mutable_ping()->set_received(secure->frames_received());
      acked = secure->frames_received();
      send_control(m);
    }
  }

  // ---- resumption ----

  // Viewer: the ticket that came with acceptance.
  void take_ticket(const control::ResumeTicket& t) {
    if (t.id().size() != 16 || t.secret().size() != 32)
      throw SessionError("protocol violation: malformed resume ticket");
    if (!recording) return;  // this viewer does not reconnect
    TicketId id{};
    std::memcpy(id.data(), t.id().data(), 16);
    std::memcpy(resume_secret.data(), t.secret().data(), 32);
    ticket = id;
    resume_window = std::chrono::milliseconds(t.window_ms());
  }

  bool can_resume() const { return recording && ticket && resume_window.count() > 0 && authed_now(); }
  bool authed_now() const {
    std::lock_guard lock(mu);
    return authed;
  }

  // [worker] Bytes from the current link: the first frame of a host's link may be a resume request, a resume
  // exchange may be under way, else they are the session's.
  void on_bytes(Bytes bytes) {
    if (intro_pending) {
      intro_raw.insert(intro_raw.end(), bytes.begin(), bytes.end());
      if (intro_raw.size() < 6) return;  // length and magic decide
      intro_pending = false;
      if (is_resume_message({intro_raw.data() + 2, 4})) {
        Bytes raw;
        raw.swap(intro_raw);
        auto first = take_frame(raw, kMaxResumeFrame);
        if (!first) return intro_wait(std::move(raw));
        return carry_resume(*first, std::move(raw));
      }
      bytes.swap(intro_raw);
    }
    if (resume_phase != ResumePhase::None) {
      resume_raw.insert(resume_raw.end(), bytes.begin(), bytes.end());
      return on_resume_bytes();
    }
    on_events(secure->receive(bytes));
    acknowledge();
  }

  // The first frame is a resume request but not whole yet: keep collecting it.
  void intro_wait(Bytes raw) {
    intro_pending = true;
    intro_raw = std::move(raw);
    if (intro_raw.size() > 2 + kMaxResumeFrame) throw SessionError("malformed resume request");
  }

  // Tells the peer how far we got, now and then, so it can forget frames it would otherwise keep for a resume.
  void acknowledge() {
    if (!recording || !ticket || closed()) return;
    const uint64_t received = secure->frames_received();
    if (received - acked < kAckEvery) return;
    acked = received;
    control::Control m;
    m.mutable_ack()->set_received(received);
    send_control(m);
  }

  // Host, on a link that is not (yet) any session's: hand it to the session it resumes, or refuse.
  void carry_resume(const Bytes& request, Bytes rest) {
    ResumeMessage m;
    try {
      m = parse_resume_message(request);
    } catch (const WireError& e) {
      return finish(e.what());
    }
    if (m.kind != ResumeMessage::Request) return finish("protocol violation: a resume message out of turn");
    auto l = std::move(link);
    if (cfg.resume_directory->hand_over(m.ticket, l, std::move(rest)))
      return finish("handed over to the session it resumes", false, /*announce=*/false);
    link = std::move(l);
    link->send(resume_refusal("this host does not have that session any more"));
    log.info("session", "a viewer asked to resume a session this host does not have");
    finish("unknown session ticket", /*told_peer=*/true, /*announce=*/false);
  }

  // The link dropped: keep the session, and (viewer) start reconnecting.
  void suspend(const std::string& reason) {
    const auto now = std::chrono::steady_clock::now();
    if (!suspended) {
      suspended = true;
      suspend_reason = reason;
      suspend_deadline = now + resume_window;
      state("reconnecting: " + reason);
      log.info("session",
               "link lost (" + reason + "); resuming within " + std::to_string(resume_window.count()) + " ms");
      next_attempt = now;  // the first attempt at once; later ones a second apart
    }
    link.reset();  // waits for a callback of it in flight
    resume_phase = ResumePhase::None;
    resume_raw.clear();
  }

  // [worker, while suspended] Gives up past the window; a viewer makes the next attempt when it is due.
  // False when the session ended.
  bool drive_resume() {
    const auto now = std::chrono::steady_clock::now();
    if (now >= suspend_deadline) {
      finish(suspend_reason + " (not resumed within " + std::to_string(resume_window.count() / 1000) + " s)");
      return false;
    }
    if (!cfg.secure.initiator) return true;
    if (resume_phase == ResumePhase::AwaitChallenge && now >= attempt_deadline) {
      link.reset();  // this attempt went nowhere
      resume_phase = ResumePhase::None;
      if (previous_link) {  // a switch that failed: resume as after any drop (bytes the old link got were dropped)
        previous_link.reset();
        switching = false;
        state("reconnecting: the new path did not take the session");
      }
    }
    if (resume_phase != ResumePhase::None || now < next_attempt) return true;
    next_attempt = now + std::chrono::seconds(1);
    try {
      attach(cfg.reconnect());
      resume_raw.clear();
      resume_phase = ResumePhase::AwaitChallenge;
      attempt_deadline = now + std::chrono::seconds(3);
      link->send(resume_request(*ticket));
    } catch (const std::exception& e) {
      link.reset();
      log.debug("session", std::string("reconnect failed: ") + e.what());
    }
    return true;
  }

  // Viewer: resumes on `l` while the old link stays open (what arrives on it now is sent again after the switch).
  void switch_to(std::unique_ptr<TransportLink> l) {
    if (suspended || !can_resume() || !cfg.secure.initiator) return;
    const auto now = std::chrono::steady_clock::now();
    previous_link = std::move(link);
    switching = true;
    suspended = true;
    suspend_reason = "switching paths";
    suspend_deadline = now + resume_window;
    next_attempt = now + std::chrono::seconds(1);
    attach(std::move(l));
    resume_raw.clear();
    resume_phase = ResumePhase::AwaitChallenge;
    attempt_deadline = now + std::chrono::seconds(3);
    link->send(resume_request(*ticket));
  }

  // Host: a new link asks to resume this session. It replaces the old link, whatever state that was in.
  void adopt(std::unique_ptr<TransportLink> l, Bytes early) {
    if (!ticket || closed()) return;
    if (!suspended) {  // the old link still works: the viewer found a better path (no "reconnecting" for that)
      switching = true;
      suspended = true;
      suspend_reason = "the viewer moved to a new path";
      suspend_deadline = std::chrono::steady_clock::now() + resume_window;
    }
    attach(std::move(l));
    randombytes_buf(resume_nonce.data(), resume_nonce.size());
    link->send(resume_challenge(resume_secret, *ticket, resume_nonce, secure->frames_received()));
    resume_phase = ResumePhase::AwaitProof;
    resume_raw = std::move(early);
    on_resume_bytes();
  }

  void on_resume_bytes() {
    std::optional<Bytes> f;
    try {
      f = take_frame(resume_raw, kMaxResumeFrame);
    } catch (const WireError&) {
      return abandon_attempt("the resume exchange broke the protocol");
    }
    if (!f) return;
    ResumeMessage m;
    try {
      m = parse_resume_message(*f);
    } catch (const WireError& e) {
      return abandon_attempt(e.what());
    }
    const bool viewer = cfg.secure.initiator;
    if (viewer && m.kind == ResumeMessage::Refusal)
      return finish(suspend_reason + "; the host cannot resume the session: " + m.reason);
    if (viewer && m.kind == ResumeMessage::Challenge && resume_phase == ResumePhase::AwaitChallenge) {
      if (!resume_mac_ok(resume_secret, *ticket, m.nonce, m)) return abandon_attempt("the resume challenge is forged");
      link->send(resume_proof(resume_secret, *ticket, m.nonce, secure->frames_received()));
      return complete_resume(m.count);
    }
    if (!viewer && m.kind == ResumeMessage::Proof && resume_phase == ResumePhase::AwaitProof) {
      if (!resume_mac_ok(resume_secret, *ticket, resume_nonce, m)) return abandon_attempt("a resume proof failed");
      return complete_resume(m.count);
    }
    abandon_attempt("a resume message out of turn");
  }

  // This link cannot resume the session (a forgery, a broken peer): drop it, stay suspended for the genuine one.
  void abandon_attempt(const std::string& why) {
    log.warn("session", "resume attempt dropped: " + why);
    link.reset();
    resume_phase = ResumePhase::None;
    resume_raw.clear();
  }

  // Both sides proved the secret and said how far they got: send what the peer missed, and carry on.
  void complete_resume(uint64_t peer_received) {
    auto missed = replay.from(peer_received);
    if (!missed) return finish(suspend_reason + "; cannot resume: frames the peer missed are no longer kept");
    replay.acknowledge(peer_received);
    secure->reset_partial_frame();
    resume_phase = ResumePhase::None;
    suspended = false;
    last_heard = std::chrono::steady_clock::now();
    for (auto& f : *missed) link->send(f);
    previous_link.reset();
    state(switching ? "path changed" : "resumed");
    switching = false;
    log.info("session",
             "resumed after " + suspend_reason + "; " + std::to_string(missed->size()) + " frames sent again");
    Bytes rest;
    rest.swap(resume_raw);
    if (!rest.empty()) on_bytes(std::move(rest));
  }
};

PeerSession::PeerSession(PeerSessionConfig config, std::unique_ptr<TransportLink> link, EventBus& bus, Logger& logger)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(link), bus, logger)) {
  Impl* impl = impl_.get();
  impl->secure =
      std::make_unique<SecureSession>(impl->cfg.secure, [impl](Bytes bytes) { impl->write_frame(std::move(bytes)); });
  impl->secure->open_channel(kControlChannel,
                             {Priority::Control, false, 8u << 20, kMaxRecordPayload, kMaxControlMessage});
  impl->attach(std::move(impl->link));
  impl->worker = std::thread([impl] { impl->run(); });
}

PeerSession::~PeerSession() {
  {
    std::lock_guard lock(impl_->mailbox->mu);
    impl_->mailbox->impl = nullptr;  // an answer or a resuming link that comes later finds no session
  }
  close("closed");
  impl_->worker.join();
  impl_->link.reset();  // after the worker: no more sends; close_link waits for the transport's callbacks
}

void PeerSession::switch_link(std::unique_ptr<TransportLink> link) {
  impl_->post(Switch{std::move(link)});
}

void PeerSession::close(const std::string& reason) {
  impl_->post(CloseRequest{reason});
}

std::optional<std::string> PeerSession::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait_for(lock, timeout, [&] { return impl_->closed_reason.has_value(); });
  return impl_->closed_reason;
}

bool PeerSession::authenticated() const {
  std::lock_guard lock(impl_->mu);
  return impl_->authed;
}

std::vector<std::string> PeerSession::capabilities() const {
  std::lock_guard lock(impl_->mu);
  return impl_->caps;
}

}  // namespace telepane::core::session
