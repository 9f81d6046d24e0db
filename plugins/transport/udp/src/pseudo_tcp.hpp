// libnice's pseudo-TCP (a TCP state machine that runs over any datagrams we hand it) wrapped for one link: we feed
// it the segments that arrive, it asks us to send segments, and a timer we arm from its next deadline drives its
// retransmissions. It brings what a UDP path needs for reliable ordered bytes: slow start and congestion avoidance
// (so links share a path fairly with each other and with TCP), retransmission, flow control with window scaling,
// and MSS reduction when a segment is too large for the path. Not thread-safe: the link's io thread makes every
// call, and its callbacks run inside those calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

typedef struct _PseudoTcpSocket PseudoTcpSocket;

namespace telepane::transport::udp {

class PseudoTcp {
 public:
  struct Callbacks {
    std::function<void()> opened, readable, writable;
    std::function<void(int error)> closed;
    // Returns false when the segment is too large for the path (pseudo-TCP then sends smaller ones).
    std::function<bool(const uint8_t*, std::size_t)> write;
  };
  PseudoTcp(uint32_t conversation, std::size_t buffer_bytes, uint16_t mtu, Callbacks callbacks);
  ~PseudoTcp();
  PseudoTcp(const PseudoTcp&) = delete;
  PseudoTcp& operator=(const PseudoTcp&) = delete;

  void connect();
  // A segment from the peer; false when pseudo-TCP rejected it.
  bool segment(const uint8_t* p, std::size_t n);
  // Bytes accepted into the send buffer (0 when it is full).
  std::size_t send(const uint8_t* p, std::size_t n);
  // Bytes read (0 when nothing is waiting).
  std::size_t receive(uint8_t* p, std::size_t n);
  void clock();
  // Milliseconds until clock() is due; negative once the socket is closed for good.
  int64_t next_clock_in_ms();
  void close();

 private:
  static int64_t now_ms();
  Callbacks cb_;
  PseudoTcpSocket* socket_ = nullptr;
};

}  // namespace telepane::transport::udp
