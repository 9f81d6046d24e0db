// The noise plugin through its C vtable, as the session engine will drive it: handshakes between two real
// instances, sealed transport both ways, and every way a message can be wrong.
#include <telepane/abi/tp_crypto.h>
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include "primitives.hpp"

#include <cstring>
#include <string>
#include <vector>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

namespace {
using Bytes = std::vector<uint8_t>;
tp_bytes b(const Bytes& v) {
  return {v.data(), v.size()};
}
tp_bytes b(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

const tp_crypto_vtbl* suite(const std::string& name) {
  const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
  for (uint32_t i = 0; i < d->feature_count; ++i)
    if (d->features[i].kind == TP_KIND_CRYPTO && name == d->features[i].name)
      return static_cast<const tp_crypto_vtbl*>(d->features[i].vtable);
  FAIL("no suite " << name);
  return nullptr;
}

struct Keys {
  telepane::noise::KeyPair host = telepane::noise::generate_keypair();
  telepane::noise::KeyPair viewer = telepane::noise::generate_keypair();
  Bytes host_priv() const { return {host.private_key.begin(), host.private_key.end()}; }
  Bytes host_pub() const { return {host.public_key.begin(), host.public_key.end()}; }
  Bytes viewer_priv() const { return {viewer.private_key.begin(), viewer.private_key.end()}; }
  Bytes viewer_pub() const { return {viewer.public_key.begin(), viewer.public_key.end()}; }
};

struct Side {
  explicit Side(const tp_crypto_vtbl* v) : vt(v) {}
  Side(const Side&) = delete;
  Side& operator=(const Side&) = delete;
  const tp_crypto_vtbl* vt;
  tp_handshake* hs = nullptr;
  tp_cipher* send = nullptr;
  tp_cipher* recv = nullptr;
  Bytes hash, remote;
  ~Side() {
    if (hs) vt->handshake_destroy(hs);
    if (send) vt->cipher_destroy(send);
    if (recv) vt->cipher_destroy(recv);
  }
};

Bytes write(Side& s, const std::string& payload) {
  Bytes out(65535);
  size_t len = 0;
  tp_error err{};
  REQUIRE(s.vt->handshake_write(s.hs, b(payload), out.data(), out.size(), &len, &err) == TP_OK);
  out.resize(len);
  return out;
}
tp_status read(Side& s, const Bytes& msg, std::string& payload, tp_error& err) {
  Bytes out(65535);
  size_t len = 0;
  tp_status st = s.vt->handshake_read(s.hs, b(msg), out.data(), out.size(), &len, &err);
  payload.assign(reinterpret_cast<const char*>(out.data()), st == TP_OK ? len : 0);
  return st;
}
void finish(Side& s) {
  s.hash.resize(64);
  s.remote.resize(32);
  size_t hl = 0, rl = 0;
  tp_error err{};
  REQUIRE(s.vt->handshake_finish(s.hs, &s.send, &s.recv, s.hash.data(), s.hash.size(), &hl, s.remote.data(),
                                 s.remote.size(), &rl, &err) == TP_OK);
  s.hash.resize(hl);
  s.remote.resize(rl);
}
tp_status seal(Side& s, const std::string& text, Bytes& out) {
  out.resize(text.size() + 16);
  size_t len = 0;
  tp_error err{};
  tp_status st = s.vt->seal(s.send, b(""), b(text), out.data(), out.size(), &len, &err);
  out.resize(len);
  return st;
}
tp_status open(Side& s, const Bytes& sealed, std::string& text, tp_error& err) {
  Bytes out(sealed.size());
  size_t len = 0;
  tp_status st = s.vt->open(s.recv, b(""), b(sealed), out.data(), out.size(), &len, &err);
  text.assign(reinterpret_cast<const char*>(out.data()), st == TP_OK ? len : 0);
  return st;
}

// An NK or IK handshake between a viewer (initiator) and a host (responder).
void handshake(Side& viewer, Side& host, const Keys& k, bool ik, const std::string& viewer_prologue = "telepane/1",
               const std::string& host_prologue = "telepane/1") {
  telepane::fakes::FakeHost fake;
  const Bytes vp(viewer_prologue.begin(), viewer_prologue.end()), hp(host_prologue.begin(), host_prologue.end());
  // Views into locals: a tp_bytes must not outlive what it points at.
  const Bytes none, viewer_priv = k.viewer_priv(), host_pub = k.host_pub(), host_priv = k.host_priv();
  tp_handshake_params pv{sizeof(tp_handshake_params), TP_ROLE_INITIATOR, b(vp), ik ? b(viewer_priv) : b(none),
                         b(host_pub)};
  tp_handshake_params ph{sizeof(tp_handshake_params), TP_ROLE_RESPONDER, b(hp), b(host_priv), b(none)};
  tp_error err{};
  REQUIRE(viewer.vt->handshake_create(fake.table(), &pv, &viewer.hs, &err) == TP_OK);
  REQUIRE(host.vt->handshake_create(fake.table(), &ph, &host.hs, &err) == TP_OK);
}
}  // namespace

TEST_CASE("NK and IK sessions: both sides agree and talk both ways") {
  for (std::string name : {"Noise_NK_25519_AESGCM_SHA256", "Noise_NK_25519_ChaChaPoly_BLAKE2b",
                           "Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_BLAKE2b"}) {
    if (name.find("AESGCM") != std::string::npos && !telepane::noise::aes_gcm_available()) continue;
    INFO(name);
    const bool ik = name.find("_IK_") != std::string::npos;
    Keys k;
    Side viewer{suite(name)}, host{suite(name)};
    handshake(viewer, host, k, ik);
    std::string got;
    tp_error err{};
    // Nothing sensitive travels in message 1; the payload here only proves it is carried.
    REQUIRE(read(host, write(viewer, "hello"), got, err) == TP_OK);
    CHECK(got == "hello");
    REQUIRE(read(viewer, write(host, "welcome"), got, err) == TP_OK);
    CHECK(got == "welcome");
    finish(viewer);
    finish(host);
    CHECK(viewer.hash == host.hash);
    CHECK(viewer.remote == k.host_pub());
    if (ik)
      CHECK(host.remote == k.viewer_pub());  // IK proves the viewer's key: the trusted-device path
    else
      CHECK(host.remote.empty());

    Bytes sealed;
    REQUIRE(seal(viewer, "to host", sealed) == TP_OK);
    REQUIRE(open(host, sealed, got, err) == TP_OK);
    CHECK(got == "to host");
    REQUIRE(seal(host, "to viewer", sealed) == TP_OK);
    REQUIRE(open(viewer, sealed, got, err) == TP_OK);
    CHECK(got == "to viewer");
  }
}

TEST_CASE("a viewer holding the wrong host key cannot complete the handshake") {
  Keys k, other;
  const auto* vt = suite("Noise_NK_25519_ChaChaPoly_BLAKE2b");
  Side viewer{vt}, host{vt};
  handshake(viewer, host, k, false);
  // Re-create the viewer believing another key (a man in the middle, or a stale pin).
  vt->handshake_destroy(viewer.hs);
  viewer.hs = nullptr;
  telepane::fakes::FakeHost fake;
  const Bytes p{'t', 'e', 'l', 'e', 'p', 'a', 'n', 'e', '/', '1'}, wrong = other.host_pub(), none;
  tp_handshake_params pv{sizeof(tp_handshake_params), TP_ROLE_INITIATOR, b(p), b(none), b(wrong)};
  tp_error err{};
  REQUIRE(vt->handshake_create(fake.table(), &pv, &viewer.hs, &err) == TP_OK);
  std::string got;
  CHECK(read(host, write(viewer, "hello"), got, err) == TP_ERR_PROTOCOL);
  CHECK(std::string(err.message).find("decryption failed") != std::string::npos);
}

TEST_CASE("a prologue that differs (an edited offer of suites) breaks the handshake") {
  Keys k;
  const auto* vt = suite("Noise_NK_25519_ChaChaPoly_BLAKE2b");
  Side viewer{vt}, host{vt};
  handshake(viewer, host, k, false, "telepane/1 suites=AESGCM,ChaChaPoly", "telepane/1 suites=ChaChaPoly");
  std::string got;
  tp_error err{};
  CHECK(read(host, write(viewer, ""), got, err) == TP_ERR_PROTOCOL);
}

TEST_CASE("tampered, truncated, replayed and reordered transport messages are refused - the cipher stays shut") {
  Keys k;
  const auto* vt = suite("Noise_NK_25519_ChaChaPoly_BLAKE2b");
  auto session = [&](Side& viewer, Side& host) {
    handshake(viewer, host, k, false);
    std::string got;
    tp_error err{};
    REQUIRE(read(host, write(viewer, ""), got, err) == TP_OK);
    REQUIRE(read(viewer, write(host, ""), got, err) == TP_OK);
    finish(viewer);
    finish(host);
  };
  std::string got;
  tp_error err{};
  Bytes m1, m2;
  SECTION("a flipped bit") {
    Side viewer{vt}, host{vt};
    session(viewer, host);
    REQUIRE(seal(viewer, "secret", m1) == TP_OK);
    m1[3] ^= 0x01;
    CHECK(open(host, m1, got, err) == TP_ERR_PROTOCOL);
    CHECK(got.empty());
    // Even a good message is refused now: nothing after a bad message is ever delivered.
    REQUIRE(seal(viewer, "next", m2) == TP_OK);
    CHECK(open(host, m2, got, err) == TP_ERR_CLOSED);
  }
  SECTION("truncated") {
    Side viewer{vt}, host{vt};
    session(viewer, host);
    REQUIRE(seal(viewer, "secret", m1) == TP_OK);
    m1.resize(10);
    CHECK(open(host, m1, got, err) == TP_ERR_PROTOCOL);
  }
  SECTION("replayed") {
    Side viewer{vt}, host{vt};
    session(viewer, host);
    REQUIRE(seal(viewer, "once", m1) == TP_OK);
    REQUIRE(open(host, m1, got, err) == TP_OK);
    CHECK(open(host, m1, got, err) == TP_ERR_PROTOCOL);
  }
  SECTION("reordered") {
    Side viewer{vt}, host{vt};
    session(viewer, host);
    REQUIRE(seal(viewer, "first", m1) == TP_OK);
    REQUIRE(seal(viewer, "second", m2) == TP_OK);
    CHECK(open(host, m2, got, err) == TP_ERR_PROTOCOL);
  }
  SECTION("rekey on both sides keeps talking; on one side it does not") {
    Side viewer{vt}, host{vt};
    session(viewer, host);
    REQUIRE(vt->rekey(viewer.send) == TP_OK);
    REQUIRE(vt->rekey(host.recv) == TP_OK);
    REQUIRE(seal(viewer, "after rekey", m1) == TP_OK);
    REQUIRE(open(host, m1, got, err) == TP_OK);
    CHECK(got == "after rekey");
    REQUIRE(vt->rekey(viewer.send) == TP_OK);
    REQUIRE(seal(viewer, "unilateral", m2) == TP_OK);
    CHECK(open(host, m2, got, err) == TP_ERR_PROTOCOL);
  }
}

TEST_CASE("misuse is an error with a message, never a crash") {
  Keys k;
  const auto* vt = suite("Noise_NK_25519_ChaChaPoly_BLAKE2b");
  Side viewer{vt}, host{vt};
  handshake(viewer, host, k, false);
  tp_error err{};
  std::string got;
  SECTION("the responder may not speak first") {
    Bytes out(1000);
    size_t len = 0;
    CHECK(vt->handshake_write(host.hs, b(""), out.data(), out.size(), &len, &err) == TP_ERR_PROTOCOL);
    CHECK(std::string(err.message) == "handshake: not our turn to write");
  }
  SECTION("a short output buffer reports the size it needs") {
    Bytes out(8);
    size_t len = 0;
    CHECK(vt->handshake_write(viewer.hs, b("hi"), out.data(), out.size(), &len, &err) == TP_ERR_NO_MEMORY);
  }
  SECTION("a truncated handshake message") {
    const Bytes full = write(viewer, "");
    Bytes m(full.begin(), full.begin() + 20);
    CHECK(read(host, m, got, err) == TP_ERR_PROTOCOL);
    CHECK(std::string(err.message) == "handshake message truncated");
    CHECK(read(host, full, got, err) == TP_ERR_PROTOCOL);  // a failed handshake stays failed
    CHECK(std::string(err.message) == "handshake: a previous message failed");
  }
  SECTION("finish before the handshake is done") {
    tp_cipher *s = nullptr, *r = nullptr;
    uint8_t hash[64];
    size_t hl = 0;
    CHECK(vt->handshake_finish(viewer.hs, &s, &r, hash, sizeof hash, &hl, nullptr, 0, nullptr, &err) ==
          TP_ERR_PROTOCOL);
  }
  SECTION("a responder without its static key") {
    tp_handshake* hs = nullptr;
    telepane::fakes::FakeHost fake;
    tp_handshake_params p{sizeof(tp_handshake_params), TP_ROLE_RESPONDER, {nullptr, 0}, {nullptr, 0}, {nullptr, 0}};
    CHECK(vt->handshake_create(fake.table(), &p, &hs, &err) == TP_ERR_PROTOCOL);
    CHECK(std::string(err.message) == "handshake: this pattern needs our static key");
  }
}
