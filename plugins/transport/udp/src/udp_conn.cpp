#include "udp_conn.hpp"

#include <telepane/sdk/status.hpp>

#include <sys/random.h>

#include <cstring>

namespace telepane::transport::udp {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
constexpr std::chrono::milliseconds kChallengeInterval{250};
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
      linger_timer_(rt.io.context),
      last_heard_(Clock::now()) {
  if (getrandom(&nonce_, sizeof nonce_, 0) != ssize_t(sizeof nonce_)) nonce_ = uint32_t(link_id);
  ReliableStream::Callbacks cb;
  cb.send = [this](Kind kind, const uint8_t* p, std::size_t n) { return write_datagram(kind, p, n); };
  cb.deliver = [this](const uint8_t* p, std::size_t n) { deliver(p, n); };
  // The datagram header comes off the path's MTU; the stream fits its datagrams into the rest.
  stream_ = std::make_unique<ReliableStream>(
      ReliableStream::Settings{rt.settings.mtu - kHeaderSize, rt.settings.window_bytes}, std::move(cb), Clock::now());
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
    if (queued_ + unsent_ + data.size > rt_.io.send_limit) return TP_ERR_AGAIN;
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
  // What was sent before the close still reaches the peer (a host's last word, "declined", say): the link lingers
  // until the stream has everything acknowledged, for kCloseLinger at most, then says CLOSE so the peer learns now, not
  // when its path goes silent.
  rt_.io.run_sync([this] {
    if (torn_down_) return;
    if (!path_) return teardown();
    closing_ = true;
    linger_timer_.expires_after(kCloseLinger);  // its handler keeps the link alive after its owner let go
    linger_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->finish_close();
    });
    pump();
  });
}

void Conn::finish_close() {
  if (torn_down_) return;
  send_kind(Kind::Close);
  teardown();
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
    case Kind::ProbeAck:
      if (challenge_ && from == challenge_->to && get_be<uint32_t>(p + kHeaderSize) == challenge_->nonce)
        return move_path(from);
      return take_path(from, false);
    case Kind::Ping: return take_path(from, true);
    case Kind::Data:
    case Kind::Ack:
      take_path(from, true);
      if (torn_down_) return;
      // A malformed body is dropped like a lost datagram: a forged one must not end the link.
      stream_->on_datagram(h.kind, p + kHeaderSize, n - kHeaderSize, Clock::now());
      pump();
      return;
    case Kind::Close:
      if (!path_ || from != *path_) return;
      if (closing_) return teardown();  // both ends closed: nothing left to wait for
      close_by_peer(TP_ERR_CLOSED, "the peer closed the connection");
      return;
  }
}

// The first answer decides the path. Later, what the initiator sends from a new address may move the
// responder's end of the link there (the initiator's NAT gave it a new mapping, or it moved networks), once that
// address answers a probe with a fresh nonce: a forged source address is never made the path, so it never
// receives the link's traffic. Only the responder follows (as a QUIC server does): a host with two addresses
// may answer from another one than the initiator sent to, and two ends that both followed would chase each
// other's addresses for ever.
void Conn::take_path(const udp::endpoint& from, bool may_migrate) {
  if (path_) {
    if (*path_ != from && may_migrate && !initiator_) challenge(from);
    return;
  }
  path_ = from;
  set_peer_text(from);
  probe_timer_.cancel();
  keepalive();
  pump();
}

// At most one probe every kChallengeInterval, whatever arrives: a forged source gets 32 bytes now and then.
void Conn::challenge(const udp::endpoint& to) {
  const auto now = Clock::now();
  if (challenge_ && now - challenge_->sent < kChallengeInterval) return;
  uint32_t nonce = 0;
  if (getrandom(&nonce, sizeof nonce, 0) != ssize_t(sizeof nonce))
    nonce = nonce_ ^ uint32_t(now.time_since_epoch().count());
  challenge_ = Challenge{to, nonce, now};
  endpoint_->send_to(encode_probe(Kind::Probe, id_, nonce), to);
}

void Conn::move_path(const udp::endpoint& to) {
  path_ = to;
  challenge_.reset();
  last_heard_ = Clock::now();
  set_peer_text(to);
  pump();
}

void Conn::set_peer_text(const udp::endpoint& ep) {
  std::lock_guard lock(out_mu_);
  peer_ = endpoint_text(ep);
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

bool Conn::write_datagram(Kind kind, const uint8_t* body, std::size_t n) {
  if (!path_ || torn_down_) return true;  // as if lost: the stream sends it again
  datagram_.resize(kHeaderSize + n);
  encode_header_into(datagram_.data(), kind, id_);
  std::memcpy(datagram_.data() + kHeaderSize, body, n);
  return endpoint_->send_to(datagram_, *path_) != asio::error::message_size;
}

// Moves what send() queued into the stream and lets it send what it may; once a path exists.
void Conn::pump() {
  if (torn_down_ || !path_) return;
  std::deque<std::vector<uint8_t>> taken;
  {
    std::lock_guard lock(out_mu_);
    taken.swap(out_);
    queued_ = 0;
  }
  for (auto& bytes : taken) stream_->write(std::move(bytes));
  stream_->flush(Clock::now());
  unsent_ = stream_->unsent_bytes();
  if (closing_ && (stream_->all_acknowledged() || stream_->stalled())) return finish_close();
  if (stream_->stalled())
    return close_by_peer(TP_ERR_TIMEOUT, "the UDP path stopped carrying data: nothing acknowledged after " +
                                             std::to_string(stream_->stats().probe_timeouts) + " retries");
  arm_clock();
}

// One timer for the stream's deadlines, re-armed only when the next one comes sooner than the armed one: a timer
// that fires early just finds nothing due and arms again.
void Conn::arm_clock() {
  const auto at = stream_->next_deadline();
  if (!at || (clock_at_ && *clock_at_ <= *at)) return;
  clock_at_ = *at;
  clock_timer_.expires_at(*at);
  clock_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->torn_down_) return;
    self->clock_at_.reset();
    self->pump();
  });
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
  // Later: the stream may be the caller; it is freed with this object.
  asio::post(rt_.io.context, [self = shared_from_this()] { self->teardown(); });
}

void Conn::teardown() {
  if (torn_down_) return;
  torn_down_ = true;
  clock_timer_.cancel();
  probe_timer_.cancel();
  keepalive_timer_.cancel();
  linger_timer_.cancel();
  endpoint_->forget(id_);
  if (own_endpoint_) endpoint_->close();
}

}  // namespace telepane::transport::udp
