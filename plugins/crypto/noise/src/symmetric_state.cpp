#include "symmetric_state.hpp"

namespace telepane::noise {

SymmetricState::SymmetricState(const std::string& protocol_name, CipherAlg cipher, HashAlg hash)
    : cipher_(cipher), hash_(hash), cipher_state_(cipher) {
  const ByteView name(reinterpret_cast<const uint8_t*>(protocol_name.data()), protocol_name.size());
  if (name.size() <= hash_len(hash)) {
    h_.assign(name.begin(), name.end());
    h_.resize(hash_len(hash), 0);
  } else {
    h_ = noise::hash(hash, {name});
  }
  ck_ = h_;
}

SymmetricState::~SymmetricState() {
  wipe(ck_.data(), ck_.size());
}

void SymmetricState::mix_key(ByteView ikm) {
  auto out = hkdf(hash_, ck_, ikm, 2);
  ck_ = out[0];
  cipher_state_.initialize_key(ByteView(out[1]).first(kKeyLen));  // a 64-byte hash output is truncated
  wipe(out[1].data(), out[1].size());
}

void SymmetricState::mix_hash(ByteView data) {
  h_ = hash(hash_, {h_, data});
}

Bytes SymmetricState::encrypt_and_hash(ByteView plaintext) {
  Bytes ciphertext = cipher_state_.encrypt_with_ad(h_, plaintext);
  mix_hash(ciphertext);
  return ciphertext;
}

Bytes SymmetricState::decrypt_and_hash(ByteView ciphertext) {
  Bytes plaintext = cipher_state_.decrypt_with_ad(h_, ciphertext);
  mix_hash(ciphertext);
  return plaintext;
}

std::pair<CipherState, CipherState> SymmetricState::split() {
  auto out = hkdf(hash_, ck_, {}, 2);
  CipherState c1(cipher_), c2(cipher_);
  c1.initialize_key(ByteView(out[0]).first(kKeyLen));
  c2.initialize_key(ByteView(out[1]).first(kKeyLen));
  wipe(out[0].data(), out[0].size());
  wipe(out[1].data(), out[1].size());
  return {std::move(c1), std::move(c2)};
}

}  // namespace telepane::noise
