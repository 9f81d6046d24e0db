// Our primitives against Wycheproof's edge cases (x25519: low-order and non-canonical points; HMAC-SHA256:
// keys of every length, truncated tags), and the CipherState's counter rules.
#include "cipher_state.hpp"

#include "hex.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <limits>

using namespace telepane::noise;

namespace {
using telepane::noise::test::unhex;
nlohmann::json load(const std::string& name) {
  const std::string path = std::string(TELEPANE_TEST_VECTORS_DIR) + "/wycheproof/" + name;
  std::ifstream in(path);
  INFO("reading " << path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("x25519 matches Wycheproof - an all-zero shared secret is refused, never used") {
  int matched = 0, refused = 0;
  const auto doc = load("x25519_test.json");  // held here: a range-for over a temporary's member would dangle
  for (const auto& group : doc["testGroups"]) {
    for (const auto& t : group["tests"]) {
      INFO("tcId " << t["tcId"] << ": " << t["comment"]);
      const KeyPair local = keypair_from_private(unhex(t["private"]));
      const Bytes shared = unhex(t["shared"]);
      if (shared == Bytes(32, 0)) {
        CHECK_THROWS_AS(dh(local, unhex(t["public"])), NoiseError);
        ++refused;
        continue;
      }
      const Key got = dh(local, unhex(t["public"]));
      CHECK(Bytes(got.begin(), got.end()) == shared);
      ++matched;
    }
  }
  std::cout << "x25519: " << matched << " Wycheproof cases matched, " << refused << " zero secrets refused\n";
  CHECK(matched + refused == 518);
}

TEST_CASE("HMAC-SHA256 matches Wycheproof, truncated tags included") {
  int checked = 0;
  const auto doc = load("hmac_sha256_test.json");
  for (const auto& group : doc["testGroups"]) {
    const std::size_t tag_bytes = group["tagSize"].get<std::size_t>() / 8;
    for (const auto& t : group["tests"]) {
      INFO("tcId " << t["tcId"] << ": " << t["comment"]);
      const Bytes mac = hmac(HashAlg::Sha256, unhex(t["key"]), {unhex(t["msg"])});
      const bool equal = Bytes(mac.begin(), mac.begin() + long(tag_bytes)) == unhex(t["tag"]);
      CHECK(equal == (t["result"] == "valid"));
      ++checked;
    }
  }
  std::cout << "HMAC-SHA256: " << checked << " Wycheproof cases\n";
  CHECK(checked == 174);
}

TEST_CASE("a CipherState refuses to reach the reserved nonce 2^64-1") {
  CipherState c(CipherAlg::ChaChaPoly);
  c.initialize_key(Bytes(32, 7));
  c.set_nonce_for_test(std::numeric_limits<uint64_t>::max() - 1);
  CHECK_NOTHROW(c.encrypt_with_ad({}, Bytes{1, 2, 3}));
  CHECK(c.nonce() == std::numeric_limits<uint64_t>::max());
  CHECK_THROWS_WITH(c.encrypt_with_ad({}, Bytes{1}), Catch::Contains("nonce exhausted"));
}

TEST_CASE("a failed decryption leaves the counter where it was") {
  CipherState a(CipherAlg::AesGcm), b(CipherAlg::AesGcm);
  if (!aes_gcm_available()) return;
  a.initialize_key(Bytes(32, 1));
  b.initialize_key(Bytes(32, 1));
  Bytes m = a.encrypt_with_ad({}, Bytes{9, 9});
  Bytes bad = m;
  bad[0] ^= 1;
  CHECK_THROWS_AS(b.decrypt_with_ad({}, bad), NoiseError);
  CHECK(b.nonce() == 0);
  CHECK(b.decrypt_with_ad({}, m) == Bytes{9, 9});
}
