#include "stream_link.hpp"

#include <telepane/sdk/sdk.hpp>

#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;
using telepane::transport::Gate;
using telepane::transport::GateVerdict;
using telepane::transport::Io;
using telepane::transport::kCloseLinger;

Io& io_of(const tp_host* h) {
  Io* io = Host(h).data<Io>();
  if (io == nullptr) throw Error(TP_ERR_INTERNAL, "transport used before on_load");
  return *io;
}

// Parses "host:port" or "[v6]:port".
std::pair<std::string, std::string> split_address(const std::string& a) {
  const auto colon = a.rfind(':');
  if (colon == std::string::npos || colon + 1 == a.size())
    throw Error(TP_ERR_INVALID_ARGUMENT, "address '" + a + "': expected host:port");
  std::string host = a.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, a.substr(colon + 1)};
}

std::string endpoint_text(const tcp::endpoint& ep) {
  return (ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string()) + ":" +
         std::to_string(ep.port());
}

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(Io& io, tcp::socket socket, std::optional<Gate> gate = std::nullopt)
      : io_(io), socket_(std::move(socket)), timer_(io.context), linger_(io.context), gate_(std::move(gate)) {}

  void set_events(const tp_link_events& e) {
    std::lock_guard lock(cb_mu_);
    events_ = e;
  }

  // [io thread] after connect or accept.
  // Records the peer's address: at accept time, before the owner sees the link, and once a connect succeeds.
  void note_peer() {
    boost::system::error_code ec;
    const auto ep = socket_.remote_endpoint(ec);
    if (ec) return;
    std::lock_guard lock(out_mu_);
    peer_ = endpoint_text(ep);
  }

  // [io thread] Connected (or accepted, before the owner sees the link: what the owner sends and closes inside
  // on_accept is still written).
  void mark_connected() {
    connected_ = true;
    note_peer();
  }

  void start() {
    mark_connected();
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);  // input and small control messages must not wait for Nagle
    read();
    write();
  }

  void connect(const std::string& address) {
    auto [host, port] = split_address(address);
    auto self = shared_from_this();
    auto resolver = std::make_shared<tcp::resolver>(io_.context);
    timer_.expires_after(io_.connect_timeout);
    timer_.async_wait([self, address](const boost::system::error_code& ec) {
      if (!ec && !self->connected_) {
        self->socket_.close();
        self->closed_by_peer(TP_ERR_TIMEOUT, "cannot connect to " + address + ": timed out");
      }
    });
    resolver->async_resolve(
        host, port,
        [self, resolver, address](const boost::system::error_code& ec, tcp::resolver::results_type results) {
          if (self->torn_down_) return;  // closed while resolving: connecting now would reopen the socket
          if (ec) return self->closed_by_peer(TP_ERR_IO, "cannot resolve " + address + ": " + ec.message());
          asio::async_connect(
              self->socket_, results, [self, address](const boost::system::error_code& ec2, const tcp::endpoint&) {
                self->timer_.cancel();
                if (self->torn_down_) return;
                if (ec2) return self->closed_by_peer(TP_ERR_IO, "cannot connect to " + address + ": " + ec2.message());
                self->start();
              });
        });
  }

  tp_status send(tp_bytes data) {
    std::lock_guard lock(out_mu_);
    if (finished_ || closing_) return TP_ERR_CLOSED;
    if (queued_ + data.size > io_.send_limit) return TP_ERR_AGAIN;
    out_.emplace_back(data.data, data.data + data.size);
    queued_ += data.size;
    asio::post(io_.context, [self = shared_from_this()] { self->write(); });
    return TP_OK;
  }

  std::string peer_address() {
    std::lock_guard lock(out_mu_);
    return peer_;
  }

  // The owner's close: no callback after this returns. What was sent before still reaches the peer (a host's last
  // word, "declined", say): the link lingers, for kCloseLinger at most, while its queue drains, then half-closes and
  // reads until the peer's end. Closing both ways at once would drop the queue, and a socket closed over unread input
  // answers with a reset that throws away what the kernel still held for the peer.
  void close() {
    {
      std::lock_guard cb(cb_mu_);  // waits for a callback on another thread; recursive for our own
      events_ = {};
    }
    {
      std::lock_guard lock(out_mu_);
      closing_ = true;
    }
    io_.run_sync([self = shared_from_this()] { self->linger(); });
  }

 private:
  // [io thread] The owner let go: write what is queued, then end.
  void linger() {
    bool ended = false;
    {
      std::lock_guard lock(out_mu_);
      ended = finished_;
    }
    // Nothing more will ever be written: not connected yet, the peer gone, or a gate that never opened.
    if (ended || !connected_ || (gate_ && !gate_open_)) return teardown();
    linger_.expires_after(kCloseLinger);  // its handler keeps the link alive after its owner let go
    linger_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->teardown();
    });
    write();  // half-closes once the queue is empty
  }

  // [io thread] The end: the socket closes, whatever is queued is dropped.
  void teardown() {
    {
      std::lock_guard lock(out_mu_);
      finished_ = true;
      out_.clear();
    }
    if (torn_down_) return;
    torn_down_ = true;
    boost::system::error_code ec;
    timer_.cancel();
    linger_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  void read() {
    socket_.async_read_some(
        asio::buffer(in_), [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
          if (ec) {
            return self->closed_by_peer(ec == asio::error::eof ? TP_ERR_CLOSED : TP_ERR_IO,
                                        ec == asio::error::eof ? "the peer closed the connection" : ec.message());
          }
          if (self->gate_ && !self->gate_open_) {
            if (!self->pass_gate(n)) return;
          } else {
            self->deliver({self->in_.data(), n});
          }
          self->read();
        });
  }

  void write() {
    if (!connected_ || writing_ || torn_down_) return;
    if (gate_ && !gate_open_) {  // only the gate's hello until it opens
      if (hello_sent_) return;
      hello_sent_ = true;
      writing_ = true;
      asio::async_write(socket_, asio::buffer(gate_->hello),
                        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                          self->writing_ = false;
                          if (ec) return self->closed_by_peer(TP_ERR_IO, ec.message());
                          self->write();
                        });
      return;
    }
    bool drained = false;
    {
      std::lock_guard lock(out_mu_);
      if (finished_) return;
      drained = out_.empty();
      if (drained && !closing_) return;
      if (!drained) {
        current_ = std::move(out_.front());
        out_.pop_front();
      }
    }
    if (drained) {  // closing, and all of it written: the peer reads it, then our end of the stream
      boost::system::error_code ec;
      if (!fin_sent_) socket_.shutdown(tcp::socket::shutdown_send, ec);
      fin_sent_ = true;
      return;
    }
    writing_ = true;
    asio::async_write(socket_, asio::buffer(current_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                        self->writing_ = false;
                        {
                          std::lock_guard lock(self->out_mu_);
                          self->queued_ -= n;
                        }
                        if (ec) return self->closed_by_peer(TP_ERR_IO, ec.message());
                        self->write();
                      });
  }

  void deliver(tp_bytes bytes) {
    std::lock_guard cb(cb_mu_);
    if (events_.on_data && bytes.size > 0) events_.on_data(events_.user, bytes);
  }

  // [io thread] Feeds the gate the first `n` bytes read; false when the link ended.
  bool pass_gate(std::size_t n) {
    gate_buffer_.insert(gate_buffer_.end(), in_.begin(), in_.begin() + std::ptrdiff_t(n));
    GateVerdict v;
    try {
      v = gate_->check(gate_buffer_);
    } catch (const std::exception& e) {
      closed_by_peer(TP_ERR_PROTOCOL, e.what());
      return false;
    }
    if (v.state == GateVerdict::Wait) return true;
    if (v.state == GateVerdict::Refused) {
      closed_by_peer(TP_ERR_DENIED, v.reason);
      return false;
    }
    gate_open_ = true;
    deliver({gate_buffer_.data() + v.consumed, gate_buffer_.size() - v.consumed});
    gate_buffer_ = {};
    write();
    return true;
  }

  // [io thread] The connection ended without the owner asking: tell the owner once. After the owner's close this
  // is the peer's end of the stream (or an error) that ends the linger.
  void closed_by_peer(tp_status why, const std::string& reason) {
    bool owner_gone = false;
    {
      std::lock_guard lock(out_mu_);
      if (finished_) return;
      finished_ = true;
      owner_gone = closing_;
    }
    if (owner_gone) return teardown();
    std::lock_guard cb(cb_mu_);
    if (events_.on_closed) events_.on_closed(events_.user, why, reason.c_str());
    events_ = {};
  }

  Io& io_;
  tcp::socket socket_;
  asio::steady_timer timer_;    // connecting
  asio::steady_timer linger_;   // closing
  std::recursive_mutex cb_mu_;  // held while a callback runs
  tp_link_events events_{};
  std::mutex out_mu_;
  std::deque<std::vector<uint8_t>> out_;
  std::size_t queued_ = 0;
  bool finished_ = false;  // no more writes: the peer is gone or the link torn down
  bool closing_ = false;   // the owner closed the link
  std::string peer_;       // set once connected
  std::vector<uint8_t> current_;
  bool writing_ = false;    // [io thread]
  bool connected_ = false;  // [io thread]
  bool fin_sent_ = false;   // [io thread]
  bool torn_down_ = false;  // [io thread]
  std::array<uint8_t, 65536> in_{};
  std::optional<Gate> gate_;
  bool gate_open_ = false;            // [io thread]
  bool hello_sent_ = false;           // [io thread]
  std::vector<uint8_t> gate_buffer_;  // [io thread] bytes read before the gate opened
};

}  // namespace

struct tp_link {
  std::shared_ptr<Conn> conn;
};

struct tp_listener {
  tp_listener(Io& i, void* u, void (*cb)(void*, tp_link*)) : io(&i), acceptor(i.context), user(u), on_accept(cb) {}
  Io* io;
  tcp::acceptor acceptor;
  void* user;
  void (*on_accept)(void*, tp_link*);
  std::mutex mu;
  bool closed = false;

  void accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      std::lock_guard lock(mu);
      if (closed || ec == asio::error::operation_aborted) return;
      if (!ec) {
        auto conn = std::make_shared<Conn>(*io, std::move(socket));
        conn->mark_connected();
        on_accept(user, std::make_unique<tp_link>(tp_link{conn}).release());  // the owner sets events, owns the link
        conn->start();  // our own reference: the owner may already have closed the link inside on_accept
      }
      accept();
    });
  }
};

namespace telepane::transport {
tp_link* connect_stream(const tp_host* h, const std::string& address, const tp_link_events& events,
                        std::optional<Gate> gate) {
  Io& io = io_of(h);
  auto conn = std::make_shared<Conn>(io, tcp::socket(io.context), std::move(gate));
  conn->set_events(events);
  split_address(address);  // a malformed address fails here, not later on the io thread
  auto link = std::make_unique<tp_link>(tp_link{conn});
  asio::post(io.context, [conn, address] { conn->connect(address); });
  return link.release();
}

tp_status listen_stream(const tp_host* h, const char* address, void* user, void (*on_accept)(void*, tp_link*),
                        tp_listener** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (address == nullptr || on_accept == nullptr || out == nullptr)
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    Io& io = io_of(h);
    auto [host, port] = split_address(address);
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
    if (ec) throw Error(TP_ERR_INVALID_ARGUMENT, "listen address '" + std::string(address) + "': not an IP address");
    int port_number = 0;
    try {
      port_number = std::stoi(port);
    } catch (const std::exception&) {
      port_number = -1;
    }
    if (port_number < 0 || port_number > 65535)
      throw Error(TP_ERR_INVALID_ARGUMENT, "port '" + port + "' out of range");
    auto l = std::make_unique<tp_listener>(io, user, on_accept);
    const tcp::endpoint ep(ip, uint16_t(port_number));
    l->acceptor.open(ep.protocol(), ec);
    if (!ec) l->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) l->acceptor.bind(ep, ec);
    if (!ec) l->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw Error(TP_ERR_IO, "cannot listen on " + std::string(address) + ": " + ec.message());
    tp_listener* raw = l.get();
    io.run_sync([raw] { raw->accept(); });
    *out = l.release();
  });
}

tp_status set_link_events(tp_link* link, const tp_link_events* events) {
  if (link == nullptr || events == nullptr) return TP_ERR_INVALID_ARGUMENT;
  link->conn->set_events(*events);
  return TP_OK;
}

tp_status send_stream(tp_link* link, tp_bytes data, tp_error* err) {
  const tp_status s = link->conn->send(data);
  if (s == TP_ERR_CLOSED) telepane::sdk::set_error(err, "the connection is closed");
  if (s == TP_ERR_AGAIN) telepane::sdk::set_error(err, "send buffer full");
  return s;
}

void close_link(tp_link* link) {
  std::unique_ptr<tp_link> owned(link);
  owned->conn->close();
}

void close_listener(tp_listener* l) {
  std::unique_ptr<tp_listener> owned(l);
  {
    std::lock_guard lock(l->mu);
    l->closed = true;
  }
  l->io->run_sync([l] {
    boost::system::error_code ec;
    l->acceptor.close(ec);
  });
  // Let a completion already queued for this acceptor run (it sees `closed`) before the listener is freed.
  l->io->run_sync([] {});
}

tp_status listener_address(tp_listener* l, char* buf, size_t cap, size_t* len) {
  boost::system::error_code ec;
  const auto ep = l->acceptor.local_endpoint(ec);
  if (ec) return TP_ERR_CLOSED;
  const std::string a = endpoint_text(ep);
  if (len != nullptr) *len = a.size();
  if (buf == nullptr || cap <= a.size()) return TP_ERR_NO_MEMORY;
  std::memcpy(buf, a.c_str(), a.size() + 1);
  return TP_OK;
}

tp_status link_peer_address(tp_link* link, char* buf, size_t cap, size_t* len) {
  const std::string a = link->conn->peer_address();
  if (a.empty()) return TP_ERR_AGAIN;
  if (len != nullptr) *len = a.size();
  if (buf == nullptr || cap <= a.size()) return TP_ERR_NO_MEMORY;
  std::memcpy(buf, a.c_str(), a.size() + 1);
  return TP_OK;
}

void load_io(Host host) {
  Io& io = host.make_data<Io>();
  io.send_limit = std::size_t(host.config_int("send_buffer_bytes").value_or(8 << 20));
  io.connect_timeout = std::chrono::milliseconds(host.config_int("connect_timeout_ms").value_or(10000));
}

void unload_io(Host host) {
  host.free_data<Io>();
}

}  // namespace telepane::transport
