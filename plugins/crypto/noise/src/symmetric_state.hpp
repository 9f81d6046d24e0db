// Noise SymmetricState: the chaining key and the handshake hash every token feeds.
#pragma once

#include "cipher_state.hpp"

#include <string>

namespace telepane::noise {

class SymmetricState {
 public:
  SymmetricState(const std::string& protocol_name, CipherAlg cipher, HashAlg hash);
  ~SymmetricState();
  SymmetricState(const SymmetricState&) = delete;
  SymmetricState& operator=(const SymmetricState&) = delete;

  void mix_key(ByteView input_key_material);
  void mix_hash(ByteView data);
  Bytes encrypt_and_hash(ByteView plaintext);
  Bytes decrypt_and_hash(ByteView ciphertext);
  bool has_key() const { return cipher_state_.has_key(); }
  // The two transport CipherStates: initiator-to-responder first.
  std::pair<CipherState, CipherState> split();
  const Bytes& handshake_hash() const { return h_; }

 private:
  CipherAlg cipher_;
  HashAlg hash_;
  Bytes ck_, h_;
  CipherState cipher_state_;
};

}  // namespace telepane::noise
