// The Noise primitives on libsodium: X25519, AES-256-GCM and ChaCha20-Poly1305 with Noise's nonce encodings,
// SHA-256, SHA-512 and BLAKE2b with HMAC and HKDF as the Noise spec (rev 34, section 4) defines them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace telepane::noise {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
constexpr std::size_t kDhLen = 32;
constexpr std::size_t kKeyLen = 32;
constexpr std::size_t kTagLen = 16;
constexpr std::size_t kMaxMessage = 65535;  // Noise's limit on any message, handshake or transport
using Key = std::array<uint8_t, kKeyLen>;

// Any Noise failure: a tampered message, an exhausted nonce, a misuse. The message is one line for the user.
class NoiseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Fails when libsodium cannot start. Idempotent and thread-safe.
void init_sodium();

enum class CipherAlg { AesGcm, ChaChaPoly };
enum class HashAlg { Sha256, Sha512, Blake2b };

bool aes_gcm_available();

// AEAD with the 64-bit counter nonce encoded as the Noise spec says: AESGCM big-endian, ChaChaPoly little-endian,
// both after 32 zero bits. decrypt returns false on an authentication failure.
Bytes aead_encrypt(CipherAlg alg, const Key& k, uint64_t n, ByteView ad, ByteView plaintext);
bool aead_decrypt(CipherAlg alg, const Key& k, uint64_t n, ByteView ad, ByteView ciphertext, Bytes& plaintext);

std::size_t hash_len(HashAlg alg);
Bytes hash(HashAlg alg, std::initializer_list<ByteView> parts);
// HMAC with the hash's own block size (64 for SHA-256, 128 for SHA-512 and BLAKE2b): real HMAC, not keyed BLAKE2b.
Bytes hmac(HashAlg alg, ByteView key, std::initializer_list<ByteView> parts);
// HKDF(chaining_key, input_key_material, num_outputs) of the Noise spec; 2 or 3 outputs of hash_len each.
std::vector<Bytes> hkdf(HashAlg alg, ByteView chaining_key, ByteView ikm, int outputs);

struct KeyPair {
  Key public_key{};
  Key private_key{};
  ~KeyPair();
};
KeyPair generate_keypair();
KeyPair keypair_from_private(ByteView private_key);
// X25519; throws NoiseError when the result is all zeros (a low-order public key): never a usable secret.
Key dh(const KeyPair& local, ByteView remote_public);

// Overwrites memory the compiler may not optimise away.
void wipe(void* p, std::size_t n);

}  // namespace telepane::noise
