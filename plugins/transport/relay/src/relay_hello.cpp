#include "relay_hello.hpp"

#include <telepane/sdk/status.hpp>

#include <cstring>

namespace telepane::transport::relay {
namespace {
constexpr char kMagic[4] = {'T', 'P', 'R', '1'};

// Unpadded base64url; nullopt on any other character.
std::optional<std::vector<uint8_t>> decode_base64url(const std::string& s) {
  std::vector<uint8_t> out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return std::nullopt;
    buffer = (buffer << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      out.push_back(uint8_t(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  return out;
}
}  // namespace

std::optional<RelayAddress> parse_relay_address(const std::string& text, std::string& why) {
  const auto first = text.find('/');
  const auto second = first == std::string::npos ? first : text.find('/', first + 1);
  if (second == std::string::npos) {
    why = "relay address '" + text.substr(0, 64) + "': expected HOST:PORT/viewer|host/TOKEN";
    return std::nullopt;
  }
  RelayAddress a;
  a.relay = text.substr(0, first);
  const std::string side = text.substr(first + 1, second - first - 1);
  if (side != "viewer" && side != "host") {
    why = "relay address: side '" + side.substr(0, 16) + "' is neither viewer nor host";
    return std::nullopt;
  }
  a.side = side == "viewer" ? 'v' : 'h';
  auto token = decode_base64url(text.substr(second + 1));
  if (!token || token->empty() || token->size() > 1024) {
    why = "relay address: the token is not base64url of 1..1024 bytes";
    return std::nullopt;
  }
  a.token = std::move(*token);
  return a;
}

std::vector<uint8_t> relay_hello(const RelayAddress& a) {
  std::vector<uint8_t> out(kMagic, kMagic + 4);
  out.push_back(uint8_t(a.side));
  out.push_back(uint8_t(a.token.size() >> 8));
  out.push_back(uint8_t(a.token.size()));
  out.insert(out.end(), a.token.begin(), a.token.end());
  return out;
}

GateVerdict judge_relay_answer(const std::vector<uint8_t>& r) {
  if (r.size() < 7) return {};
  if (std::memcmp(r.data(), kMagic, 4) != 0) throw sdk::Error(TP_ERR_PROTOCOL, "the relay does not speak TPR1");
  const std::size_t len = (std::size_t(r[5]) << 8) | r[6];
  if (r.size() < 7 + len) return {};
  const std::string reason(r.begin() + 7, r.begin() + 7 + std::ptrdiff_t(len));
  if (r[4] == 0) return {GateVerdict::Open, 7 + len, {}};
  return {GateVerdict::Refused, 0, "the relay refused: " + (reason.empty() ? std::string("no reason") : reason)};
}

}  // namespace telepane::transport::relay
