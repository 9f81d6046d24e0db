// A peer's identity: its static X25519 key pair (the Noise static key hosts are pinned by), the 9-digit ID people
// type, and the fingerprint that lets a viewer check a host's key without trusting any server.
//
//   full ID:  123456789@<fingerprint>     fingerprint = base32(BLAKE2b-256(public key))[0..32): 160 bits
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace telepane::core::identity {

using PublicKey = std::array<uint8_t, 32>;

class IdentityError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Identity {
 public:
  Identity(const Identity&) = delete;
  Identity& operator=(const Identity&) = delete;
  Identity(Identity&&) noexcept;
  Identity& operator=(Identity&&) noexcept;
  ~Identity();  // wipes the private key

  // Reads the identity file, or creates it (mode 0600, its directory 0700) when absent. Refuses, with a line
  // naming the file, one that others can read or write, or that is malformed: never silently replaced, since a
  // new key would make every viewer that pinned this host see "key mismatch".
  static Identity load_or_create(const std::filesystem::path& file);
  static Identity generate();  // in memory only (tests, throwaway peers)

  const PublicKey& public_key() const { return public_; }
  const std::array<uint8_t, 32>& private_key() const { return private_; }
  const std::string& numeric_id() const { return numeric_id_; }
  std::string fingerprint() const;
  std::string full_id() const { return numeric_id_ + "@" + fingerprint(); }

  // The rendezvous server may refuse a derived ID that another key already holds; the next candidate is used.
  void use_next_numeric_id();
  uint32_t id_counter() const { return id_counter_; }
  // Writes the identity file (mode 0600), e.g. after use_next_numeric_id().
  void save(const std::filesystem::path& file) const;

 private:
  Identity() = default;
  PublicKey public_{};
  std::array<uint8_t, 32> private_{};
  uint32_t id_counter_ = 0;
  std::string numeric_id_;
};

std::string fingerprint_of(const PublicKey& key);
// The n-th 9-digit ID candidate for a key (100000000..999999999), derived so a peer keeps its ID across reinstalls
// of the same key.
std::string numeric_id_for(const PublicKey& key, uint32_t n);

struct FullId {
  std::string numeric_id;
  std::optional<std::string> fingerprint;  // absent when the person typed only the 9 digits
};
// Parses "123456789", "123 456 789" or "123456789@fingerprint"; nullopt when malformed.
std::optional<FullId> parse_peer_id(const std::string& text);

// The default identity file: $XDG_DATA_HOME/telepane/identity (or ~/.local/share/telepane/identity).
std::filesystem::path default_identity_file();

}  // namespace telepane::core::identity
