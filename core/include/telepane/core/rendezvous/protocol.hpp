// The rendezvous protocol's pieces both ends share (docs/protocol.md, "Rendezvous"): message framing, the
// registration proof, signed lookup answers and signed relay tokens.
#pragma once

#include <telepane/core/rendezvous/server_key.hpp>
#include <telepane/core/session/wire.hpp>

#include "proto/rendezvous.pb.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

namespace telepane::core::rendezvous {

constexpr uint16_t kNatTestPort = 21115;
constexpr uint16_t kRendezvousPort = 21116;
constexpr uint16_t kRelayPort = 21117;
// Every rendezvous message is small; a frame beyond this is hostile and ends the connection.
constexpr std::size_t kMaxMessage = 4096;

class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [u16 BE length][serialized message]. Throws ProtocolError when it exceeds kMaxMessage.
session::Bytes encode(const google::protobuf::MessageLite& message);

// Splits a byte stream into messages of type M. Bounded: holds at most one partial frame.
template <class M>
class MessageReader {
 public:
  // Throws ProtocolError on an oversized frame or bytes that are not an M.
  void feed(session::ByteView bytes) {
    try {
      frames_.feed(bytes);
    } catch (const session::WireError& e) {
      throw ProtocolError(e.what());
    }
  }
  std::optional<M> next() {
    auto frame = frames_.next();
    if (!frame) {
      if (frames_.buffered() > kMaxMessage + 2)
        throw ProtocolError("message larger than " + std::to_string(kMaxMessage));
      return std::nullopt;
    }
    if (frame->size() > kMaxMessage) throw ProtocolError("message larger than " + std::to_string(kMaxMessage));
    M m;
    if (!m.ParseFromArray(frame->data(), int(frame->size()))) throw ProtocolError("malformed message");
    return m;
  }

 private:
  session::FrameReader frames_{1};
};

// The host's proof that it holds the private key of `key`: keyed BLAKE2b over the challenge, its ID and key,
// keyed with X25519(host private, server agreement key). Only the server and the host can compute it.
std::array<uint8_t, 32> registration_proof(const std::array<uint8_t, 32>& shared, const std::string& nonce,
                                           const std::string& id, const std::string& key);
// Host side. Throws ProtocolError when the server key cannot be used.
std::string prove_registration(const std::array<uint8_t, 32>& host_private, const SigningPublicKey& server,
                               const std::string& nonce, const std::string& id, const std::string& key);
// Server side: whether `reg` carries a valid proof for `nonce`.
bool check_registration(const ServerKey& server, const std::string& nonce, const Register& reg);

SignedAnswer sign_answer(const ServerKey& key, const PeerAnswer& answer);
// The answer inside `signed_answer` when the pinned key signed it and it carries `nonce`; otherwise a reason.
std::variant<PeerAnswer, std::string> open_answer(const SigningPublicKey& key, const SignedAnswer& signed_answer,
                                                  const std::string& nonce);

// A serialized SignedToken for `relay`, valid for `ttl`.
std::string issue_relay_token(const ServerKey& key, const std::string& relay, const std::string& host_id,
                              std::chrono::milliseconds ttl);
// The token's body when `key` signed it and it has not expired; otherwise a reason.
std::variant<RelayTokenBody, std::string> check_relay_token(const SigningPublicKey& key, const std::string& token);

// The relay transport's address for an offer: "HOST:PORT/viewer|host/<token in base64url>".
std::string relay_link_address(const RelayOffer& offer, bool viewer);

int64_t unix_ms_now();

}  // namespace telepane::core::rendezvous
