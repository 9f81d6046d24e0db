#include "scram.hpp"

#include <sodium.h>

#include <cstring>
#include <sstream>
#include <vector>

namespace telepane::auth {
namespace {
constexpr const char* kPrefix = "scram-argon2id";
constexpr const char* kBinding = "telepane-auth/1";

void init() {
  if (sodium_init() < 0) throw AuthError("libsodium failed to initialise");
}

Key hmac(View key, View a, View b = {}) {
  Key out{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, a.data(), a.size());
  if (!b.empty()) crypto_auth_hmacsha256_update(&st, b.data(), b.size());
  crypto_auth_hmacsha256_final(&st, out.data());
  sodium_memzero(&st, sizeof st);
  return out;
}

View text(const char* s) {
  return {reinterpret_cast<const uint8_t*>(s), std::strlen(s)};
}

Key client_key(View password, const KdfCost& cost, const Salt& salt) {
  init();
  if (cost.ops < 1 || cost.ops > kMaxOps || cost.mem_mib < kMinMemMib || cost.mem_mib > kMaxMemMib)
    throw AuthError("password hashing cost out of bounds (ops 1.." + std::to_string(kMaxOps) + ", memory " +
                    std::to_string(kMinMemMib) + ".." + std::to_string(kMaxMemMib) + " MiB)");
  Key salted{};
  if (crypto_pwhash(salted.data(), salted.size(), reinterpret_cast<const char*>(password.data()), password.size(),
                    salt.data(), cost.ops, std::size_t(cost.mem_mib) << 20, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw AuthError("out of memory hashing the password");
  Key ck = hmac(salted, text("Client Key"));
  sodium_memzero(salted.data(), salted.size());
  return ck;
}

template <std::size_t N>
bool unhex(const std::string& s, std::array<uint8_t, N>& out) {
  std::size_t len = 0;
  return s.size() == 2 * N && sodium_hex2bin(out.data(), N, s.c_str(), s.size(), nullptr, &len, nullptr) == 0 &&
         len == N;
}
template <std::size_t N>
std::string hex(const std::array<uint8_t, N>& b) {
  std::string s(2 * N + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), b.data(), N);
  s.pop_back();
  return s;
}
}  // namespace

Verifier make_verifier(View password, KdfCost cost) {
  init();
  Salt salt{};
  randombytes_buf(salt.data(), salt.size());
  return make_verifier(password, cost, salt);
}

Verifier make_verifier(View password, KdfCost cost, const Salt& salt) {
  Key ck = client_key(password, cost, salt);
  Verifier v{cost, salt, {}};
  crypto_hash_sha256(v.stored_key.data(), ck.data(), ck.size());
  sodium_memzero(ck.data(), ck.size());
  return v;
}

std::string encode_verifier(const Verifier& v) {
  return std::string(kPrefix) + "$" + std::to_string(v.cost.ops) + "$" + std::to_string(v.cost.mem_mib) + "$" +
         hex(v.salt) + "$" + hex(v.stored_key);
}

std::optional<Verifier> parse_verifier(const std::string& text_in) {
  std::vector<std::string> parts;
  std::stringstream ss(text_in);
  for (std::string p; std::getline(ss, p, '$');) parts.push_back(p);
  if (parts.size() != 5 || parts[0] != kPrefix) return std::nullopt;
  Verifier v;
  try {
    const unsigned long ops = std::stoul(parts[1]), mem = std::stoul(parts[2]);
    if (ops < 1 || ops > kMaxOps || mem < kMinMemMib || mem > kMaxMemMib) return std::nullopt;
    v.cost = {uint32_t(ops), uint32_t(mem)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!unhex(parts[3], v.salt) || !unhex(parts[4], v.stored_key)) return std::nullopt;
  return v;
}

Key client_proof(View password, const KdfCost& cost, const Salt& salt, View handshake_hash) {
  Key ck = client_key(password, cost, salt);
  Key stored{};
  crypto_hash_sha256(stored.data(), ck.data(), ck.size());
  const Key signature = hmac(stored, text(kBinding), handshake_hash);
  Key proof{};
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = ck[i] ^ signature[i];
  sodium_memzero(ck.data(), ck.size());
  return proof;
}

bool check_proof(const Verifier& v, View handshake_hash, View proof) {
  init();
  if (proof.size() != 32) return false;
  const Key signature = hmac(v.stored_key, text(kBinding), handshake_hash);
  Key ck{}, stored{};
  for (std::size_t i = 0; i < ck.size(); ++i) ck[i] = proof[i] ^ signature[i];
  crypto_hash_sha256(stored.data(), ck.data(), ck.size());
  sodium_memzero(ck.data(), ck.size());
  return sodium_memcmp(stored.data(), v.stored_key.data(), stored.size()) == 0;
}

}  // namespace telepane::auth
