// A running session over one transport link: the secure session, then password authentication (bound to the
// handshake hash), then the services the host granted, each on its own channel, until either side closes with a
// reason. Owns one worker thread; the transport's io thread only queues work for it.
//
// Events on the bus: "session.state" (text: "authenticating", "established", "reconnecting: <why>", "resumed",
// "path changed", "closed: <reason>"). A link that ends before carrying a byte (a punch that found no path) ends
// its session without a word.
#pragma once

#include <telepane/core/bus/event_bus.hpp>
#include <telepane/core/log/logger.hpp>
#include <telepane/core/session/failure_limiter.hpp>
#include <telepane/core/session/resumption.hpp>
#include <telepane/core/session/secure_session.hpp>
#include <telepane/core/session/session_service.hpp>
#include <telepane/core/session/transport_link.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace telepane::core::session {

// What the person at the host is asked about (confirm-on-host).
struct ConfirmRequest {
  std::optional<Key32> viewer_key;  // proven by the IK handshake; absent for NK (an unidentified device)
  std::string viewer_address;
  std::vector<std::string> grant;  // what this session would be granted (the config's grant)
};

// The person's answer. They may grant less than was offered (e.g. accept, but view only).
struct ConfirmDecision {
  bool accepted = false;
  std::optional<std::vector<std::string>> grant;  // a subset of ConfirmRequest::grant; nullopt: all of it
};

struct PeerSessionConfig {
  SessionOptions secure;  // role, suites, identity, host key check
  // Host: the method the viewer must pass (absent: no authentication, e.g. a trusted device). Viewer: the method
  // it answers with.
  std::optional<plugins::FeatureRef> auth;
  std::string secret;                 // viewer: what the person typed
  std::vector<ServiceSpec> services;  // the services this end can run
  std::vector<std::string> grant;     // host: capabilities to grant ("chat", ...)
  // Host: whether a viewer whose static key the handshake proved (IK) is a trusted device, which needs no password.
  std::function<bool(const Key32&)> trusted;
  std::chrono::milliseconds keepalive{5000};  // ping after this much silence; give up after three times it
  // Host: wrong passwords back off across sessions under each of `limiter_keys`: the source address (one guesser)
  // and this host's ID (many guessers at once). An attempt waits for the longest of them.
  std::shared_ptr<FailureLimiter> limiter;
  std::vector<std::string> limiter_keys = {"password"};
  // A session that has not authenticated by then ends: half-open connections cannot hold a slot for long.
  std::chrono::milliseconds auth_timeout{20000};
  // Host: when set, a viewer that passed authentication waits until answer() accepts it (with the whole grant or
  // part of it) or refuses it. Called on the session's worker, must not block; `answer` may be called from any
  // thread, once, even after the session ended (it is then ignored). Whoever asks enforces its own time limit.
  std::function<void(const ConfirmRequest&, std::function<void(ConfirmDecision)> answer)> confirm;
  // Resumption after a brief drop. Host: sessions are listed in `resume_directory` (shared by every session, so a
  // new link can find the session it resumes) and kept `resume_window` after their link drops. Viewer: after a
  // drop, `reconnect` (called on the worker; may throw) makes new links until one resumes or the window (the
  // host's, from its ticket) passes. A zero window or a missing piece: a drop ends the session.
  std::chrono::milliseconds resume_window{0};
  std::shared_ptr<ResumeDirectory> resume_directory;
  std::function<std::unique_ptr<TransportLink>()> reconnect;
};

class PeerSession {
 public:
  PeerSession(PeerSessionConfig config, std::unique_ptr<TransportLink> link, EventBus& bus, Logger& logger);
  ~PeerSession();  // closes with "closed" if still open, joins the worker
  PeerSession(const PeerSession&) = delete;
  PeerSession& operator=(const PeerSession&) = delete;

  // Ends the session, telling the peer why. [any thread]
  void close(const std::string& reason);
  // Waits until the session is closed or `timeout` passes; returns the reason, or nullopt while open.
  std::optional<std::string> wait_closed(std::chrono::milliseconds timeout);
  bool authenticated() const;
  // Viewer: moves the session to `link` (a better path that just connected, e.g. direct after relay) by the resume
  // exchange; what the host sent meanwhile on the old link is sent again. Ignored unless the session can resume.
  // The bus hears "path changed" once the host accepted. [any thread]
  void switch_link(std::unique_ptr<TransportLink> link);
  std::vector<std::string> capabilities() const;  // granted, once authenticated

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telepane::core::session
