// Two SecureSessions back to back over an in-memory wire, with the real noise plugin loaded by the real loader.
// A tamper hook on the wire plays the man in the middle.
#include <catch2/catch.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/secure_session.hpp>

#include <sodium.h>

#include <deque>
#include <functional>

using namespace telepane::core;
using namespace telepane::core::session;

namespace {
constexpr const char* kNkAes = "Noise_NK_25519_AESGCM_SHA256";
constexpr const char* kNkChaCha = "Noise_NK_25519_ChaChaPoly_BLAKE2b";
constexpr const char* kIkChaCha = "Noise_IK_25519_ChaChaPoly_BLAKE2b";
constexpr uint16_t kControl = 1, kInput = 2, kFiles = 3;

struct Plugins {
  Logger logger{[](LogLevel, const std::string&) {}, LogLevel::Error};
  ThreadPool pool{1};
  EventBus bus{logger};
  plugins::PluginManager manager{{logger, bus, pool}};
  Plugins() {
    manager.discover({TELEPANE_PLUGIN_DIR});
    manager.load({}, [](const std::string&) { return config::Value::map({}); });
  }
  std::vector<plugins::FeatureRef> suites(std::vector<std::string> names) {
    std::vector<plugins::FeatureRef> out;
    for (auto& n : names) {
      auto f = manager.feature(TP_KIND_CRYPTO, n);
      REQUIRE(f);
      out.push_back(*f);
    }
    return out;
  }
};

struct KeyPair {
  Key32 priv{}, pub{};
  KeyPair() {
    REQUIRE(sodium_init() >= 0);
    randombytes_buf(priv.data(), priv.size());
    crypto_scalarmult_base(pub.data(), priv.data());
  }
};

// Viewer and host joined by a wire that may tamper with each frame-carrying write.
struct Pair {
  using Tamper = std::function<std::optional<Bytes>(bool to_host, int index, Bytes bytes)>;
  std::deque<std::pair<bool, Bytes>> wire;  // (to_host, bytes)
  int writes = 0;
  Tamper tamper;
  std::unique_ptr<SecureSession> viewer, host;
  std::vector<SessionEvent> viewer_events, host_events;

  Pair(Plugins& p, std::vector<std::string> viewer_suites, std::vector<std::string> host_suites,
       const KeyPair& host_key, std::optional<Key32> pinned = std::nullopt, const KeyPair* viewer_key = nullptr) {
    const Key32 expected = pinned ? *pinned : host_key.pub;
    SessionOptions v{true, p.suites(viewer_suites), viewer_key ? viewer_key->priv : Key32{},
                     [expected](const Key32& announced) {
                       if (announced != expected) throw SessionError("key mismatch");
                     }};
    SessionOptions h{false, p.suites(host_suites), host_key.priv, {}};
    viewer = std::make_unique<SecureSession>(v, [this](Bytes b) { wire.emplace_back(true, std::move(b)); });
    host = std::make_unique<SecureSession>(h, [this](Bytes b) { wire.emplace_back(false, std::move(b)); });
    for (auto* s : {viewer.get(), host.get()})
      for (auto [ch, prio] : {std::pair{kControl, Priority::Control}, std::pair{kInput, Priority::Input},
                              std::pair{kFiles, Priority::Bulk}})
        s->open_channel(ch, {prio});
  }
  // Delivers everything in flight (and what it provokes). Throws the first SessionError.
  void pump() {
    while (!wire.empty()) {
      auto [to_host, bytes] = std::move(wire.front());
      wire.pop_front();
      const int index = writes++;
      std::optional<Bytes> delivered = tamper ? tamper(to_host, index, bytes) : std::optional<Bytes>(bytes);
      if (!delivered) continue;
      auto events = (to_host ? host : viewer)->receive(*delivered);
      auto& sink = to_host ? host_events : viewer_events;
      sink.insert(sink.end(), events.begin(), events.end());
    }
  }
  void connect() {
    viewer->start();
    pump();
  }
};

std::vector<ChannelMessage> messages(const std::vector<SessionEvent>& events) {
  std::vector<ChannelMessage> out;
  for (auto& e : events)
    if (auto* m = std::get_if<ChannelMessage>(&e)) out.push_back(*m);
  return out;
}
const HandshakeDone& done(const std::vector<SessionEvent>& events) {
  for (auto& e : events)
    if (auto* d = std::get_if<HandshakeDone>(&e)) return *d;
  FAIL("no handshake");
  throw std::logic_error("unreachable");
}
Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}
}  // namespace

TEST_CASE("an NK session: both ends agree on suite and hash, and talk both ways on several channels") {
  Plugins plugins;
  KeyPair host_key;
  Pair p(plugins, {kNkAes, kNkChaCha}, {kNkAes, kNkChaCha}, host_key);
  p.connect();
  REQUIRE(p.viewer->established());
  REQUIRE(p.host->established());
  CHECK(done(p.viewer_events).suite == kNkAes);  // the viewer's first choice, which the host has
  CHECK(done(p.viewer_events).handshake_hash == done(p.host_events).handshake_hash);
  CHECK(done(p.viewer_events).remote_public == host_key.pub);
  CHECK_FALSE(done(p.host_events).remote_public);  // NK: the viewer stays anonymous to the crypto

  Bytes big(300000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = uint8_t(i * 11);
  p.viewer->send(kFiles, big);
  p.viewer->send(kInput, text("click"));
  p.viewer->flush();
  p.host->send(kControl, text("hello viewer"));
  p.host->flush();
  p.pump();
  auto at_host = messages(p.host_events);
  REQUIRE(at_host.size() == 2);
  CHECK(at_host[0].channel == kInput);  // sent after the file, arrives first
  CHECK(at_host[1].data == big);
  auto at_viewer = messages(p.viewer_events);
  REQUIRE(at_viewer.size() == 1);
  CHECK(at_viewer[0].data == text("hello viewer"));
}

TEST_CASE("the host picks the first offered suite it has") {
  Plugins plugins;
  KeyPair host_key;
  Pair p(plugins, {kNkAes, kNkChaCha}, {kNkChaCha}, host_key);
  p.connect();
  CHECK(done(p.host_events).suite == kNkChaCha);
}

TEST_CASE("no common suite: both ends say which suites they had") {
  Plugins plugins;
  KeyPair host_key;
  Pair p(plugins, {kNkAes}, {kNkChaCha}, host_key);
  p.viewer->start();
  CHECK_THROWS_WITH(
      p.pump(), "no common crypto suite: the viewer offered " + std::string(kNkAes) + "; this host has " + kNkChaCha);
  CHECK_THROWS_WITH(p.pump(), "the host supports none of the offered suites (" + std::string(kNkAes) + ")");
}

TEST_CASE("IK: the host learns the viewer's key, the trusted-device path") {
  Plugins plugins;
  KeyPair host_key, viewer_key;
  Pair p(plugins, {kIkChaCha}, {kIkChaCha}, host_key, std::nullopt, &viewer_key);
  p.connect();
  REQUIRE(p.host->established());
  CHECK(done(p.host_events).remote_public == viewer_key.pub);
}

TEST_CASE("a man in the middle who edits the suite offer breaks the handshake") {
  Plugins plugins;
  KeyPair host_key;
  Pair p(plugins, {kNkAes, kNkChaCha}, {kNkAes, kNkChaCha}, host_key);
  // Rewrite the offer so that only ChaChaPoly is on it (a downgrade): lengths stay valid, the prologue differs.
  p.tamper = [](bool to_host, int index, Bytes b) -> std::optional<Bytes> {
    if (!to_host || index != 0) return b;
    const std::string chacha = kNkChaCha;
    Bytes offer{'T', 'P', 'N', '1', 1, uint8_t(chacha.size())};
    offer.insert(offer.end(), chacha.begin(), chacha.end());
    Bytes framed{uint8_t(offer.size() >> 8), uint8_t(offer.size())};
    framed.insert(framed.end(), offer.begin(), offer.end());
    return framed;
  };
  p.viewer->start();
  // The host answers "index 0" of the edited offer, which the viewer reads as AESGCM: their transcripts differ.
  CHECK_THROWS_WITH(p.pump(), Catch::Contains("handshake failed"));
  CHECK_FALSE(p.host->established());
}

TEST_CASE("a viewer pinning another key refuses the host before any handshake") {
  Plugins plugins;
  KeyPair host_key, impostor;
  Pair p(plugins, {kNkChaCha}, {kNkChaCha}, host_key, impostor.pub);
  p.viewer->start();
  CHECK_THROWS_WITH(p.pump(), "key mismatch");
  CHECK_FALSE(p.viewer->established());
}

TEST_CASE("a man in the middle who swaps the announced key cannot finish the handshake") {
  Plugins plugins;
  KeyPair host_key, mitm;
  // A viewer that accepts whatever key it is shown (first use) still gets no session with the wrong key: the
  // real host cannot decrypt a handshake made for the substituted key.
  SessionOptions v{true, plugins.suites({kNkChaCha}), Key32{}, [](const Key32&) {}};
  SessionOptions h{false, plugins.suites({kNkChaCha}), host_key.priv, {}};
  std::deque<std::pair<bool, Bytes>> wire;
  SecureSession viewer(v, [&](Bytes b) { wire.emplace_back(true, std::move(b)); });
  SecureSession host(h, [&](Bytes b) { wire.emplace_back(false, std::move(b)); });
  viewer.start();
  std::string error;
  try {
    while (!wire.empty()) {
      auto [to_host, bytes] = std::move(wire.front());
      wire.pop_front();
      if (!to_host && bytes.size() == 2 + 5 + 32)  // the choice: put the attacker's key in it
        std::copy(mitm.pub.begin(), mitm.pub.end(), bytes.begin() + 7);
      (to_host ? host : viewer).receive(bytes);
    }
  } catch (const SessionError& e) {
    error = e.what();
  }
  CHECK(error.find("handshake failed") != std::string::npos);
  CHECK_FALSE(host.established());
}

TEST_CASE("tampered transport frames end the session and nothing corrupt is delivered") {
  Plugins plugins;
  KeyPair host_key;
  auto run = [&](Pair::Tamper tamper) {
    Pair p(plugins, {kNkChaCha}, {kNkChaCha}, host_key);
    p.connect();
    REQUIRE(p.host->established());
    const int first_transport = p.writes;
    p.tamper = [&, first_transport](bool to_host, int index, Bytes b) {
      return index >= first_transport ? tamper(to_host, index - first_transport, std::move(b)) : std::optional(b);
    };
    p.viewer->send(kControl, text("one"));
    p.viewer->flush();
    p.viewer->send(kControl, text("two"));
    p.viewer->flush();
    std::string error;
    try {
      p.pump();
    } catch (const SessionError& e) {
      error = e.what();
    }
    for (auto& m : messages(p.host_events)) CHECK((m.data == text("one") || m.data == text("two")));
    return error;
  };
  SECTION("a flipped bit") {
    CHECK(run([](bool, int i, Bytes b) -> std::optional<Bytes> {
            if (i == 0) b[5] ^= 0x20;
            return b;
          }).find("failed to open") != std::string::npos);
  }
  SECTION("a dropped frame (the next one's counter is wrong)") {
    CHECK(run([](bool, int i, Bytes b) -> std::optional<Bytes> {
            if (i == 0) return std::nullopt;
            return b;
          }).find("failed to open") != std::string::npos);
  }
  SECTION("a duplicated frame") {
    CHECK(run([](bool, int i, Bytes b) -> std::optional<Bytes> {
            if (i == 1) {
              Bytes twice = b;
              twice.insert(twice.end(), b.begin(), b.end());
              return twice;
            }
            return b;
          }).find("failed to open") != std::string::npos);
  }
  SECTION("a truncated frame length") {
    CHECK(run([](bool, int i, Bytes b) -> std::optional<Bytes> {
            if (i == 0) b[1] = 3;  // claims 3 bytes: shorter than any sealed message
            return b;
          }).find("shorter than a sealed message") != std::string::npos);
  }
}

TEST_CASE("garbage instead of an offer is refused with a clear line") {
  Plugins plugins;
  KeyPair host_key;
  SessionOptions h{false, plugins.suites({kNkChaCha}), host_key.priv, {}};
  SecureSession host(h, [](Bytes) {});
  CHECK_THROWS_WITH(host.receive(Bytes{0, 8, 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T'}),
                    "the peer does not speak Telepane's session protocol");
  CHECK_THROWS_WITH(host.receive(Bytes{1}), "the peer does not speak Telepane's session protocol");  // stays failed
}
