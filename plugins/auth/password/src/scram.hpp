// Password proofs in the manner of SCRAM (RFC 5802), with Argon2id as the password hash and the Noise handshake
// hash as the message: the host stores only StoredKey, which cannot produce a proof; a proof is good for one
// session only; the password itself never leaves the viewer.
//
//   SaltedPassword  = Argon2id(password, salt, ops, mem)        32 bytes
//   ClientKey       = HMAC-SHA256(SaltedPassword, "Client Key")
//   StoredKey       = SHA-256(ClientKey)                        what the host keeps
//   ClientSignature = HMAC-SHA256(StoredKey, "telepane-auth/1" || handshake_hash)
//   ClientProof     = ClientKey XOR ClientSignature             what the viewer sends
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace telepane::auth {

using Key = std::array<uint8_t, 32>;
using Salt = std::array<uint8_t, 16>;
using View = std::span<const uint8_t>;

class AuthError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KdfCost {
  uint32_t ops = 2;       // Argon2id passes
  uint32_t mem_mib = 64;  // memory in MiB
};
// Bounds a viewer accepts from a host's challenge: a hostile host must not make it burn minutes or gigabytes.
constexpr uint32_t kMaxOps = 10, kMaxMemMib = 1024, kMinMemMib = 8;

struct Verifier {
  KdfCost cost;
  Salt salt{};
  Key stored_key{};
};

Verifier make_verifier(View password, KdfCost cost);  // fresh random salt
Verifier make_verifier(View password, KdfCost cost, const Salt& salt);
std::string encode_verifier(const Verifier& v);  // "scram-argon2id$ops$mem$salt$key"
std::optional<Verifier> parse_verifier(const std::string& text);

Key client_proof(View password, const KdfCost& cost, const Salt& salt, View handshake_hash);
bool check_proof(const Verifier& v, View handshake_hash, View proof);  // constant time

}  // namespace telepane::auth
