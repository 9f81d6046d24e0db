#include <telepane/core/session/peer_session.hpp>

#include <telepane/abi/tp_auth.h>
#include <telepane/abi/tp_service.h>

#include "proto/control.pb.h"

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

struct Received {
  Bytes bytes;
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
};
struct ConfirmAnswer {
  bool accepted;
};
using Work = std::variant<Received, Outgoing, CloseRequest, LinkGone, ConfirmAnswer>;

Priority priority_of(tp_priority p) {
  return p >= TP_PRIORITY_INPUT && p <= TP_PRIORITY_BULK ? static_cast<Priority>(p) : Priority::Control;
}
}  // namespace

struct PeerSession::Impl {
  struct Service {
    Impl* impl = nullptr;
    uint16_t channel = 0;
    const tp_service_vtbl* vt = nullptr;
    std::shared_ptr<plugins::Library> library;
    tp_service* object = nullptr;
    tp_session_api api{};
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
  struct AnswerSlot {
    explicit AnswerSlot(Impl* i) : impl(i) {}
    std::mutex mu;
    Impl* impl;
  };
  std::shared_ptr<AnswerSlot> answer_slot = std::make_shared<AnswerSlot>(this);

  Impl(PeerSessionConfig c, std::unique_ptr<TransportLink> l, EventBus& b, Logger& lg)
      : cfg(std::move(c)), bus(b), log(lg), link(std::move(l)) {}

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
  void finish(const std::string& reason, bool told_peer = false) {
    for (auto& s : services)
      if (s->object != nullptr) s->vt->destroy(s->object);
    services.clear();
    {
      std::lock_guard lock(mu);
      if (closed_reason) return;
      closed_reason = reason;
      queue.clear();
    }
    state("closed: " + reason);
    log.debug("session", "closed: " + reason);  // the state event carries it to whoever shows it
    if (!told_peer) link.reset();  // waits for a transport callback in flight; the worker sends nothing more
    cv.notify_all();
  }

  void start_services(const std::vector<std::string>& granted) {
    {
      std::lock_guard lock(mu);
      authed = true;
      caps = granted;
    }
    for (std::size_t i = 0; i < granted.size(); ++i) {
      const auto channel = uint16_t(kFirstServiceChannel + i);
      const plugins::FeatureRef* feature = nullptr;
      for (auto& f : cfg.services)
        if (granted[i] == f.vtable<tp_service_vtbl>()->capability) feature = &f;
      auto svc = std::make_unique<Service>();
      svc->impl = this;
      svc->channel = channel;
      if (feature == nullptr) {
        secure->open_channel(channel, {Priority::Bulk});  // granted, but not here: its messages are discarded
        services.push_back(std::move(svc));
        continue;
      }
      svc->vt = feature->vtable<tp_service_vtbl>();
      svc->library = feature->library;
      secure->open_channel(channel, {priority_of(svc->vt->priority)});
      svc->api = {sizeof(tp_session_api), svc.get(), cfg.secure.initiator ? 0u : 1u,
                  [](void* ctx, tp_bytes m) -> tp_status {
                    auto* s = static_cast<Service*>(ctx);
                    s->impl->post(Outgoing{s->channel, Bytes(m.data, m.data + m.size)});
                    return TP_OK;
                  },
                  [](void* ctx, const char* reason) {
                    static_cast<Service*>(ctx)->impl->post(CloseRequest{reason != nullptr ? reason : "closed"});
                  }};
      tp_error err{};
      if (tp_status st = svc->vt->create(feature->host, &svc->api, &svc->object, &err); st != TP_OK)
        log.warn("session", "service '" + granted[i] + "' did not start: " + err.message);
      services.push_back(std::move(svc));
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
      cfg.confirm(ConfirmRequest{remote_key, link ? link->peer_address() : std::string()},
                  [slot = answer_slot](bool accepted) {
                    std::lock_guard lock(slot->mu);
                    if (slot->impl != nullptr) slot->impl->post(ConfirmAnswer{accepted});
                  });
      return;
    }
    confirming = false;
    control::Control m;
    auto* r = m.mutable_auth_result();
    r->set_accepted(true);
    for (auto& g : cfg.grant) r->add_capabilities(g);
    send_control(m);
    start_services(cfg.grant);
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
        return start_services({m.auth_result().capabilities().begin(), m.auth_result().capabilities().end()});
      }
      case control::Control::kClose: return finish(m.close().reason());
      case control::Control::kPing: {
        control::Control reply;
        reply.mutable_pong()->set_nonce(m.ping().nonce());
        return send_control(reply);
      }
      case control::Control::kPong: return;
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
      tp_error err{};
      if (tp_status st = s.vt->on_message(s.object, {msg.data.data(), msg.data.size()}, &err); st != TP_OK)
        throw SessionError(std::string("the peer broke the '") + s.vt->capability + "' service: " + err.message);
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
          cv.wait_for(lock, std::min(cfg.keepalive, cfg.auth_timeout), [&] { return !queue.empty() || closed_reason; });
          if (closed_reason) return;
          if (!queue.empty()) {
            work = std::move(queue.front());
            queue.pop_front();
          }
        }
        if (past_auth_deadline()) return finish("authentication timed out");
        if (!work) {
          keepalive();
          continue;
        }
        if (auto* r = std::get_if<Received>(&*work)) {
          last_heard = std::chrono::steady_clock::now();
          on_events(secure->receive(r->bytes));
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
          finish(g->reason);
        } else if (auto* a = std::get_if<ConfirmAnswer>(&*work)) {
          if (!confirming) continue;
          if (!a->accepted) return refuse("the person at the host declined the session");
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
    const auto silent = std::chrono::steady_clock::now() - last_heard;
    if (silent >= 3 * cfg.keepalive) return finish("the peer stopped answering");
    if (secure->established()) {
      control::Control m;
      m.mutable_ping()->set_nonce(++ping_nonce);
      send_control(m);
    }
  }
};

PeerSession::PeerSession(PeerSessionConfig config, std::unique_ptr<TransportLink> link, EventBus& bus, Logger& logger)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(link), bus, logger)) {
  Impl* impl = impl_.get();
  impl->secure = std::make_unique<SecureSession>(impl->cfg.secure, [impl](Bytes bytes) {
    if (!impl->link) return;
    const tp_status s = impl->link->send(bytes);
    // A closed link reports why through on_closed, which is queued for the worker: its reason is the true one.
    if (s == TP_ERR_AGAIN) throw SessionError("the connection cannot keep up: its send buffer is full");
  });
  impl->secure->open_channel(kControlChannel,
                             {Priority::Control, false, 8u << 20, kMaxRecordPayload, kMaxControlMessage});
  impl->link->set_handlers(
      [impl](ByteView b) { impl->post(Received{Bytes(b.begin(), b.end())}); },
      [impl](tp_status, const std::string& reason) { impl->post(LinkGone{"connection lost: " + reason}); });
  impl->worker = std::thread([impl] { impl->run(); });
}

PeerSession::~PeerSession() {
  {
    std::lock_guard lock(impl_->answer_slot->mu);
    impl_->answer_slot->impl = nullptr;  // a confirmation answered later finds no session
  }
  close("closed");
  impl_->worker.join();
  impl_->link.reset();  // after the worker: no more sends; close_link waits for the transport's callbacks
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
