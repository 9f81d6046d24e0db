#include "udp_conn.hpp"

#include <telepane/sdk/status.hpp>

#include <sys/random.h>

namespace telepane::transport::udp {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
constexpr std::chrono::milliseconds kTailProbeDelay{30};
}  // namespace

Conn::Conn(Runtime& rt, std::shared_ptr<Endpoint> endpoint, uint64_t link_id, bool initiator, bool own_endpoint)
    : rt_(rt),
      endpoint_(std::move(endpoint)),
      id_(link_id),
      initiator_(initiator),
      own_endpoint_(own_endpoint),
      clock_timer_(rt.io.context),
      probe_timer_(rt.io.context),
      keepalive_timer_(rt.io.context),
      tail_timer_(rt.io.context),
      last_heard_(Clock::now()) {
  if (getrandom(&nonce_, sizeof nonce_, 0) != ssize_t(sizeof nonce_)) nonce_ = uint32_t(link_id);
  PseudoTcp::Callbacks cb;
  cb.opened = [this] {
    opened_ = true;
    pump();
  };
  cb.readable = [this] { read_all(); };
  cb.writable = [this] { pump(); };
  cb.closed = [this](int error) {
    close_by_peer(TP_ERR_IO, "the UDP link broke (" + std::string(std::strerror(error)) + ")");
  };
  cb.write = [this](const uint8_t* p, std::size_t n) { return write_segment(p, n); };
  // The datagram header comes off the path's MTU; pseudo-TCP fits its segments into the rest.
  tcp_ = std::make_unique<PseudoTcp>(uint32_t(link_id), rt.settings.window_bytes,
                                     uint16_t(rt.settings.mtu - kHeaderSize), std::move(cb));
}

Conn::~Conn() = default;

void Conn::set_events(const tp_link_events& e) {
  std::lock_guard lock(cb_mu_);
  events_ = e;
}

tp_status Conn::send(tp_bytes data) {
  {
    std::lock_guard lock(out_mu_);
    if (finished_) return TP_ERR_CLOSED;
    if (queued_ + data.size > rt_.io.send_limit) return TP_ERR_AGAIN;
    out_.emplace_back(data.data, data.data + data.size);
    queued_ += data.size;
  }
  asio::post(rt_.io.context, [self = shared_from_this()] { self->pump(); });
  return TP_OK;
}

std::string Conn::peer_address() {
  std::lock_guard lock(out_mu_);
  return peer_;
}

void Conn::close() {
  {
    std::lock_guard cb(cb_mu_);  // waits for a callback on another thread; recursive for our own
    events_ = {};
  }
  {
    std::lock_guard lock(out_mu_);
    finished_ = true;
  }
  rt_.io.run_sync([this] {
    if (!torn_down_ && path_) send_kind(Kind::Close);  // the peer learns now, not when its path goes silent
    teardown();
  });
}

void Conn::probe(std::vector<udp::endpoint> candidates, std::chrono::milliseconds timeout, std::string what) {
  candidates_ = std::move(candidates);
  probing_what_ = std::move(what);
  probe_started_ = Clock::now();
  probe_deadline_ = probe_started_ + timeout;
  probe_round();
}

// Bounded bursts toward the candidates the peer supplied, and nowhere else: every 50 ms for the first half
// second (both sides start within a round trip of each other), then every 200 ms until the deadline.
void Conn::probe_round() {
  if (torn_down_ || path_) return;
  const auto now = Clock::now();
  if (now >= probe_deadline_) {
    std::string tried;
    for (auto& c : candidates_) tried += (tried.empty() ? "" : ", ") + endpoint_text(c);
    return close_by_peer(TP_ERR_TIMEOUT, probing_what_ + ": no answer over UDP from " + tried);
  }
  const auto probe = encode_probe(Kind::Probe, id_, nonce_);
  for (auto& c : candidates_) endpoint_->send_to(probe, c);
  probe_timer_.expires_after(now - probe_started_ < std::chrono::milliseconds(500) ? std::chrono::milliseconds(50)
                                                                                   : std::chrono::milliseconds(200));
  probe_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->probe_round();
  });
}

void Conn::on_datagram(const Header& h, const uint8_t* p, std::size_t n, const udp::endpoint& from) {
  if (torn_down_) return;
  last_heard_ = Clock::now();
  switch (h.kind) {
    case Kind::Probe: {
      // Answered with an ack exactly as long: a forged source gets no more than it sent.
      auto ack = std::vector<uint8_t>(p, p + n);
      ack[0] = uint8_t(Kind::ProbeAck);
      endpoint_->send_to(ack, from);
      return take_path(from, false);
    }
    case Kind::ProbeAck: return take_path(from, false);
    case Kind::Ping: return take_path(from, true);
    case Kind::Data:
      take_path(from, true);
      if (torn_down_) return;
      tcp_->segment(p + kHeaderSize, n - kHeaderSize);
      pump();
      return;
    case Kind::Close:
      if (path_ && from == *path_) close_by_peer(TP_ERR_CLOSED, "the peer closed the connection");
      return;
  }
}

// The first answer decides the path. Later, what the peer sends on its own path (data, pings) from a new address
// moves the link there: its NAT gave it a new mapping, or it moved networks.
void Conn::take_path(const udp::endpoint& from, bool may_migrate) {
  if (path_ && (*path_ == from || !may_migrate)) return;
  const bool first = !path_;
  path_ = from;
  {
    std::lock_guard lock(out_mu_);
    peer_ = endpoint_text(from);
  }
  if (!first) return;
  probe_timer_.cancel();
  if (initiator_) tcp_->connect();
  arm_clock();
  keepalive();
}

void Conn::keepalive() {
  if (torn_down_) return;
  const auto silent = Clock::now() - last_heard_;
  if (silent >= rt_.settings.idle_timeout)
    return close_by_peer(TP_ERR_TIMEOUT,
                         "the UDP path went silent for " +
                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent).count()) + " s");
  send_kind(Kind::Ping);
  keepalive_timer_.expires_after(rt_.settings.keepalive);
  keepalive_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->keepalive();
  });
}

void Conn::send_kind(Kind k) {
  if (path_) endpoint_->send_to(encode_header(k, id_), *path_);
}

bool Conn::write_segment(const uint8_t* p, std::size_t n) {
  if (!path_ || torn_down_) return true;  // as if lost: pseudo-TCP sends it again
  segment_buffer_ = encode_header(Kind::Data, id_);
  segment_buffer_.insert(segment_buffer_.end(), p, p + n);
  const auto ec = endpoint_->send_to(segment_buffer_, *path_);
  if (ec == asio::error::message_size) return false;
  tail_.swap(segment_buffer_);  // the next segment rebuilds the buffer anyway: no copy per datagram
  arm_tail_probe();
  return true;
}

// Tail loss: when the last segment of a burst is lost (data, or the acknowledgement that ends it), nothing after
// it tells the other side, and pseudo-TCP would wait for its retransmission timeout (at least 250 ms, doubling). So
// once this side pauses, its last datagram goes out once more: a copy of data the receiver had is dropped (and
// acknowledged), a missing one fills the hole; a copy of an acknowledgement for everything sent is ignored, and
// one that arrives when more data is out counts as a single duplicate ack, three of which are needed for a
// retransmission.
void Conn::arm_tail_probe() {
  tail_timer_.expires_after(kTailProbeDelay);
  tail_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->torn_down_ || !self->path_ || self->tail_.empty()) return;
    self->endpoint_->send_to(self->tail_, *self->path_);
    self->tail_.clear();
  });
}

// Moves queued bytes into pseudo-TCP as far as its send buffer allows.
void Conn::pump() {
  if (torn_down_) return;
  if (opened_) {
    std::lock_guard lock(out_mu_);
    while (!out_.empty()) {
      auto& front = out_.front();
      const std::size_t n = tcp_->send(front.data() + out_offset_, front.size() - out_offset_);
      if (n == 0) break;
      out_offset_ += n;
      queued_ -= n;
      if (out_offset_ == front.size()) {
        out_.pop_front();
        out_offset_ = 0;
      }
    }
  }
  arm_clock();
}

void Conn::arm_clock() {
  if (torn_down_) return;
  const int64_t in = tcp_->next_clock_in_ms();
  if (in < 0) return;
  clock_timer_.expires_after(std::chrono::milliseconds(in));
  clock_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->torn_down_) return;
    self->tcp_->clock();
    self->pump();
  });
}

void Conn::read_all() {
  for (;;) {
    const std::size_t n = tcp_->receive(read_buffer_.data(), read_buffer_.size());
    if (n == 0) return;
    deliver(read_buffer_.data(), n);
  }
}

void Conn::deliver(const uint8_t* p, std::size_t n) {
  std::lock_guard cb(cb_mu_);
  if (events_.on_data) events_.on_data(events_.user, {p, n});
}

void Conn::close_by_peer(tp_status why, const std::string& reason) {
  {
    std::lock_guard lock(out_mu_);
    if (finished_) return;
    finished_ = true;
  }
  {
    std::lock_guard cb(cb_mu_);
    if (events_.on_closed) events_.on_closed(events_.user, why, reason.c_str());
    events_ = {};
  }
  // Later: pseudo-TCP may be the caller; its socket is freed with this object.
  asio::post(rt_.io.context, [self = shared_from_this()] { self->teardown(); });
}

void Conn::teardown() {
  if (torn_down_) return;
  torn_down_ = true;
  clock_timer_.cancel();
  probe_timer_.cancel();
  keepalive_timer_.cancel();
  tail_timer_.cancel();
  endpoint_->forget(id_);
  if (own_endpoint_) endpoint_->close();
}

}  // namespace telepane::transport::udp
