// Noise HandshakeState: runs one pattern's messages and ends in a transport pair. Every failure throws
// NoiseError and leaves the object unusable: a handshake never continues past a bad message.
#pragma once

#include "protocol.hpp"
#include "symmetric_state.hpp"

#include <memory>
#include <optional>

namespace telepane::noise {

enum class Role { Initiator, Responder };

struct HandshakeConfig {
  Protocol protocol;
  Role role = Role::Initiator;
  Bytes prologue;
  std::optional<KeyPair> local_static;
  std::optional<Key> remote_static;  // the peer's static key, when known in advance
#ifdef TELEPANE_NOISE_TESTING
  // Published test vectors fix the ephemeral keys; only test builds can.
  std::optional<Key> fixed_ephemeral;
#endif
};

struct TransportPair {
  CipherState send;
  CipherState recv;
  Bytes handshake_hash;
  std::optional<Key> remote_static;
};

class HandshakeState {
 public:
  explicit HandshakeState(HandshakeConfig config);

  bool my_turn() const;
  bool failed() const { return failed_; }
  bool finished() const { return next_message_ >= config_.protocol.pattern.messages.size(); }
  Bytes write_message(ByteView payload);
  Bytes read_message(ByteView message);
  // After the last message: the ciphers for this side, the handshake hash and the peer's static key.
  TransportPair split();
  const Bytes& handshake_hash() const { return symmetric_.handshake_hash(); }

 private:
  void dh_token(Token t);
  void require(bool ok, const char* what) const;

  HandshakeConfig config_;
  SymmetricState symmetric_;
  std::optional<KeyPair> e_;
  std::optional<Key> re_;
  std::size_t next_message_ = 0;
  bool failed_ = false;
};

}  // namespace telepane::noise
