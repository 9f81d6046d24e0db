// Replays the published Noise vectors (../shared/test-vectors: cacophony, snow, noise-c) through our
// HandshakeState and CipherStates, byte for byte: every handshake message, every transport message, and the
// handshake hash where the vector has one. Counts what it replayed and why it skipped the rest.
#include "handshake_state.hpp"

#include "hex.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <map>

using namespace telepane::noise;

namespace {
using telepane::noise::test::unhex;
std::string hex(ByteView b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) s += d[c >> 4], s += d[c & 15];
  return s;
}
Key key_of(const std::string& h) {
  Key k{};
  const Bytes b = unhex(h);
  REQUIRE(b.size() == k.size());
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

HandshakeConfig side(const Protocol& p, Role role, const nlohmann::json& v, const std::string& prefix) {
  HandshakeConfig c;
  c.protocol = p;
  c.role = role;
  c.prologue = unhex(v.value(prefix + "prologue", ""));
  if (v.contains(prefix + "static")) c.local_static = keypair_from_private(unhex(v[prefix + "static"]));
  if (v.contains(prefix + "remote_static")) c.remote_static = key_of(v[prefix + "remote_static"]);
  if (v.contains(prefix + "ephemeral")) c.fixed_ephemeral = key_of(v[prefix + "ephemeral"]);
  return c;
}

// Runs one vector; returns false with a reason when it is outside what we implement.
bool replay(const nlohmann::json& v, std::string& skip) {
  std::string name = v.value("protocol_name", v.value("name", ""));
  if (name.rfind("NoisePSK_", 0) == 0) {
    skip = "withdrawn NoisePSK rules";
    return false;
  }
  if (name.find("psk") != std::string::npos) {
    skip = "PSK modifier";
    return false;
  }
  if (v.value("fail", false)) {
    skip = "expected-failure vector";
    return false;
  }
  auto protocol = parse_protocol(name, &skip);
  if (!protocol) return false;
  if (protocol->cipher == CipherAlg::AesGcm && !aes_gcm_available()) {
    skip = "no AES-NI on this CPU";
    return false;
  }
  INFO(name);
  HandshakeState init(side(*protocol, Role::Initiator, v, "init_"));
  HandshakeState resp(side(*protocol, Role::Responder, v, "resp_"));
  std::optional<TransportPair> ti, tr;
  const auto& messages = v["messages"];
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Bytes payload = unhex(messages[i]["payload"]);
    const std::string expected = messages[i]["ciphertext"];
    const bool from_initiator = protocol->pattern.one_way() || i % 2 == 0;
    INFO("message " << i);
    if (!init.finished() || !resp.finished()) {
      HandshakeState& w = from_initiator ? init : resp;
      HandshakeState& r = from_initiator ? resp : init;
      const Bytes wire = w.write_message(payload);
      REQUIRE(hex(wire) == expected);
      REQUIRE(r.read_message(wire) == payload);
      if (init.finished() && resp.finished()) {
        REQUIRE(init.handshake_hash() == resp.handshake_hash());
        if (v.contains("handshake_hash")) REQUIRE(hex(init.handshake_hash()) == v["handshake_hash"]);
        ti = init.split();
        tr = resp.split();
      }
      continue;
    }
    CipherState& w = from_initiator ? ti->send : tr->send;
    CipherState& r = from_initiator ? tr->recv : ti->recv;
    const Bytes wire = w.encrypt_with_ad({}, payload);
    REQUIRE(hex(wire) == expected);
    REQUIRE(r.decrypt_with_ad({}, wire) == payload);
  }
  return true;
}
}  // namespace

TEST_CASE("published Noise vectors replay byte for byte") {
  const std::vector<std::string> required = {"Noise_NK_25519_AESGCM_SHA256", "Noise_NK_25519_ChaChaPoly_BLAKE2b",
                                             "Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_BLAKE2b"};
  int replayed = 0, replayed_required = 0;
  std::map<std::string, int> skipped;
  for (const char* file : {"cacophony.txt", "snow.txt", "noise-c-basic.txt"}) {
    const std::string path = std::string(TELEPANE_TEST_VECTORS_DIR) + "/" + file;
    std::ifstream in(path);
    INFO("reading " << path << " (the shared test vectors must sit beside the checkout)");
    REQUIRE(in.good());
    const auto doc = nlohmann::json::parse(in);
    int file_replayed = 0;
    for (const auto& v : doc["vectors"]) {
      std::string why;
      if (!replay(v, why)) {
        // Group the deferred patterns (I1K, K1X1, ... of the spec's section 18) into one line.
        if (why.rfind("pattern ", 0) == 0) why = "deferred pattern (not used by Telepane)";
        ++skipped[why];
        continue;
      }
      ++replayed, ++file_replayed;
      const std::string name = v.value("protocol_name", v.value("name", ""));
      if (std::find(required.begin(), required.end(), name) != required.end()) ++replayed_required;
    }
    std::cout << file << ": replayed " << file_replayed << " vectors\n";
  }
  std::cout << "Noise vectors replayed: " << replayed << " (" << replayed_required
            << " of the four suites Telepane ships: NK and IK with AESGCM_SHA256 and ChaChaPoly_BLAKE2b)\n";
  for (auto& [why, n] : skipped) std::cout << "  skipped " << n << ": " << why << "\n";
  CHECK(replayed_required >= 12);  // each of the three files carries all four suites
  CHECK(replayed >= 270);          // 15 patterns x 2 ciphers x 3 hashes in each file
}
