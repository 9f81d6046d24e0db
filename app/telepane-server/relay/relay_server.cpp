#include "relay/relay_server.hpp"

#include "net/acceptor.hpp"

#include <telepane/core/rendezvous/protocol.hpp>

#include <cstring>

namespace telepane::server {
namespace asio = boost::asio;
using asio::ip::tcp;
namespace rv = core::rendezvous;

namespace {
constexpr char kMagic[4] = {'T', 'P', 'R', '1'};
constexpr std::size_t kMaxToken = 1024;
constexpr std::chrono::seconds kLinger{3};  // how long one side's hang-up waits for the other's

std::string verdict(bool ok, const std::string& reason) {
  std::string v(kMagic, 4);
  v += char(ok ? 0 : 1);
  v += char(reason.size() >> 8);
  v += char(reason.size() & 0xff);
  return v + reason;
}
}  // namespace

struct RelayServer::Session {
  explicit Session(double rate) : bucket(rate, std::max(rate / 10, 256.0 * 1024)) {}
  TokenBucket bucket;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  uint64_t forwarded = 0;  // bytes, both ways: said when the session ends
  bool ended = false;
};

class RelayServer::Side : public std::enable_shared_from_this<Side> {
 public:
  Side(RelayServer& relay, tcp::socket socket, SourceCaps::Slot slot, std::string source)
      : relay_(relay),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        pace_(socket_.get_executor()),
        linger_(socket_.get_executor()),
        slot_(std::move(slot)),
        source_(std::move(source)) {}

  void start() {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    arm(relay_.settings_.hello_timeout, "no hello in time");
    read_hello();
  }

  // Refuses with a reason the client shows, then closes.
  void refuse(const std::string& reason) {
    relay_.refusals_.note(
        reason.rfind("too many connections from", 0) == 0 ? "too many connections from one address" : reason, source_);
    auto text = std::make_shared<std::string>(verdict(false, reason));
    asio::async_write(socket_, asio::buffer(*text),
                      [self = shared_from_this(), text](boost::system::error_code, std::size_t) { self->close(); });
  }

  void wait_for_partner(const std::string& session) {
    session_key_ = session;
    arm(relay_.settings_.pair_timeout, "the other side did not come");
  }

  // Both sides are here: tell each, then forward.
  static void pair(const std::shared_ptr<Side>& a, const std::shared_ptr<Side>& b, double session_rate) {
    auto session = std::make_shared<Session>(session_rate);
    for (auto& [me, other] : {std::pair{a, b}, std::pair{b, a}}) {
      me->partner_ = other;
      me->session_ = session;
      me->session_key_.clear();
      me->timer_.cancel();
    }
    auto ok = std::make_shared<std::string>(verdict(true, ""));
    for (auto& side : {a, b}) {
      asio::async_write(side->socket_, asio::buffer(*ok), [side, ok](boost::system::error_code ec, std::size_t) {
        if (ec) return side->close();
        side->forward();
      });
    }
    a->watch_idle();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    timer_.cancel();
    pace_.cancel();
    linger_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    if (!session_key_.empty()) relay_.forget_waiting(session_key_, this);
    if (session_ && !session_->ended) {
      session_->ended = true;
      relay_.logger_.info(
          "relay", "session of " + source_ + " ended: " + std::to_string(session_->forwarded) + " bytes forwarded");
    }
    relay_.live_.erase(this);
    if (auto p = partner_.lock()) p->close();  // one side gone ends the session
  }

  const std::string& source() const { return source_; }

 private:
  void arm(std::chrono::milliseconds d, const char* why) {
    timer_.expires_after(d);
    timer_.async_wait([self = shared_from_this(), why](boost::system::error_code ec) {
      if (!ec) self->refuse(why);
    });
  }

  void read_hello() {
    socket_.async_read_some(
        asio::buffer(in_), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (ec || self->closed_) return self->close();
          self->hello_.insert(self->hello_.end(), self->in_.begin(), self->in_.begin() + std::ptrdiff_t(n));
          self->judge_hello();
        });
  }

  void judge_hello() {
    auto& h = hello_;
    if (h.size() >= 4 && std::memcmp(h.data(), kMagic, 4) != 0) return refuse("not a relay hello");
    if (h.size() < 7) return read_hello();
    const std::size_t len = (std::size_t(h[5]) << 8) | h[6];
    if (len == 0 || len > kMaxToken) return refuse("bad token length");
    if (h[4] != 'v' && h[4] != 'h') return refuse("bad side");
    if (h.size() < 7 + len) return read_hello();
    if (h.size() > 7 + len) return refuse("data before pairing");
    auto checked = rv::check_relay_token(relay_.settings_.rendezvous_key, std::string(h.begin() + 7, h.end()));
    if (auto* why = std::get_if<std::string>(&checked)) return refuse(*why);
    const auto& body = std::get<rv::RelayTokenBody>(checked);
    relay_.arrived(shared_from_this(), body.session(), body.expires_unix_ms(), char(h[4]));
  }

 public:
  char role() const { return hello_.size() > 4 ? char(hello_[4]) : '?'; }

 private:
  // One direction: read from this side, wait for the buckets, write to the partner, repeat. Reading only after
  // the write completes and the pace allows is what makes TCP push back on a fast sender.
  void forward() {
    if (closed_) return;
    socket_.async_read_some(asio::buffer(in_),
                            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                              if (ec == asio::error::eof && !self->closed_) return self->hung_up();
                              if (ec || self->closed_) return self->close();
                              auto session = self->session_;
                              session->last_activity = std::chrono::steady_clock::now();
                              session->forwarded += n;
                              const auto wait = std::max(session->bucket.take(n), self->relay_.total_.take(n));
                              auto send = [self, n] {
                                auto partner = self->partner_.lock();
                                if (!partner || partner->closed_) return self->close();
                                asio::async_write(partner->socket_, asio::buffer(self->in_.data(), n),
                                                  [self, partner](boost::system::error_code ec2, std::size_t) {
                                                    if (ec2) return self->close();
                                                    self->forward();
                                                  });
                              };
                              if (wait.count() == 0) return send();
                              self->pace_.expires_after(wait);
                              self->pace_.async_wait([self, send](boost::system::error_code ec2) {
                                if (ec2 || self->closed_) return self->close();
                                send();
                              });
                            });
  }

  // This side's end of the stream, after everything it sent was passed on: the partner reads those bytes, then the
  // end, and its own last bytes still go this way. Closing both at once would reset the partner's connection over
  // whatever it had not yet read of ours, and with it the last words (a host's "declined") the partner never saw.
  // Once both have ended, or after kLinger, the session closes.
  void hung_up() {
    ended_ = true;
    auto partner = partner_.lock();
    if (!partner || partner->closed_ || partner->ended_) return close();
    boost::system::error_code ec;
    partner->socket_.shutdown(tcp::socket::shutdown_send, ec);
    linger_.expires_after(kLinger);
    linger_.async_wait([self = shared_from_this()](boost::system::error_code e) {
      if (!e) self->close();
    });
  }

  void watch_idle() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_) return;
      if (std::chrono::steady_clock::now() - self->session_->last_activity > self->relay_.settings_.idle_timeout) {
        self->relay_.logger_.info("relay", "session of " + self->source_ + " idle: closed");
        return self->close();
      }
      self->watch_idle();
    });
  }

  RelayServer& relay_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  asio::steady_timer pace_;
  asio::steady_timer linger_;
  SourceCaps::Slot slot_;
  std::string source_;
  std::vector<uint8_t> hello_;
  std::array<uint8_t, 65536> in_{};
  std::weak_ptr<Side> partner_;
  std::shared_ptr<Session> session_;
  std::string session_key_;  // while waiting for the partner
  bool closed_ = false;
  bool ended_ = false;  // this side's end of the stream arrived and was passed on
};

RelayServer::RelayServer(asio::io_context& io, RelaySettings settings, core::Logger& logger)
    : settings_(std::move(settings)),
      logger_(logger),
      refusals_(logger, "relay"),
      acceptor_(io),
      caps_(std::make_shared<SourceCaps>(settings_.max_connections, settings_.max_connections_per_source)),
      total_(settings_.bandwidth_bytes_per_second, std::max(settings_.bandwidth_bytes_per_second / 10, 256.0 * 1024)) {
  open_acceptor(acceptor_, settings_.listen, "relay");
  accept();
}

RelayServer::~RelayServer() = default;

uint16_t RelayServer::port() const {
  return acceptor_.local_endpoint().port();
}

void RelayServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  auto live = std::move(live_);
  live_.clear();
  for (auto& [p, weak] : live)
    if (auto s = weak.lock()) s->close();
}

void RelayServer::accept() {
  accept_each(
      acceptor_, caps_,
      [this](tcp::socket socket, SourceCaps::Slot slot, const std::string& source) {
        auto side = std::make_shared<Side>(*this, std::move(socket), std::move(slot), source);
        live_[side.get()] = side;
        side->start();
      },
      [this](tcp::socket socket, const std::string& why, const std::string& source) {
        std::make_shared<Side>(*this, std::move(socket), SourceCaps::Slot(nullptr, ""), source)->refuse(why);
      });
}

void RelayServer::arrived(const std::shared_ptr<Side>& side, const std::string& session, int64_t expires_ms,
                          char role) {
  sweep_used();
  if (used_.count(session)) return side->refuse("token already used");
  auto it = waiting_.find(session);
  auto first = it == waiting_.end() ? nullptr : it->second.lock();
  if (!first) {
    waiting_[session] = side;
    side->wait_for_partner(session);
    return;
  }
  if (first->role() == role) return side->refuse("this side of the session is already here");
  waiting_.erase(it);
  used_[session] = expires_ms;  // single use: the token cannot pair again, even after this session ends
  logger_.info("relay", "paired " + first->source() + " with " + side->source());
  Side::pair(first, side, settings_.session_bandwidth_bytes_per_second);
}

void RelayServer::forget_waiting(const std::string& session, const Side* side) {
  auto it = waiting_.find(session);
  if (it != waiting_.end() && (it->second.expired() || it->second.lock().get() == side)) waiting_.erase(it);
}

void RelayServer::sweep_used() {
  const int64_t now = rv::unix_ms_now();
  for (auto it = used_.begin(); it != used_.end();) it = it->second < now ? used_.erase(it) : std::next(it);
}

}  // namespace telepane::server
