#include "primitives.hpp"

#include <sodium.h>

#include <cstring>

namespace telepane::noise {

void init_sodium() {
  if (sodium_init() < 0) throw NoiseError("libsodium failed to initialise");
}

bool aes_gcm_available() {
  init_sodium();
  return crypto_aead_aes256gcm_is_available() == 1;
}

void wipe(void* p, std::size_t n) {
  sodium_memzero(p, n);
}

KeyPair::~KeyPair() {
  sodium_memzero(private_key.data(), private_key.size());
}

namespace {
std::array<uint8_t, 12> nonce(CipherAlg alg, uint64_t n) {
  std::array<uint8_t, 12> out{};
  for (int i = 0; i < 8; ++i) {
    const uint8_t byte = uint8_t(n >> (8 * i));
    if (alg == CipherAlg::AesGcm)
      out[11 - std::size_t(i)] = byte;  // big-endian
    else
      out[4 + std::size_t(i)] = byte;  // little-endian
  }
  return out;
}
}  // namespace

Bytes aead_encrypt(CipherAlg alg, const Key& k, uint64_t n, ByteView ad, ByteView plaintext) {
  Bytes out(plaintext.size() + kTagLen);
  unsigned long long len = 0;
  const auto iv = nonce(alg, n);
  const int rc = alg == CipherAlg::AesGcm
                     ? crypto_aead_aes256gcm_encrypt(out.data(), &len, plaintext.data(), plaintext.size(), ad.data(),
                                                     ad.size(), nullptr, iv.data(), k.data())
                     : crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &len, plaintext.data(), plaintext.size(),
                                                                 ad.data(), ad.size(), nullptr, iv.data(), k.data());
  if (rc != 0) throw NoiseError("encryption failed");
  out.resize(len);
  return out;
}

bool aead_decrypt(CipherAlg alg, const Key& k, uint64_t n, ByteView ad, ByteView ciphertext, Bytes& plaintext) {
  if (ciphertext.size() < kTagLen) return false;
  plaintext.resize(ciphertext.size() - kTagLen);
  unsigned long long len = 0;
  const auto iv = nonce(alg, n);
  const int rc =
      alg == CipherAlg::AesGcm
          ? crypto_aead_aes256gcm_decrypt(plaintext.data(), &len, nullptr, ciphertext.data(), ciphertext.size(),
                                          ad.data(), ad.size(), iv.data(), k.data())
          : crypto_aead_chacha20poly1305_ietf_decrypt(plaintext.data(), &len, nullptr, ciphertext.data(),
                                                      ciphertext.size(), ad.data(), ad.size(), iv.data(), k.data());
  if (rc != 0) {
    sodium_memzero(plaintext.data(), plaintext.size());
    plaintext.clear();
    return false;
  }
  plaintext.resize(len);
  return true;
}

std::size_t hash_len(HashAlg alg) {
  return alg == HashAlg::Sha256 ? 32 : 64;
}

namespace {
std::size_t block_len(HashAlg alg) {
  return alg == HashAlg::Sha256 ? 64 : 128;
}

// One streaming hash over any of the three algorithms.
class Hasher {
 public:
  explicit Hasher(HashAlg alg) : alg_(alg) {
    switch (alg_) {
      case HashAlg::Sha256: crypto_hash_sha256_init(&sha256_); break;
      case HashAlg::Sha512: crypto_hash_sha512_init(&sha512_); break;
      case HashAlg::Blake2b: crypto_generichash_init(&blake2b_, nullptr, 0, 64); break;
    }
  }
  ~Hasher() {
    sodium_memzero(&sha256_, sizeof sha256_);
    sodium_memzero(&sha512_, sizeof sha512_);
    sodium_memzero(&blake2b_, sizeof blake2b_);
  }
  void update(ByteView data) {
    switch (alg_) {
      case HashAlg::Sha256: crypto_hash_sha256_update(&sha256_, data.data(), data.size()); break;
      case HashAlg::Sha512: crypto_hash_sha512_update(&sha512_, data.data(), data.size()); break;
      case HashAlg::Blake2b: crypto_generichash_update(&blake2b_, data.data(), data.size()); break;
    }
  }
  Bytes finish() {
    Bytes out(hash_len(alg_));
    switch (alg_) {
      case HashAlg::Sha256: crypto_hash_sha256_final(&sha256_, out.data()); break;
      case HashAlg::Sha512: crypto_hash_sha512_final(&sha512_, out.data()); break;
      case HashAlg::Blake2b: crypto_generichash_final(&blake2b_, out.data(), out.size()); break;
    }
    return out;
  }

 private:
  HashAlg alg_;
  crypto_hash_sha256_state sha256_{};
  crypto_hash_sha512_state sha512_{};
  crypto_generichash_state blake2b_{};
};
}  // namespace

Bytes hash(HashAlg alg, std::initializer_list<ByteView> parts) {
  Hasher h(alg);
  for (auto p : parts) h.update(p);
  return h.finish();
}

Bytes hmac(HashAlg alg, ByteView key, std::initializer_list<ByteView> parts) {
  const std::size_t block = block_len(alg);
  Bytes k(block, 0);
  if (key.size() > block) {
    const Bytes hk = hash(alg, {key});
    std::memcpy(k.data(), hk.data(), hk.size());
  } else {
    std::memcpy(k.data(), key.data(), key.size());
  }
  Bytes ipad(block), opad(block);
  for (std::size_t i = 0; i < block; ++i) ipad[i] = k[i] ^ 0x36, opad[i] = k[i] ^ 0x5c;
  Hasher inner(alg);
  inner.update(ipad);
  for (auto p : parts) inner.update(p);
  const Bytes inner_digest = inner.finish();
  const Bytes out = hash(alg, {opad, inner_digest});
  sodium_memzero(k.data(), k.size());
  sodium_memzero(ipad.data(), ipad.size());
  sodium_memzero(opad.data(), opad.size());
  return out;
}

std::vector<Bytes> hkdf(HashAlg alg, ByteView chaining_key, ByteView ikm, int outputs) {
  Bytes temp = hmac(alg, chaining_key, {ikm});
  std::vector<Bytes> out;
  const uint8_t one = 1;
  out.push_back(hmac(alg, temp, {ByteView(&one, 1)}));
  for (int i = 2; i <= outputs; ++i) {
    const uint8_t counter = uint8_t(i);
    out.push_back(hmac(alg, temp, {out.back(), ByteView(&counter, 1)}));
  }
  sodium_memzero(temp.data(), temp.size());
  return out;
}

KeyPair generate_keypair() {
  init_sodium();
  KeyPair kp;
  randombytes_buf(kp.private_key.data(), kp.private_key.size());
  crypto_scalarmult_base(kp.public_key.data(), kp.private_key.data());
  return kp;
}

KeyPair keypair_from_private(ByteView private_key) {
  if (private_key.size() != kKeyLen) throw NoiseError("an X25519 private key is 32 bytes");
  init_sodium();
  KeyPair kp;
  std::memcpy(kp.private_key.data(), private_key.data(), kKeyLen);
  crypto_scalarmult_base(kp.public_key.data(), kp.private_key.data());
  return kp;
}

Key dh(const KeyPair& local, ByteView remote_public) {
  if (remote_public.size() != kDhLen) throw NoiseError("an X25519 public key is 32 bytes");
  Key out{};
  if (crypto_scalarmult(out.data(), local.private_key.data(), remote_public.data()) != 0)
    throw NoiseError("the peer's public key is a low-order point");
  return out;
}

}  // namespace telepane::noise
