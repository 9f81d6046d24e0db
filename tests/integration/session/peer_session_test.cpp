// Two peers in one process, each with its own loader, bus and plugins, talking over real TCP on loopback:
// handshake, password authentication, chat both ways, and the reasons sessions end with.
#include "frame_proxy.hpp"

#include <catch2/catch.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/peer_session.hpp>

#include <sodium.h>

#include <mutex>
#include <thread>

using namespace telepane::core;
using namespace telepane::core::session;
using namespace std::chrono_literals;

namespace {
// One peer's core: loader, bus and the real plugins from the build's plugin directory.
struct Peer {
  Logger logger{[](LogLevel, const std::string&) {}, LogLevel::Error};
  ThreadPool pool{2};
  EventBus bus{logger};
  plugins::PluginManager manager{{logger, bus, pool}};
  std::mutex mu;
  std::vector<std::string> one_time, chat, states;
  Subscription s1 = bus.subscribe("auth.password.one_time", pool, [this](const Event& e) { add(one_time, e.payload); });
  Subscription s2 = bus.subscribe("chat.received", pool, [this](const Event& e) { add(chat, e.payload); });
  Subscription s3 = bus.subscribe("session.state", pool, [this](const Event& e) { add(states, e.payload); });
  Key32 priv{}, pub{};

  Peer() {
    REQUIRE(sodium_init() >= 0);
    randombytes_buf(priv.data(), priv.size());
    crypto_scalarmult_base(pub.data(), priv.data());
    manager.discover({TELEPANE_PLUGIN_DIR});
    manager.load({}, [](const std::string& id) {
      config::Value v = config::Value::map({});
      if (id == "org.telepane.auth.password") v.set("memory_mib", config::Value::scalar("8", false, {}));
      return v;
    });
  }
  void add(std::vector<std::string>& list, const std::string& s) {
    std::lock_guard lock(mu);
    list.push_back(s);
  }
  std::vector<std::string> get(const std::vector<std::string>& list) {
    std::lock_guard lock(mu);
    return list;
  }
  template <class Pred>
  bool eventually(Pred pred) {
    for (int i = 0; i < 2000; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  plugins::FeatureRef feature(tp_kind kind, const std::string& name) {
    auto f = manager.feature(kind, name);
    REQUIRE(f);
    return *f;
  }
  PeerSessionConfig config(bool viewer) {
    PeerSessionConfig c;
    c.secure.initiator = viewer;
    c.secure.suites = {feature(TP_KIND_CRYPTO, "Noise_NK_25519_ChaChaPoly_BLAKE2b")};
    c.secure.local_private = priv;
    c.auth = feature(TP_KIND_AUTH, "password");
    c.services = {session::plugin_service(feature(TP_KIND_SERVICE, "chat"))};
    if (!viewer) c.grant = {"chat"};
    return c;
  }
};

// The host side: a listener whose accepted links become sessions.
struct Host {
  Peer& peer;
  std::mutex mu;
  std::vector<std::unique_ptr<PeerSession>> sessions;
  std::unique_ptr<TransportListener> listener;
  std::shared_ptr<FailureLimiter> limiter;
  std::shared_ptr<ResumeDirectory> directory;
  std::chrono::milliseconds resume_window{0};
  explicit Host(Peer& p, std::chrono::milliseconds window = std::chrono::milliseconds(0))
      : peer(p), directory(std::make_shared<ResumeDirectory>()), resume_window(window) {
    listener = TransportListener::listen(
        p.feature(TP_KIND_TRANSPORT, "tcp"), "127.0.0.1:0", [this](std::unique_ptr<TransportLink> link) {
          auto cfg = peer.config(false);
          cfg.limiter = limiter;
          cfg.resume_directory = directory;
          cfg.resume_window = resume_window;
          auto s = std::make_unique<PeerSession>(cfg, std::move(link), peer.bus, peer.logger);
          std::lock_guard lock(mu);
          sessions.push_back(std::move(s));
        });
  }
  PeerSession* session() {
    for (int i = 0; i < 2000; ++i) {
      {
        std::lock_guard lock(mu);
        if (!sessions.empty()) return sessions.front().get();
      }
      std::this_thread::sleep_for(10ms);
    }
    FAIL("no session accepted");
    return nullptr;
  }
  ~Host() {
    listener.reset();
    std::lock_guard lock(mu);
    sessions.clear();
  }
};

std::unique_ptr<PeerSession> connect(Peer& viewer, Host& host, const std::string& password,
                                     std::optional<Key32> expected_key = std::nullopt, std::string address = {},
                                     bool reconnect = false) {
  auto cfg = viewer.config(true);
  if (address.empty()) address = host.listener->address();
  if (reconnect)
    cfg.reconnect = [tcp = viewer.feature(TP_KIND_TRANSPORT, "tcp"), address] {
      return TransportLink::connect(tcp, address);
    };
  cfg.secret = password;
  const Key32 expected = expected_key.value_or(host.peer.pub);
  cfg.secure.check_host_key = [expected](const Key32& k) {
    if (k != expected) throw SessionError("key mismatch");
  };
  return std::make_unique<PeerSession>(std::move(cfg),
                                       TransportLink::connect(viewer.feature(TP_KIND_TRANSPORT, "tcp"), address),
                                       viewer.bus, viewer.logger);
}
}  // namespace

TEST_CASE("the one-time password opens a session, chat flows both ways, and a close carries its reason") {
  Peer host_peer, viewer_peer;
  REQUIRE(host_peer.eventually([&] { return !host_peer.get(host_peer.one_time).empty(); }));
  const std::string otp = host_peer.get(host_peer.one_time).back();
  Host host(host_peer);
  auto viewer = connect(viewer_peer, host, otp);
  REQUIRE(viewer_peer.eventually([&] { return viewer->authenticated(); }));
  CHECK(viewer->capabilities() == std::vector<std::string>{"chat"});
  REQUIRE(host_peer.eventually([&] { return host.session()->authenticated(); }));

  viewer_peer.bus.publish("chat.send", "hello host");
  REQUIRE(host_peer.eventually([&] { return !host_peer.get(host_peer.chat).empty(); }));
  CHECK(host_peer.get(host_peer.chat) == std::vector<std::string>{"hello host"});
  host_peer.bus.publish("chat.send", "hello viewer");
  REQUIRE(viewer_peer.eventually([&] { return !viewer_peer.get(viewer_peer.chat).empty(); }));
  CHECK(viewer_peer.get(viewer_peer.chat) == std::vector<std::string>{"hello viewer"});

  viewer->close("bye for now");
  CHECK(host.session()->wait_closed(20s) == "bye for now");
  CHECK(viewer->wait_closed(20s) == "bye for now");
  // The one-time password served this session and has changed.
  REQUIRE(host_peer.eventually([&] { return host_peer.get(host_peer.one_time).size() == 2; }));
  CHECK(host_peer.get(host_peer.one_time).back() != otp);
}

TEST_CASE("a wrong password ends the session on both sides with 'wrong password'") {
  Peer host_peer, viewer_peer;
  Host host(host_peer);
  auto viewer = connect(viewer_peer, host, "not the password");
  CHECK(viewer->wait_closed(20s) == "wrong password");
  CHECK(host.session()->wait_closed(20s) == "wrong password");
  CHECK_FALSE(viewer->authenticated());
  CHECK(viewer_peer.get(viewer_peer.chat).empty());
}

TEST_CASE("a host presenting another key than expected is refused before any password is sent") {
  Peer host_peer, viewer_peer, impostor;
  Host host(host_peer);
  auto viewer = connect(viewer_peer, host, "whatever", impostor.pub);
  CHECK(viewer->wait_closed(20s) == "key mismatch");
  CHECK(host.session()->wait_closed(20s).value_or("").rfind("connection lost", 0) == 0);
}

TEST_CASE("nothing listening: the viewer's session ends with the transport's reason") {
  Peer viewer_peer;
  auto cfg = viewer_peer.config(true);
  cfg.secure.check_host_key = [](const Key32&) {};
  // Port 1 on loopback: privileged and unused, so nothing else in a parallel test run can be listening there.
  const std::string address = "127.0.0.1:1";
  PeerSession viewer(std::move(cfg), TransportLink::connect(viewer_peer.feature(TP_KIND_TRANSPORT, "tcp"), address),
                     viewer_peer.bus, viewer_peer.logger);
  CHECK(viewer.wait_closed(20s).value_or("").rfind("connection lost: cannot connect to " + address, 0) == 0);
}

TEST_CASE("wrong passwords back off across sessions") {
  Peer host_peer, viewer_peer;
  auto limiter = std::make_shared<FailureLimiter>(BackoffPolicy{2, 60s, 60s, 15min, 100});
  Host host(host_peer);
  host.limiter = limiter;
  for (int i = 0; i < 2; ++i) {
    auto viewer = connect(viewer_peer, host, "guess " + std::to_string(i));
    CHECK(viewer->wait_closed(20s) == "wrong password");
  }
  // Even the right password waits now: the limiter answers before the proof is checked.
  REQUIRE(host_peer.eventually([&] { return !host_peer.get(host_peer.one_time).empty(); }));
  auto viewer = connect(viewer_peer, host, host_peer.get(host_peer.one_time).back());
  CHECK(viewer->wait_closed(20s).value_or("").rfind("too many wrong passwords: try again in ", 0) == 0);
}

TEST_CASE("a dropped connection resumes: no new handshake or password, and what was sent meanwhile arrives once") {
  using telepane::test::FrameProxy;
  Peer host_peer, viewer_peer;
  REQUIRE(host_peer.eventually([&] { return !host_peer.get(host_peer.one_time).empty(); }));
  Host host(host_peer, 20s);
  FrameProxy network(host.listener->address(), /*serve_again=*/true);
  auto viewer = connect(viewer_peer, host, host_peer.get(host_peer.one_time).back(), std::nullopt, network.address(),
                        /*reconnect=*/true);
  REQUIRE(host_peer.eventually([&] { return host.session()->authenticated() && viewer->authenticated(); }));
  viewer_peer.bus.publish("chat.send", "before");
  REQUIRE(host_peer.eventually([&] { return host_peer.get(host_peer.chat).size() == 1; }));
  const auto passwords_before = host_peer.get(host_peer.one_time).size();

  // The next frame is cut in half and the connection dies: that line is lost on the wire, the others are sent
  // while the viewer is reconnecting.
  network.arm(FrameProxy::Tamper::Truncate);
  viewer_peer.bus.publish("chat.send", "during 1");
  viewer_peer.bus.publish("chat.send", "during 2");
  viewer_peer.bus.publish("chat.send", "during 3");
  REQUIRE(viewer_peer.eventually([&] {
    auto st = viewer_peer.get(viewer_peer.states);
    return std::find(st.begin(), st.end(), "resumed") != st.end();
  }));
  REQUIRE(host_peer.eventually([&] { return host_peer.get(host_peer.chat).size() >= 4; }));
  std::this_thread::sleep_for(200ms);  // nothing more may arrive: exactly once
  CHECK(host_peer.get(host_peer.chat) == std::vector<std::string>{"before", "during 1", "during 2", "during 3"});
  host_peer.bus.publish("chat.send", "after");
  REQUIRE(viewer_peer.eventually([&] { return !viewer_peer.get(viewer_peer.chat).empty(); }));
  CHECK(viewer_peer.get(viewer_peer.chat) == std::vector<std::string>{"after"});

  CHECK(network.clients() == 2);
  CHECK_FALSE(viewer->wait_closed(0ms));
  CHECK_FALSE(host.session()->wait_closed(0ms));
  // No new authentication: the one-time password did not change, and no "authenticating" after the drop.
  CHECK(host_peer.get(host_peer.one_time).size() == passwords_before);
  const auto states = viewer_peer.get(viewer_peer.states);
  const auto drop =
      std::find_if(states.begin(), states.end(), [](auto& s) { return s.rfind("reconnecting: ", 0) == 0; });
  REQUIRE(drop != states.end());
  CHECK(std::find(drop, states.end(), "authenticating") == states.end());
  viewer->close("done");
  CHECK(host.session()->wait_closed(20s) == "done");
}

TEST_CASE("a resume with a forged ticket is refused, and a session whose viewer never returns ends after its window") {
  using telepane::test::FrameProxy;
  Peer host_peer, viewer_peer;
  REQUIRE(host_peer.eventually([&] { return !host_peer.get(host_peer.one_time).empty(); }));
  Host host(host_peer, 2000ms);
  FrameProxy network(host.listener->address());  // serves one connection only: the viewer cannot come back
  auto viewer = connect(viewer_peer, host, host_peer.get(host_peer.one_time).back(), std::nullopt, network.address(),
                        /*reconnect=*/true);
  REQUIRE(host_peer.eventually([&] { return host.session()->authenticated() && viewer->authenticated(); }));

  // A stranger asks to resume a session it made up: refused, and the real session is untouched.
  {
    auto stranger_link =
        TransportLink::connect(viewer_peer.feature(TP_KIND_TRANSPORT, "tcp"), host.listener->address());
    std::mutex mu;
    Bytes got;
    stranger_link->set_handlers(
        [&](ByteView b) {
          std::lock_guard lock(mu);
          got.insert(got.end(), b.begin(), b.end());
        },
        [](tp_status, const std::string&) {});
    stranger_link->send(resume_request(TicketId{1, 2, 3}));
    REQUIRE(viewer_peer.eventually([&] {
      std::lock_guard lock(mu);
      return got.size() > 6;
    }));
    std::lock_guard lock(mu);
    CHECK(std::string(got.begin() + 2, got.begin() + 6) == "TPS0");
  }
  CHECK(host.session()->authenticated());

  network.arm(FrameProxy::Tamper::Truncate);
  viewer_peer.bus.publish("chat.send", "into the void");
  CHECK(viewer->wait_closed(20s).value_or("").find("(not resumed within 2 s)") != std::string::npos);
  CHECK(host.session()->wait_closed(20s).value_or("").rfind("connection lost", 0) == 0);
}

TEST_CASE("a session moves to a new link while the old one works: nothing lost, nothing twice, no reconnecting") {
  Peer host_peer, viewer_peer;
  REQUIRE(host_peer.eventually([&] { return !host_peer.get(host_peer.one_time).empty(); }));
  Host host(host_peer, 20s);
  auto viewer = connect(viewer_peer, host, host_peer.get(host_peer.one_time).back(), std::nullopt, {},
                        /*reconnect=*/true);
  REQUIRE(host_peer.eventually([&] { return host.session()->authenticated() && viewer->authenticated(); }));
  viewer_peer.bus.publish("chat.send", "on the first link");
  REQUIRE(host_peer.eventually([&] { return host_peer.get(host_peer.chat).size() == 1; }));

  // A better path appears (here: a second connection to the same host); the session moves to it while messages
  // keep coming both ways.
  viewer->switch_link(TransportLink::connect(viewer_peer.feature(TP_KIND_TRANSPORT, "tcp"), host.listener->address()));
  for (int i = 1; i <= 3; ++i) {
    viewer_peer.bus.publish("chat.send", "moving " + std::to_string(i));
    host_peer.bus.publish("chat.send", "back " + std::to_string(i));
  }
  REQUIRE(viewer_peer.eventually([&] {
    auto st = viewer_peer.get(viewer_peer.states);
    return std::find(st.begin(), st.end(), "path changed") != st.end();
  }));
  REQUIRE(host_peer.eventually([&] {
    auto st = host_peer.get(host_peer.states);
    return std::find(st.begin(), st.end(), "path changed") != st.end();
  }));
  REQUIRE(host_peer.eventually([&] { return host_peer.get(host_peer.chat).size() >= 4; }));
  REQUIRE(viewer_peer.eventually([&] { return viewer_peer.get(viewer_peer.chat).size() >= 3; }));
  std::this_thread::sleep_for(200ms);  // nothing more may arrive: exactly once
  CHECK(host_peer.get(host_peer.chat) ==
        std::vector<std::string>{"on the first link", "moving 1", "moving 2", "moving 3"});
  CHECK(viewer_peer.get(viewer_peer.chat) == std::vector<std::string>{"back 1", "back 2", "back 3"});
  for (auto* states : {&viewer_peer, &host_peer}) {
    const auto st = states->get(states->states);
    CHECK(std::none_of(st.begin(), st.end(), [](auto& s) { return s.rfind("reconnecting", 0) == 0; }));
  }
  // And it goes on over the new link.
  viewer_peer.bus.publish("chat.send", "after the move");
  REQUIRE(host_peer.eventually([&] { return host_peer.get(host_peer.chat).size() == 5; }));
  viewer->close("done");
  CHECK(host.session()->wait_closed(20s) == "done");
}
