// Noise CipherState: one key and one 64-bit counter, one direction. The counter never resets; 2^64-1 is reserved
// (Rekey uses it), so a CipherState refuses to encrypt or decrypt once it would reach it.
#pragma once

#include "primitives.hpp"

namespace telepane::noise {

class CipherState {
 public:
  explicit CipherState(CipherAlg alg) : alg_(alg) {}
  ~CipherState() { wipe(k_.data(), k_.size()); }
  CipherState(const CipherState&) = delete;
  CipherState& operator=(const CipherState&) = delete;
  CipherState(CipherState&& o) noexcept;
  CipherState& operator=(CipherState&& o) noexcept;

  void initialize_key(ByteView key);  // 32 bytes; resets the counter (only ever for a brand-new key)
  bool has_key() const { return has_key_; }
  uint64_t nonce() const { return n_; }

  // Without a key these return the input unchanged (the handshake's early tokens), as the spec says.
  Bytes encrypt_with_ad(ByteView ad, ByteView plaintext);
  // Throws NoiseError on a failed authentication; the counter moves only on success.
  Bytes decrypt_with_ad(ByteView ad, ByteView ciphertext);
  void rekey();

  // For tests of the counter limit.
  void set_nonce_for_test(uint64_t n) { n_ = n; }

 private:
  CipherAlg alg_;
  Key k_{};
  bool has_key_ = false;
  uint64_t n_ = 0;
};

}  // namespace telepane::noise
