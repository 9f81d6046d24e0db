// The rendezvous server's Ed25519 key. It signs lookup answers and relay tokens; peers and relays pin its public
// half (`-k`, rendezvous.key) and so trust no network path to the server. Its X25519 twin lets a registering host
// prove it holds its own key without a signature scheme of its own.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace telepane::core::rendezvous {

using SigningPublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;
using X25519Key = std::array<uint8_t, 32>;

class ServerKey {
 public:
  ServerKey(const ServerKey&) = delete;
  ServerKey& operator=(const ServerKey&) = delete;
  ServerKey(ServerKey&&) noexcept;
  ~ServerKey();  // wipes the secret

  // Reads the key file, or creates it (0600) when absent. Throws IdentityError naming the file when it is
  // malformed or readable by others.
  static ServerKey load_or_create(const std::filesystem::path& file);
  static ServerKey generate();  // in memory (tests, benchmarks)

  const SigningPublicKey& public_key() const { return public_; }
  // Ed25519 over `domain` || message: a signature for one purpose never passes for another.
  Signature sign(const std::string& domain, std::span<const uint8_t> message) const;
  // X25519(server secret, peer public); nullopt for a low-order peer key.
  std::optional<std::array<uint8_t, 32>> agree(const X25519Key& peer_public) const;

 private:
  ServerKey() = default;
  SigningPublicKey public_{};
  std::array<uint8_t, 64> secret_{};  // libsodium's seed || public layout
};

bool verify_signature(const SigningPublicKey& key, const std::string& domain, std::span<const uint8_t> message,
                      std::span<const uint8_t> signature);
// The server's X25519 public key, derived from its Ed25519 key; nullopt when the key is not a valid point.
std::optional<X25519Key> agreement_key(const SigningPublicKey& key);

// Text form (what `-k` and rendezvous.key take): 43 characters of unpadded base64url.
std::string encode_public_key(const SigningPublicKey& key);
std::optional<SigningPublicKey> parse_public_key(const std::string& text);

}  // namespace telepane::core::rendezvous
