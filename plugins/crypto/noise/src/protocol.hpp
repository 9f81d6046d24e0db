// Noise protocol names ("Noise_NK_25519_AESGCM_SHA256") and the handshake patterns of the spec's sections 7.4
// and 7.5 (no PSK modifiers). DH is always 25519.
#pragma once

#include "primitives.hpp"

#include <optional>
#include <string>
#include <vector>

namespace telepane::noise {

enum class Token { E, S, EE, ES, SE, SS };

struct Pattern {
  std::string name;
  std::vector<Token> initiator_pre;  // tokens known before the handshake (only s here)
  std::vector<Token> responder_pre;
  std::vector<std::vector<Token>> messages;  // alternating, initiator first
  bool one_way() const { return name.size() == 1; }
};

struct Protocol {
  std::string name;
  Pattern pattern;
  CipherAlg cipher;
  HashAlg hash;
};

// The protocol named, or nullopt with *why set when this implementation does not support it.
std::optional<Protocol> parse_protocol(const std::string& name, std::string* why);

}  // namespace telepane::noise
