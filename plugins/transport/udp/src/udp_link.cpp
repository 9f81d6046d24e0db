#include "udp_link.hpp"

#include "candidates.hpp"
#include "udp_conn.hpp"

#include <telepane/sdk/sdk.hpp>

#include <sys/random.h>

#include <cstring>

namespace telepane::transport::udp {
namespace asio = boost::asio;
using sdk::Error;

namespace {
constexpr std::size_t kMaxListenerLinks = 256;

Runtime& runtime_of(const tp_host* h) {
  auto* rt = sdk::Host(h).data<Runtime>();
  if (rt == nullptr) throw Error(TP_ERR_INTERNAL, "transport used before on_load");
  return *rt;
}

uint64_t random_id() {
  uint64_t id = 0;
  if (getrandom(&id, sizeof id, 0) != ssize_t(sizeof id)) throw Error(TP_ERR_INTERNAL, "no randomness");
  return id;
}

tp_status copy_out(const std::string& text, char* buf, size_t cap, size_t* len) {
  if (len != nullptr) *len = text.size();
  if (buf == nullptr || cap <= text.size()) return TP_ERR_NO_MEMORY;
  std::memcpy(buf, text.c_str(), text.size() + 1);
  return TP_OK;
}

// A link on a socket of its own.
std::shared_ptr<Conn> own_link(Runtime& rt, uint64_t id, bool initiator, const tp_link_events& events) {
  auto endpoint = std::make_shared<Endpoint>(rt.io.context, udp::endpoint(udp::v4(), 0));
  auto conn = std::make_shared<Conn>(rt, endpoint, id, initiator, /*own_endpoint=*/true);
  conn->set_events(events);
  rt.io.run_sync([&] {
    endpoint->add(id, conn);
    endpoint->start();
  });
  return conn;
}
}  // namespace

}  // namespace telepane::transport::udp

struct tp_link {
  std::shared_ptr<telepane::transport::udp::Conn> conn;
};

struct tp_listener {
  telepane::transport::udp::Runtime* rt = nullptr;
  std::shared_ptr<telepane::transport::udp::Endpoint> endpoint;
  void* user = nullptr;
  void (*on_accept)(void*, tp_link*) = nullptr;
  std::mutex mu;
  bool closed = false;
};

namespace telepane::transport::udp {

void load(sdk::Host host) {
  auto& rt = host.make_data<Runtime>();
  rt.io.send_limit = std::size_t(host.config_int("send_buffer_bytes").value_or(8 << 20));
  rt.io.connect_timeout = std::chrono::milliseconds(host.config_int("connect_timeout_ms").value_or(10000));
  auto& s = rt.settings;
  s.window_bytes = std::size_t(host.config_int("window_bytes").value_or(int64_t(s.window_bytes)));
  s.mtu = uint16_t(host.config_int("mtu").value_or(s.mtu));
  s.punch_timeout = std::chrono::milliseconds(host.config_int("punch_timeout_ms").value_or(3000));
  s.gather_timeout = std::chrono::milliseconds(host.config_int("gather_timeout_ms").value_or(800));
  s.keepalive = std::chrono::milliseconds(host.config_int("keepalive_ms").value_or(1000));
  s.idle_timeout = std::chrono::milliseconds(host.config_int("idle_timeout_ms").value_or(5000));
}

void unload(sdk::Host host) {
  host.free_data<Runtime>();
}

tp_status connect(const tp_host* h, const char* address, const tp_link_events* events, tp_link** out, tp_error* err) {
  return sdk::guard(err, [&] {
    if (address == nullptr || events == nullptr || out == nullptr)
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    auto to = parse_endpoint(address);
    if (!to || !to->address().is_v4())
      throw Error(TP_ERR_INVALID_ARGUMENT, "address '" + std::string(address) + "': expected IPv4:port");
    Runtime& rt = runtime_of(h);
    auto conn = own_link(rt, random_id(), /*initiator=*/true, *events);
    asio::post(rt.io.context, [conn, to = *to, &rt, a = std::string(address)] {
      conn->probe({to}, rt.io.connect_timeout, "cannot connect to " + a);
    });
    *out = std::make_unique<tp_link>(tp_link{conn}).release();
  });
}

tp_status listen(const tp_host* h, const char* address, void* user, void (*on_accept)(void*, tp_link*),
                 tp_listener** out, tp_error* err) {
  return sdk::guard(err, [&] {
    if (address == nullptr || on_accept == nullptr || out == nullptr)
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    std::string a = address;
    // Port 0 is allowed here (any free port), so parse_endpoint's port rule does not apply.
    const auto colon = a.rfind(':');
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(colon == std::string::npos ? "" : a.substr(0, colon), ec);
    int port = -1;
    try {
      port = colon == std::string::npos ? -1 : std::stoi(a.substr(colon + 1));
    } catch (const std::exception&) {
    }
    if (ec || !ip.is_v4() || port < 0 || port > 65535)
      throw Error(TP_ERR_INVALID_ARGUMENT, "listen address '" + a + "': expected IPv4:port");
    Runtime& rt = runtime_of(h);
    auto l = std::make_unique<tp_listener>();
    l->rt = &rt;
    l->endpoint = std::make_shared<Endpoint>(rt.io.context, udp::endpoint(ip, uint16_t(port)));
    l->user = user;
    l->on_accept = on_accept;
    tp_listener* raw = l.get();
    // A probe with a link id this socket does not know is a viewer saying hello: a new link, answered by the
    // link itself with an ack of the probe's size.
    l->endpoint->on_unknown = [raw](const Header& hd, const uint8_t* p, std::size_t n, const udp::endpoint& from) {
      std::lock_guard lock(raw->mu);
      if (raw->closed || hd.kind != Kind::Probe || raw->endpoint->links() >= kMaxListenerLinks) return;
      auto conn = std::make_shared<Conn>(*raw->rt, raw->endpoint, hd.link_id, /*initiator=*/false, false);
      raw->endpoint->add(hd.link_id, conn);
      conn->on_datagram(hd, p, n, from);  // takes the path and acks
      raw->on_accept(raw->user, std::make_unique<tp_link>(tp_link{conn}).release());
    };
    rt.io.run_sync([raw] { raw->endpoint->start(); });
    *out = l.release();
  });
}

tp_status set_events(tp_link* link, const tp_link_events* events) {
  if (link == nullptr || events == nullptr) return TP_ERR_INVALID_ARGUMENT;
  link->conn->set_events(*events);
  return TP_OK;
}

tp_status send(tp_link* link, tp_bytes data, tp_error* err) {
  const tp_status s = link->conn->send(data);
  if (s == TP_ERR_CLOSED) sdk::set_error(err, "the connection is closed");
  if (s == TP_ERR_AGAIN) sdk::set_error(err, "send buffer full");
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
  l->rt->io.run_sync([l] {
    l->endpoint->on_unknown = nullptr;
    l->endpoint->close();
  });
}

tp_status listener_address(tp_listener* l, char* buf, size_t cap, size_t* len) {
  return copy_out(endpoint_text(l->endpoint->local()), buf, cap, len);
}

tp_status peer_address(tp_link* link, char* buf, size_t cap, size_t* len) {
  const std::string a = link->conn->peer_address();
  if (a.empty()) return TP_ERR_AGAIN;
  return copy_out(a, buf, cap, len);
}

tp_status punch_open(const tp_host* h, const char* reflector, tp_bytes link_id, int initiator,
                     const tp_link_events* events, tp_link** out, char* buf, size_t cap, size_t* len, tp_error* err) {
  return sdk::guard(err, [&] {
    if (events == nullptr || out == nullptr || link_id.data == nullptr)
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    if (link_id.size < 8 || link_id.size > 64) throw Error(TP_ERR_INVALID_ARGUMENT, "a link id is 8..64 bytes");
    uint64_t id = 0;
    for (std::size_t i = 0; i < link_id.size; ++i) id = (id << 8 | id >> 56) ^ link_id.data[i];
    Runtime& rt = runtime_of(h);
    std::optional<udp::endpoint> server;
    if (reflector != nullptr && *reflector != '\0') {
      server = resolve_reflector(reflector);
      if (!server) throw Error(TP_ERR_INVALID_ARGUMENT, "reflector '" + std::string(reflector) + "': not host:port");
    }
    auto conn = own_link(rt, id, initiator != 0, *events);
    auto link = std::make_unique<tp_link>(tp_link{conn});
    const std::string list = join(gather(conn->endpoint(), server, rt.settings.gather_timeout));
    if (tp_status s = copy_out(list, buf, cap, len); s != TP_OK) {
      conn->close();
      throw Error(s, "the candidate buffer is too small");
    }
    *out = link.release();
  });
}

tp_status punch(tp_link* link, const char* candidates, tp_error* err) {
  return sdk::guard(err, [&] {
    if (link == nullptr || candidates == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    auto list = parse_candidates(candidates);
    if (list.empty())
      throw Error(TP_ERR_INVALID_ARGUMENT, "no usable candidate in '" + std::string(candidates).substr(0, 200) + "'");
    Runtime& rt = link->conn->runtime();
    asio::post(rt.io.context, [conn = link->conn, list = std::move(list), timeout = rt.settings.punch_timeout] {
      conn->probe(list, timeout, "no punched path");
    });
  });
}

}  // namespace telepane::transport::udp
