// The udp transport's datagrams (docs/protocol.md, "UDP transport"): every one starts
//   [u8 kind][u8 version = 1][u16 zero][u64 link id]
// and kinds never have the top two bits clear, so they cannot be mistaken for STUN sharing the socket.
//   PROBE / PROBE_ACK  [u32 nonce][u8 zero x 16]   punching and hello; an ack is exactly as long as its probe
//   DATA               [u64 packet number][u64 stream offset][bytes]        (reliable_stream.hpp)
//   PING               keeps NAT mappings and tells the far end we are alive
//   CLOSE              the sender closed the link
//   ACK                [u64 window limit][u32 ack delay us][u8 n][n x (u64 highest, u32 count)]
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace telepane::transport::udp {

enum class Kind : uint8_t { Probe = 0xE1, ProbeAck = 0xE2, Data = 0xE3, Ping = 0xE4, Close = 0xE5, Ack = 0xE6 };

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kProbeSize = kHeaderSize + 4 + 16;

struct Header {
  Kind kind{};
  uint64_t link_id = 0;
};

// Big-endian fields of a datagram body.
template <class T>
inline void put_be(uint8_t* p, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = uint8_t(v >> (8 * (sizeof(T) - 1 - i)));
}
template <class T>
inline T get_be(const uint8_t* p) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = T(v << 8 | p[i]);
  return v;
}

inline void encode_header_into(uint8_t* p, Kind kind, uint64_t link_id) {
  p[0] = uint8_t(kind);
  p[1] = 1;
  p[2] = p[3] = 0;
  put_be<uint64_t>(p + 4, link_id);
}

inline std::vector<uint8_t> encode_header(Kind kind, uint64_t link_id) {
  std::vector<uint8_t> out(kHeaderSize);
  encode_header_into(out.data(), kind, link_id);
  return out;
}

// nullopt for a datagram that is not ours (wrong version or kind, too short, a probe of the wrong size).
inline std::optional<Header> decode_header(const uint8_t* p, std::size_t n) {
  if (n < kHeaderSize || p[1] != 1 || p[2] != 0 || p[3] != 0 || p[0] < uint8_t(Kind::Probe) ||
      p[0] > uint8_t(Kind::Ack))
    return std::nullopt;
  Header h{Kind(p[0]), 0};
  for (int i = 0; i < 8; ++i) h.link_id = h.link_id << 8 | p[4 + i];
  if ((h.kind == Kind::Probe || h.kind == Kind::ProbeAck) && n != kProbeSize) return std::nullopt;
  return h;
}

inline std::vector<uint8_t> encode_probe(Kind kind, uint64_t link_id, uint32_t nonce) {
  auto out = encode_header(kind, link_id);
  for (int i = 3; i >= 0; --i) out.push_back(uint8_t(nonce >> (8 * i)));
  out.resize(kProbeSize, 0);
  return out;
}

}  // namespace telepane::transport::udp
