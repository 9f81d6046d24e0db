#include <telepane/core/identity/identity.hpp>
#include <telepane/core/identity/private_file.hpp>
#include <telepane/core/rendezvous/server_key.hpp>

#include <sodium.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

namespace telepane::core::rendezvous {
namespace {
void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::vector<uint8_t> with_domain(const std::string& domain, std::span<const uint8_t> message) {
  std::vector<uint8_t> out(domain.begin(), domain.end());
  out.push_back('\n');
  out.insert(out.end(), message.begin(), message.end());
  return out;
}
}  // namespace

ServerKey::ServerKey(ServerKey&& o) noexcept : public_(o.public_), secret_(o.secret_) {
  sodium_memzero(o.secret_.data(), o.secret_.size());
}

ServerKey::~ServerKey() {
  sodium_memzero(secret_.data(), secret_.size());
}

ServerKey ServerKey::generate() {
  init();
  ServerKey k;
  crypto_sign_keypair(k.public_.data(), k.secret_.data());
  return k;
}

ServerKey ServerKey::load_or_create(const std::filesystem::path& file) {
  init();
  const auto text = identity::read_private_file(file);
  if (!text) {
    ServerKey k = generate();
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, k.secret_.data(), 32);
    identity::write_private_file(file,
                                 "# telepane-server signing key. Keep it private: whoever holds it can vouch for any "
                                 "peer\n# to every client that pinned this server. Public key: " +
                                     encode_public_key(k.public_) + "\nseed: " + hex + "\n");
    sodium_memzero(hex, sizeof hex);
    return k;
  }
  std::istringstream in(*text);
  std::string line, seed_hex;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("seed: ", 0) != 0) throw identity::IdentityError(file.string() + ": unexpected line");
    seed_hex = line.substr(6);
  }
  std::array<uint8_t, 32> seed{};
  std::size_t len = 0;
  if (seed_hex.size() != 64 ||
      sodium_hex2bin(seed.data(), seed.size(), seed_hex.c_str(), seed_hex.size(), nullptr, &len, nullptr) != 0 ||
      len != 32)
    throw identity::IdentityError(file.string() +
                                  ": malformed key file (expected seed: <64 hex digits>); it was left untouched");
  ServerKey k;
  crypto_sign_seed_keypair(k.public_.data(), k.secret_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return k;
}

Signature ServerKey::sign(const std::string& domain, std::span<const uint8_t> message) const {
  Signature sig{};
  const auto m = with_domain(domain, message);
  crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), secret_.data());
  return sig;
}

std::optional<std::array<uint8_t, 32>> ServerKey::agree(const X25519Key& peer_public) const {
  std::array<uint8_t, 32> curve_secret{}, shared{};
  crypto_sign_ed25519_sk_to_curve25519(curve_secret.data(), secret_.data());
  const int rc = crypto_scalarmult(shared.data(), curve_secret.data(), peer_public.data());
  sodium_memzero(curve_secret.data(), curve_secret.size());
  if (rc != 0) return std::nullopt;
  return shared;
}

bool verify_signature(const SigningPublicKey& key, const std::string& domain, std::span<const uint8_t> message,
                      std::span<const uint8_t> signature) {
  init();
  if (signature.size() != crypto_sign_BYTES) return false;
  const auto m = with_domain(domain, message);
  return crypto_sign_verify_detached(signature.data(), m.data(), m.size(), key.data()) == 0;
}

std::optional<X25519Key> agreement_key(const SigningPublicKey& key) {
  init();
  X25519Key out{};
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), key.data()) != 0) return std::nullopt;
  return out;
}

std::string encode_public_key(const SigningPublicKey& key) {
  init();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(key.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), key.data(), key.size(), kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<SigningPublicKey> parse_public_key(const std::string& text) {
  init();
  SigningPublicKey key{};
  std::size_t len = 0;
  if (text.size() != 43 ||
      sodium_base642bin(key.data(), key.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != key.size())
    return std::nullopt;
  if (!agreement_key(key)) return std::nullopt;  // not a usable Ed25519 point
  return key;
}

}  // namespace telepane::core::rendezvous
