#include "protocol.hpp"

#include <map>
#include <sstream>

namespace telepane::noise {
namespace {
using T = Token;

const std::map<std::string, Pattern>& patterns() {
  static const std::map<std::string, Pattern> table = [] {
    std::map<std::string, Pattern> m;
    auto add = [&](Pattern p) { m.emplace(p.name, std::move(p)); };
    add({"N", {}, {T::S}, {{T::E, T::ES}}});
    add({"K", {T::S}, {T::S}, {{T::E, T::ES, T::SS}}});
    add({"X", {}, {T::S}, {{T::E, T::ES, T::S, T::SS}}});
    add({"NN", {}, {}, {{T::E}, {T::E, T::EE}}});
    add({"NK", {}, {T::S}, {{T::E, T::ES}, {T::E, T::EE}}});
    add({"NX", {}, {}, {{T::E}, {T::E, T::EE, T::S, T::ES}}});
    add({"KN", {T::S}, {}, {{T::E}, {T::E, T::EE, T::SE}}});
    add({"KK", {T::S}, {T::S}, {{T::E, T::ES, T::SS}, {T::E, T::EE, T::SE}}});
    add({"KX", {T::S}, {}, {{T::E}, {T::E, T::EE, T::SE, T::S, T::ES}}});
    add({"XN", {}, {}, {{T::E}, {T::E, T::EE}, {T::S, T::SE}}});
    add({"XK", {}, {T::S}, {{T::E, T::ES}, {T::E, T::EE}, {T::S, T::SE}}});
    add({"XX", {}, {}, {{T::E}, {T::E, T::EE, T::S, T::ES}, {T::S, T::SE}}});
    add({"IN", {}, {}, {{T::E, T::S}, {T::E, T::EE, T::SE}}});
    add({"IK", {}, {T::S}, {{T::E, T::ES, T::S, T::SS}, {T::E, T::EE, T::SE}}});
    add({"IX", {}, {}, {{T::E, T::S}, {T::E, T::EE, T::SE, T::S, T::ES}}});
    return m;
  }();
  return table;
}
}  // namespace

std::optional<Protocol> parse_protocol(const std::string& name, std::string* why) {
  std::vector<std::string> parts;
  std::stringstream ss(name);
  for (std::string part; std::getline(ss, part, '_');) parts.push_back(part);
  auto fail = [&](const std::string& reason) {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (parts.size() != 5 || parts[0] != "Noise") return fail("not a Noise protocol name");
  auto it = patterns().find(parts[1]);
  if (it == patterns().end()) return fail("pattern " + parts[1] + " is not supported");
  if (parts[2] != "25519") return fail("DH " + parts[2] + " is not supported");
  Protocol p{name, it->second, CipherAlg::AesGcm, HashAlg::Sha256};
  if (parts[3] == "ChaChaPoly")
    p.cipher = CipherAlg::ChaChaPoly;
  else if (parts[3] != "AESGCM")
    return fail("cipher " + parts[3] + " is not supported");
  if (parts[4] == "SHA512")
    p.hash = HashAlg::Sha512;
  else if (parts[4] == "BLAKE2b")
    p.hash = HashAlg::Blake2b;
  else if (parts[4] != "SHA256")
    return fail("hash " + parts[4] + " is not supported");
  return p;
}

}  // namespace telepane::noise
