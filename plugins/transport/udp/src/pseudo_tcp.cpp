#include "pseudo_tcp.hpp"

#include <pseudotcp.h>

#include <glib-object.h>

namespace telepane::transport::udp {

PseudoTcp::PseudoTcp(uint32_t conversation, std::size_t buffer_bytes, uint16_t mtu, Callbacks callbacks)
    : cb_(std::move(callbacks)) {
  PseudoTcpCallbacks c{};
  c.user_data = this;
  c.PseudoTcpOpened = [](PseudoTcpSocket*, gpointer u) {
    if (auto& f = static_cast<PseudoTcp*>(u)->cb_.opened) f();
  };
  c.PseudoTcpReadable = [](PseudoTcpSocket*, gpointer u) {
    if (auto& f = static_cast<PseudoTcp*>(u)->cb_.readable) f();
  };
  c.PseudoTcpWritable = [](PseudoTcpSocket*, gpointer u) {
    if (auto& f = static_cast<PseudoTcp*>(u)->cb_.writable) f();
  };
  c.PseudoTcpClosed = [](PseudoTcpSocket*, guint32 error, gpointer u) {
    if (auto& f = static_cast<PseudoTcp*>(u)->cb_.closed) f(int(error));
  };
  c.WritePacket = [](PseudoTcpSocket*, const gchar* buf, guint32 len, gpointer u) -> PseudoTcpWriteResult {
    auto& f = static_cast<PseudoTcp*>(u)->cb_.write;
    return !f || f(reinterpret_cast<const uint8_t*>(buf), len) ? WR_SUCCESS : WR_TOO_LARGE;
  };
  socket_ = pseudo_tcp_socket_new(conversation, &c);
  // Input and control messages must not wait for Nagle or a delayed ACK; buffers sized for the path's
  // bandwidth-delay product (pseudo-TCP scales its window from these).
  g_object_set(socket_, "no-delay", TRUE, "ack-delay", 0, "snd-buf", guint(buffer_bytes), "rcv-buf",
               guint(buffer_bytes), nullptr);
  pseudo_tcp_socket_notify_mtu(socket_, mtu);
}

PseudoTcp::~PseudoTcp() {
  g_object_unref(socket_);
}

void PseudoTcp::connect() {
  pseudo_tcp_socket_connect(socket_);
}

bool PseudoTcp::segment(const uint8_t* p, std::size_t n) {
  return pseudo_tcp_socket_notify_packet(socket_, reinterpret_cast<const gchar*>(p), guint32(n));
}

std::size_t PseudoTcp::send(const uint8_t* p, std::size_t n) {
  const gint sent = pseudo_tcp_socket_send(socket_, reinterpret_cast<const char*>(p), guint32(n));
  return sent > 0 ? std::size_t(sent) : 0;
}

std::size_t PseudoTcp::receive(uint8_t* p, std::size_t n) {
  const gint got = pseudo_tcp_socket_recv(socket_, reinterpret_cast<char*>(p), n);
  return got > 0 ? std::size_t(got) : 0;
}

void PseudoTcp::clock() {
  pseudo_tcp_socket_notify_clock(socket_);
}

int64_t PseudoTcp::next_clock_in_ms() {
  guint64 at = 0;
  if (!pseudo_tcp_socket_get_next_clock(socket_, &at)) return -1;
  // pseudo-TCP keeps time in 32 bits of milliseconds: compare modulo 2^32.
  const int64_t in = int32_t(uint32_t(at) - uint32_t(now_ms()));
  return in < 0 ? 0 : in;
}

void PseudoTcp::close() {
  pseudo_tcp_socket_close(socket_, TRUE);
}

int64_t PseudoTcp::now_ms() {
  return g_get_monotonic_time() / 1000;  // pseudo-TCP's own clock (it is never set here)
}

}  // namespace telepane::transport::udp
