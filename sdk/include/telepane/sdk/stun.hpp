// STUN Binding messages (RFC 8489, with RFC 5780's CHANGE-REQUEST, OTHER-ADDRESS and PADDING): the subset a
// rendezvous server's reflector answers and a transport's NAT probe asks. Header-only, no I/O, no allocation beyond
// the returned vectors; safe on hostile input (every length is checked before it is read).
//
// Used by telepane-server (answers), the udp transport plugin (gathers its mapped address before punching) and
// `telepane nat` (classifies the NAT), so all three agree on one format.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace telepane::sdk::stun {

constexpr uint32_t kMagicCookie = 0x2112A442;
constexpr uint16_t kBindingRequest = 0x0001;
constexpr uint16_t kBindingSuccess = 0x0101;
constexpr uint16_t kAttrMappedAddress = 0x0001;
constexpr uint16_t kAttrChangeRequest = 0x0003;
constexpr uint16_t kAttrXorMappedAddress = 0x0020;
constexpr uint16_t kAttrPadding = 0x0026;
constexpr uint16_t kAttrFingerprint = 0x8028;
constexpr uint16_t kAttrOtherAddress = 0x802C;
constexpr std::size_t kHeaderSize = 20;
// A reflector never answers more bytes than it was sent (docs/protocol.md): a request shorter than this gets no
// answer, and this is enough for an IPv6 answer with every attribute the reflector adds.
constexpr std::size_t kMinRequestSize = 100;

using TransactionId = std::array<uint8_t, 12>;

struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> ip{};  // the first 4 bytes for IPv4, network order
  uint16_t port = 0;

  std::string text() const {
    char buf[64];
    if (!v6) {
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u:%u", ip[0], ip[1], ip[2], ip[3], port);
      return buf;
    }
    std::string s = "[";
    for (int i = 0; i < 16; i += 2) {
      std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", unsigned(ip[i] << 8 | ip[i + 1]));
      s += buf;
    }
    return s + "]:" + std::to_string(port);
  }
  bool operator==(const Address& o) const { return v6 == o.v6 && ip == o.ip && port == o.port; }
  bool operator!=(const Address& o) const { return !(*this == o); }
};

struct Message {
  uint16_t type = 0;
  TransactionId transaction{};
  std::optional<Address> mapped;  // XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS
  std::optional<Address> other;   // OTHER-ADDRESS: where the reflector's second port is
  bool change_port = false;       // CHANGE-REQUEST: answer from the other port
  bool change_ip = false;         // CHANGE-REQUEST: answer from another address (never offered here)
  bool has_fingerprint = false;   // and it matched (a wrong one fails parse)
};

namespace detail {
inline uint32_t crc32(const uint8_t* p, std::size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}
inline uint16_t be16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void put16(std::vector<uint8_t>& o, uint16_t v) {
  o.push_back(uint8_t(v >> 8));
  o.push_back(uint8_t(v));
}
inline void put32(std::vector<uint8_t>& o, uint32_t v) {
  put16(o, uint16_t(v >> 16));
  put16(o, uint16_t(v));
}
inline void set_length(std::vector<uint8_t>& o) {
  const auto len = uint16_t(o.size() - kHeaderSize);
  o[2] = uint8_t(len >> 8);
  o[3] = uint8_t(len);
}

// MAPPED-ADDRESS family/port/address, XORed with the cookie and transaction when `x`.
inline std::optional<Address> address(const uint8_t* v, std::size_t n, bool x, const uint8_t* header) {
  if (n < 8 || v[0] != 0) return std::nullopt;
  Address a;
  a.v6 = v[1] == 0x02;
  if (v[1] != 0x01 && !a.v6) return std::nullopt;
  if (n != (a.v6 ? 20u : 8u)) return std::nullopt;
  a.port = uint16_t(be16(v + 2) ^ (x ? 0x2112 : 0));
  for (std::size_t i = 0; i < (a.v6 ? 16u : 4u); ++i) a.ip[i] = uint8_t(v[4 + i] ^ (x ? header[4 + i] : 0));
  return a;
}
inline void put_address(std::vector<uint8_t>& o, uint16_t type, const Address& a, bool x) {
  put16(o, type);
  put16(o, a.v6 ? 20 : 8);
  o.push_back(0);
  o.push_back(a.v6 ? 0x02 : 0x01);
  put16(o, uint16_t(a.port ^ (x ? 0x2112 : 0)));
  for (std::size_t i = 0; i < (a.v6 ? 16u : 4u); ++i) o.push_back(uint8_t(a.ip[i] ^ (x ? o[4 + i] : 0)));
}
inline std::vector<uint8_t> header(uint16_t type, const TransactionId& t) {
  std::vector<uint8_t> o;
  put16(o, type);
  put16(o, 0);
  put32(o, kMagicCookie);
  o.insert(o.end(), t.begin(), t.end());
  return o;
}
inline void finish(std::vector<uint8_t>& o) {
  put16(o, kAttrFingerprint);
  put16(o, 4);
  put32(o, 0);
  set_length(o);  // FINGERPRINT covers the header with the length that includes itself
  const uint32_t crc = crc32(o.data(), o.size() - 8) ^ 0x5354554Eu;
  for (int i = 0; i < 4; ++i) o[o.size() - 4 + std::size_t(i)] = uint8_t(crc >> (24 - 8 * i));
}
}  // namespace detail

// Whether these bytes are a STUN message at all (a transport sharing its socket with STUN tells them apart so).
inline bool looks_like_stun(const uint8_t* p, std::size_t n) {
  return n >= kHeaderSize && (p[0] & 0xC0) == 0 && detail::be32(p + 4) == kMagicCookie;
}

// Parses a message; nullopt (with *why) when it is not a well-formed STUN message or its FINGERPRINT is wrong.
// Attributes this subset does not use are skipped.
inline std::optional<Message> parse(const uint8_t* p, std::size_t n, std::string* why = nullptr) {
  auto fail = [&](const char* reason) -> std::optional<Message> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  if (!looks_like_stun(p, n)) return fail("not a STUN message");
  const std::size_t len = detail::be16(p + 2);
  if (len % 4 != 0 || len + kHeaderSize != n) return fail("STUN length does not match the datagram");
  Message m;
  m.type = detail::be16(p);
  std::memcpy(m.transaction.data(), p + 8, 12);
  std::size_t at = kHeaderSize;
  std::optional<Address> plain;
  while (at < n) {
    if (n - at < 4) return fail("truncated STUN attribute");
    const uint16_t type = detail::be16(p + at), alen = detail::be16(p + at + 2);
    const std::size_t padded = (std::size_t(alen) + 3) & ~std::size_t(3);
    if (n - at - 4 < padded) return fail("STUN attribute longer than the message");
    const uint8_t* v = p + at + 4;
    if (m.has_fingerprint) return fail("STUN attribute after FINGERPRINT");
    switch (type) {
      case kAttrXorMappedAddress:
        m.mapped = detail::address(v, alen, true, p);
        if (!m.mapped) return fail("malformed XOR-MAPPED-ADDRESS");
        break;
      case kAttrMappedAddress: plain = detail::address(v, alen, false, p); break;
      case kAttrOtherAddress: m.other = detail::address(v, alen, false, p); break;
      case kAttrChangeRequest:
        if (alen != 4) return fail("malformed CHANGE-REQUEST");
        m.change_ip = (v[3] & 0x04) != 0;
        m.change_port = (v[3] & 0x02) != 0;
        break;
      case kAttrFingerprint:
        if (alen != 4) return fail("malformed FINGERPRINT");
        if ((detail::crc32(p, at) ^ 0x5354554Eu) != detail::be32(v)) return fail("STUN FINGERPRINT mismatch");
        m.has_fingerprint = true;
        break;
      default: break;
    }
    at += 4 + padded;
  }
  if (!m.mapped) m.mapped = plain;
  return m;
}

// A Binding request padded to `size` bytes (at least kMinRequestSize, so a reflector may answer it).
inline std::vector<uint8_t> binding_request(const TransactionId& t, bool change_port = false,
                                            std::size_t size = kMinRequestSize) {
  auto o = detail::header(kBindingRequest, t);
  if (change_port) {
    detail::put16(o, kAttrChangeRequest);
    detail::put16(o, 4);
    detail::put32(o, 0x02);
  }
  const std::size_t fixed = o.size() + 4 + 8;  // the PADDING header and the FINGERPRINT
  if (size > fixed) {
    const std::size_t pad = (size - fixed) & ~std::size_t(3);
    detail::put16(o, kAttrPadding);
    detail::put16(o, uint16_t(pad));
    o.insert(o.end(), pad, 0);
  }
  detail::finish(o);
  return o;
}

// A Binding success answer naming the address the request came from and, when known, the reflector's other port.
inline std::vector<uint8_t> binding_response(const TransactionId& t, const Address& source,
                                             const std::optional<Address>& other) {
  auto o = detail::header(kBindingSuccess, t);
  detail::put_address(o, kAttrXorMappedAddress, source, true);
  if (other) detail::put_address(o, kAttrOtherAddress, *other, false);
  detail::finish(o);
  return o;
}

}  // namespace telepane::sdk::stun
