#include <telepane/core/rendezvous/protocol.hpp>

#include <sodium.h>

#include <cstring>

namespace telepane::core::rendezvous {
namespace {
constexpr const char* kAnswerDomain = "telepane lookup answer";
constexpr const char* kTokenDomain = "telepane relay token";

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

session::Bytes encode(const google::protobuf::MessageLite& message) {
  const std::size_t n = message.ByteSizeLong();
  if (n > kMaxMessage) throw ProtocolError("message larger than " + std::to_string(kMaxMessage));
  session::Bytes out(2 + n);
  out[0] = uint8_t(n >> 8);
  out[1] = uint8_t(n);
  message.SerializeToArray(out.data() + 2, int(n));
  return out;
}

std::array<uint8_t, 32> registration_proof(const std::array<uint8_t, 32>& shared, const std::string& nonce,
                                           const std::string& id, const std::string& key) {
  std::array<uint8_t, 32> out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, shared.data(), shared.size(), out.size());
  const std::string label = "telepane register\n";
  for (const std::string* part : {&label, &nonce, &id, &key}) {
    const uint8_t len[2] = {uint8_t(part->size() >> 8), uint8_t(part->size())};  // unambiguous concatenation
    crypto_generichash_update(&st, len, 2);
    crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(part->data()), part->size());
  }
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string prove_registration(const std::array<uint8_t, 32>& host_private, const SigningPublicKey& server,
                               const std::string& nonce, const std::string& id, const std::string& key) {
  const auto server_x = agreement_key(server);
  if (!server_x) throw ProtocolError("the rendezvous server key is not a valid Ed25519 key");
  std::array<uint8_t, 32> shared{};
  if (crypto_scalarmult(shared.data(), host_private.data(), server_x->data()) != 0)
    throw ProtocolError("the rendezvous server key is not usable for key agreement");
  const auto proof = registration_proof(shared, nonce, id, key);
  sodium_memzero(shared.data(), shared.size());
  return std::string(proof.begin(), proof.end());
}

bool check_registration(const ServerKey& server, const std::string& nonce, const Register& reg) {
  if (reg.key().size() != 32 || reg.proof().size() != 32) return false;
  X25519Key peer{};
  std::memcpy(peer.data(), reg.key().data(), 32);
  auto shared = server.agree(peer);
  if (!shared) return false;
  const auto expected = registration_proof(*shared, nonce, reg.id(), reg.key());
  sodium_memzero(shared->data(), shared->size());
  return sodium_memcmp(expected.data(), reg.proof().data(), 32) == 0;
}

SignedAnswer sign_answer(const ServerKey& key, const PeerAnswer& answer) {
  SignedAnswer out;
  out.set_body(answer.SerializeAsString());
  const auto sig = key.sign(kAnswerDomain, bytes_of(out.body()));
  out.set_signature(std::string(sig.begin(), sig.end()));
  return out;
}

std::variant<PeerAnswer, std::string> open_answer(const SigningPublicKey& key, const SignedAnswer& signed_answer,
                                                  const std::string& nonce) {
  if (!verify_signature(key, kAnswerDomain, bytes_of(signed_answer.body()), bytes_of(signed_answer.signature())))
    return std::string("the rendezvous answer is not signed by the pinned server key (rendezvous.key)");
  PeerAnswer a;
  if (!a.ParseFromString(signed_answer.body())) return std::string("the rendezvous answer is malformed");
  if (a.nonce() != nonce) return std::string("the rendezvous answer is a replay (its nonce is not ours)");
  return a;
}

std::string issue_relay_token(const ServerKey& key, const std::string& relay, const std::string& host_id,
                              std::chrono::milliseconds ttl) {
  RelayTokenBody body;
  std::string session(16, '\0');
  randombytes_buf(session.data(), session.size());
  body.set_session(session);
  body.set_relay(relay);
  body.set_host_id(host_id);
  body.set_expires_unix_ms(unix_ms_now() + ttl.count());
  SignedToken token;
  token.set_body(body.SerializeAsString());
  const auto sig = key.sign(kTokenDomain, bytes_of(token.body()));
  token.set_signature(std::string(sig.begin(), sig.end()));
  return token.SerializeAsString();
}

std::variant<RelayTokenBody, std::string> check_relay_token(const SigningPublicKey& key, const std::string& token) {
  SignedToken t;
  if (!t.ParseFromString(token)) return std::string("malformed token");
  if (!verify_signature(key, kTokenDomain, bytes_of(t.body()), bytes_of(t.signature())))
    return std::string("token not signed by the rendezvous server");
  RelayTokenBody body;
  if (!body.ParseFromString(t.body()) || body.session().size() != 16) return std::string("malformed token");
  if (body.expires_unix_ms() < unix_ms_now()) return std::string("token expired");
  return body;
}

std::string relay_link_address(const RelayOffer& offer, bool viewer) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string b64(sodium_base64_encoded_len(offer.token().size(), kVariant), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const uint8_t*>(offer.token().data()),
                    offer.token().size(), kVariant);
  b64.resize(std::strlen(b64.c_str()));
  return offer.relay() + (viewer ? "/viewer/" : "/host/") + b64;
}

}  // namespace telepane::core::rendezvous
