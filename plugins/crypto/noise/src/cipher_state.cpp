#include "cipher_state.hpp"

#include <cstring>
#include <limits>
#include <utility>

namespace telepane::noise {
namespace {
constexpr uint64_t kMaxNonce = std::numeric_limits<uint64_t>::max();  // reserved for rekey
}

CipherState::CipherState(CipherState&& o) noexcept : alg_(o.alg_), k_(o.k_), has_key_(o.has_key_), n_(o.n_) {
  wipe(o.k_.data(), o.k_.size());
  o.has_key_ = false;
}

CipherState& CipherState::operator=(CipherState&& o) noexcept {
  if (this != &o) {
    alg_ = o.alg_;
    k_ = o.k_;
    has_key_ = o.has_key_;
    n_ = o.n_;
    wipe(o.k_.data(), o.k_.size());
    o.has_key_ = false;
  }
  return *this;
}

void CipherState::initialize_key(ByteView key) {
  if (key.size() < kKeyLen) throw NoiseError("cipher key shorter than 32 bytes");
  std::memcpy(k_.data(), key.data(), kKeyLen);
  has_key_ = true;
  n_ = 0;
}

Bytes CipherState::encrypt_with_ad(ByteView ad, ByteView plaintext) {
  if (!has_key_) return Bytes(plaintext.begin(), plaintext.end());
  if (n_ == kMaxNonce) throw NoiseError("nonce exhausted: this direction has sent 2^64-1 messages");
  Bytes out = aead_encrypt(alg_, k_, n_, ad, plaintext);
  ++n_;
  return out;
}

Bytes CipherState::decrypt_with_ad(ByteView ad, ByteView ciphertext) {
  if (!has_key_) return Bytes(ciphertext.begin(), ciphertext.end());
  if (n_ == kMaxNonce) throw NoiseError("nonce exhausted: this direction has received 2^64-1 messages");
  Bytes out;
  if (!aead_decrypt(alg_, k_, n_, ad, ciphertext, out))
    throw NoiseError("decryption failed: the message was altered, replayed, reordered or not meant for this session");
  ++n_;
  return out;
}

void CipherState::rekey() {
  if (!has_key_) throw NoiseError("rekey without a key");
  const Bytes zeros(kKeyLen, 0);
  Bytes next = aead_encrypt(alg_, k_, kMaxNonce, {}, zeros);
  std::memcpy(k_.data(), next.data(), kKeyLen);
  wipe(next.data(), next.size());
}

}  // namespace telepane::noise
