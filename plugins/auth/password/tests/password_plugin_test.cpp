// The password plugin through its C vtable on the fake host: host and viewer halves, as the session runs them.
#include "scram.hpp"

#include <telepane/abi/tp_auth.h>
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

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
const Bytes kHash(32, 0xAB), kOtherHash(32, 0xCD);

const tp_plugin_desc* desc() {
  return tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
}
const tp_auth_vtbl* vt() {
  return static_cast<const tp_auth_vtbl*>(desc()->features[0].vtable);
}

// A loaded plugin on its own fake host; 8 MiB Argon2id keeps the tests quick.
struct Loaded {
  telepane::fakes::FakeHost host;
  explicit Loaded(const std::string& verifier = "", bool one_time = true) {
    host.set_config("memory_mib", int64_t{8});
    host.set_config("verifier", verifier);
    host.set_config("one_time", one_time);
    host.set_config("max_failures", int64_t{3});
    tp_error err{};
    REQUIRE(desc()->on_load(host.table(), &err) == TP_OK);
  }
  ~Loaded() { desc()->on_unload(host.table()); }
  std::string one_time() const {
    auto events = host.published();
    REQUIRE(!events.empty());
    CHECK(events.back().topic == "auth.password.one_time");
    return events.back().payload;
  }
  Bytes challenge() {
    Bytes out(256);
    size_t len = 0;
    tp_error err{};
    REQUIRE(vt()->challenge(host.table(), out.data(), out.size(), &len, &err) == TP_OK);
    out.resize(len);
    return out;
  }
  tp_auth_result verify(const Bytes& hash, const Bytes& proof) {
    tp_auth_result r = TP_AUTH_INVALID;
    tp_error err{};
    REQUIRE(vt()->verify(host.table(), b(hash), {nullptr, 0}, b(proof), &r, &err) == TP_OK);
    return r;
  }
};

// The viewer's half: it has no state of its own, only the challenge and what the person typed.
Bytes prove(const Bytes& hash, const Bytes& challenge, const std::string& secret) {
  telepane::fakes::FakeHost viewer;
  Bytes out(256);
  size_t len = 0;
  tp_error err{};
  REQUIRE(vt()->prove(viewer.table(), b(hash), b(challenge), b(secret), out.data(), out.size(), &len, &err) == TP_OK);
  out.resize(len);
  return out;
}
}  // namespace

TEST_CASE("the one-time password admits one session, then changes") {
  Loaded p;
  const std::string otp = p.one_time();
  CHECK(otp.size() == 8);
  const Bytes proof = prove(kHash, p.challenge(), otp);
  CHECK(p.verify(kHash, proof) == TP_AUTH_ACCEPTED);
  CHECK(p.one_time() != otp);                         // rotated and announced
  CHECK(p.verify(kHash, proof) == TP_AUTH_REJECTED);  // the same proof, replayed, no longer works
}

TEST_CASE("a proof is bound to its session's handshake hash") {
  Loaded p;
  const Bytes proof = prove(kHash, p.challenge(), p.one_time());
  CHECK(p.verify(kOtherHash, proof) == TP_AUTH_REJECTED);
}

TEST_CASE("a permanent password: enrolled into a verifier, which alone cannot log in") {
  std::string verifier;
  {
    Loaded enrolling;
    char out[256];
    size_t len = 0;
    tp_error err{};
    REQUIRE(vt()->enroll(enrolling.host.table(), b(std::string("correct horse battery")), out, sizeof out, &len,
                         &err) == TP_OK);
    verifier = out;
    CHECK(vt()->enroll(enrolling.host.table(), b(std::string("short")), out, sizeof out, &len, &err) ==
          TP_ERR_INVALID_ARGUMENT);
    CHECK(std::string(err.message) == "a permanent password needs at least 8 characters");
  }
  CHECK(verifier.rfind("scram-argon2id$2$8$", 0) == 0);
  Loaded p(verifier);
  const Bytes challenge = p.challenge();
  CHECK(challenge[4] == 2);  // permanent and one-time
  CHECK(p.verify(kHash, prove(kHash, challenge, "correct horse battery")) == TP_AUTH_ACCEPTED);
  CHECK(p.verify(kHash, prove(kHash, p.challenge(), "correct horse batterx")) == TP_AUTH_REJECTED);

  // Whoever steals the verifier holds StoredKey: using it as a proof's ClientKey does not verify.
  const auto v = telepane::auth::parse_verifier(verifier);
  REQUIRE(v);
  Bytes forged{'T', 'P', 'A', '1', 1, 1};
  forged.insert(forged.end(), v->stored_key.begin(), v->stored_key.end());
  CHECK(p.verify(kHash, forged) == TP_AUTH_REJECTED);
}

TEST_CASE("wrong passwords: after max_failures the one-time password changes") {
  Loaded p;
  const std::string otp = p.one_time();
  for (int i = 0; i < 2; ++i)
    CHECK(p.verify(kHash, prove(kHash, p.challenge(), "guess" + std::to_string(i))) == TP_AUTH_REJECTED);
  CHECK(p.one_time() == otp);
  CHECK(p.verify(kHash, prove(kHash, p.challenge(), "guess3")) == TP_AUTH_REJECTED);
  CHECK(p.one_time() != otp);
  bool warned = false;
  for (auto& l : p.host.logs()) warned = warned || l.message == "3 wrong passwords: the one-time password changes";
  CHECK(warned);
}

TEST_CASE("malformed or hostile input is refused with a message") {
  Loaded p;
  tp_error err{};
  tp_auth_result r = TP_AUTH_INVALID;
  CHECK(vt()->verify(p.host.table(), b(kHash), {nullptr, 0}, b(Bytes{'T', 'P', 'A', '1', 1, 2, 3}), &r, &err) ==
        TP_ERR_PROTOCOL);
  CHECK(std::string(err.message) == "the viewer's password proof is malformed");

  telepane::fakes::FakeHost viewer;
  Bytes out(256);
  size_t len = 0;
  CHECK(vt()->prove(viewer.table(), b(kHash), b(Bytes{'X'}), b(std::string("pw")), out.data(), out.size(), &len,
                    &err) == TP_ERR_PROTOCOL);
  // A host asking for 4 GiB of memory per attempt is refused, not obeyed.
  Bytes hostile = p.challenge();
  hostile[10] = 0, hostile[11] = 0, hostile[12] = 0x10, hostile[13] = 0;  // entry 0's memory: 4096 MiB
  CHECK(vt()->prove(viewer.table(), b(kHash), b(hostile), b(std::string("pw")), out.data(), out.size(), &len, &err) ==
        TP_ERR_PROTOCOL);
  CHECK(std::string(err.message).find("cost out of bounds") != std::string::npos);
}

TEST_CASE("with no password set the challenge says so") {
  Loaded p("", /*one_time=*/false);
  Bytes out(256);
  size_t len = 0;
  tp_error err{};
  CHECK(vt()->challenge(p.host.table(), out.data(), out.size(), &len, &err) == TP_ERR_NOT_FOUND);
  CHECK(std::string(err.message) == "no password is set on this host");
}

TEST_CASE("a verifier that is not ours fails the load with a reason") {
  telepane::fakes::FakeHost host;
  host.set_config("verifier", std::string("md5$abc"));
  tp_error err{};
  CHECK(desc()->on_load(host.table(), &err) == TP_ERR_INVALID_ARGUMENT);
  CHECK(std::string(err.message) == "the configured verifier is not one `telepane password hash` made");
}

TEST_CASE("the host's person asks for a new one-time password: the old one stops working") {
  Loaded p;
  const std::string old = p.one_time();
  const tp_host* h = p.host.table();
  REQUIRE(h->publish(h, "auth.password.refresh", {nullptr, 0}) == TP_OK);
  const std::string fresh = p.one_time();  // announced again
  CHECK(fresh != old);
  CHECK(p.verify(kHash, prove(kHash, p.challenge(), old)) == TP_AUTH_REJECTED);
  CHECK(p.verify(kHash, prove(kHash, p.challenge(), fresh)) == TP_AUTH_ACCEPTED);
}
