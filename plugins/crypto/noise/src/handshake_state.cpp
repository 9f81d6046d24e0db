#include "handshake_state.hpp"

#include <cstring>

namespace telepane::noise {
namespace {
bool initiator_turn(std::size_t message_index) {
  return message_index % 2 == 0;
}
}  // namespace

HandshakeState::HandshakeState(HandshakeConfig config)
    : config_(std::move(config)), symmetric_(config_.protocol.name, config_.protocol.cipher, config_.protocol.hash) {
  init_sodium();
  symmetric_.mix_hash(config_.prologue);
  const bool initiator = config_.role == Role::Initiator;
  // Pre-messages, initiator's first: each side hashes the keys it holds or knows.
  for (int side = 0; side < 2; ++side) {
    const auto& tokens = side == 0 ? config_.protocol.pattern.initiator_pre : config_.protocol.pattern.responder_pre;
    const bool mine = (side == 0) == initiator;
    for (Token t : tokens) {
      if (t != Token::S) throw NoiseError("unsupported pre-message token");
      if (mine) {
        require(config_.local_static.has_value(), "this pattern needs our static key");
        symmetric_.mix_hash(config_.local_static->public_key);
      } else {
        require(config_.remote_static.has_value(), "this pattern needs the peer's static key in advance");
        symmetric_.mix_hash(*config_.remote_static);
      }
    }
  }
}

void HandshakeState::require(bool ok, const char* what) const {
  if (!ok) throw NoiseError(std::string("handshake: ") + what);
}

bool HandshakeState::my_turn() const {
  return !finished() && initiator_turn(next_message_) == (config_.role == Role::Initiator);
}

void HandshakeState::dh_token(Token t) {
  const bool initiator = config_.role == Role::Initiator;
  auto mix = [&](const std::optional<KeyPair>& local, const std::optional<Key>& remote) {
    require(local.has_value() && remote.has_value(), "a key this pattern needs is missing");
    Key shared = dh(*local, *remote);
    symmetric_.mix_key(shared);
    wipe(shared.data(), shared.size());
  };
  switch (t) {
    case Token::EE: mix(e_, re_); break;
    case Token::ES: initiator ? mix(e_, config_.remote_static) : mix(config_.local_static, re_); break;
    case Token::SE: initiator ? mix(config_.local_static, re_) : mix(e_, config_.remote_static); break;
    case Token::SS: mix(config_.local_static, config_.remote_static); break;
    default: break;
  }
}

Bytes HandshakeState::write_message(ByteView payload) {
  require(!failed_, "a previous message failed");
  require(my_turn(), "not our turn to write");
  failed_ = true;  // until this message is complete
  Bytes out;
  for (Token t : config_.protocol.pattern.messages[next_message_]) {
    if (t == Token::E) {
#ifdef TELEPANE_NOISE_TESTING
      e_ = config_.fixed_ephemeral ? keypair_from_private(*config_.fixed_ephemeral) : generate_keypair();
#else
      e_ = generate_keypair();
#endif
      out.insert(out.end(), e_->public_key.begin(), e_->public_key.end());
      symmetric_.mix_hash(e_->public_key);
    } else if (t == Token::S) {
      require(config_.local_static.has_value(), "this pattern sends our static key, which we lack");
      const Bytes enc = symmetric_.encrypt_and_hash(config_.local_static->public_key);
      out.insert(out.end(), enc.begin(), enc.end());
    } else {
      dh_token(t);
    }
  }
  const Bytes enc = symmetric_.encrypt_and_hash(payload);
  out.insert(out.end(), enc.begin(), enc.end());
  if (out.size() > kMaxMessage) throw NoiseError("handshake message over 65535 bytes");
  ++next_message_;
  failed_ = false;
  return out;
}

Bytes HandshakeState::read_message(ByteView message) {
  require(!failed_, "a previous message failed");
  require(!finished() && !my_turn(), "not the peer's turn to write");
  require(message.size() <= kMaxMessage, "handshake message over 65535 bytes");
  failed_ = true;
  std::size_t at = 0;
  auto take = [&](std::size_t n) {
    if (message.size() - at < n) throw NoiseError("handshake message truncated");
    ByteView v = message.subspan(at, n);
    at += n;
    return v;
  };
  for (Token t : config_.protocol.pattern.messages[next_message_]) {
    if (t == Token::E) {
      ByteView pub = take(kDhLen);
      re_.emplace();
      std::memcpy(re_->data(), pub.data(), kDhLen);
      symmetric_.mix_hash(pub);
    } else if (t == Token::S) {
      ByteView enc = take(kDhLen + (symmetric_.has_key() ? kTagLen : 0));
      const Bytes pub = symmetric_.decrypt_and_hash(enc);
      config_.remote_static.emplace();
      std::memcpy(config_.remote_static->data(), pub.data(), kDhLen);
    } else {
      dh_token(t);
    }
  }
  Bytes payload = symmetric_.decrypt_and_hash(message.subspan(at));
  ++next_message_;
  failed_ = false;
  return payload;
}

TransportPair HandshakeState::split() {
  require(!failed_ && finished(), "the handshake is not complete");
  auto [c1, c2] = symmetric_.split();
  const bool initiator = config_.role == Role::Initiator;
  TransportPair out{initiator ? std::move(c1) : std::move(c2), initiator ? std::move(c2) : std::move(c1),
                    symmetric_.handshake_hash(), config_.remote_static};
  failed_ = true;  // a handshake splits once
  return out;
}

}  // namespace telepane::noise
