// The udp transport through its vtable, on this host's own addresses only: real sockets, the plugin's io thread.
// A small forwarder in the test stands in for a NAT that changes its mapping, or a path that goes dead.
#include "../../stream/tests/link_inbox.hpp"
#include "udp_endpoint.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <random>
#include <thread>

namespace {
using namespace std::chrono_literals;
using telepane::test::Inbox;
using telepane::test::random_bytes;
using telepane::test::send_all;
using telepane::test::vt;

struct Plugin : telepane::test::LoadedPlugin {
  Plugin()
      : LoadedPlugin({{"send_buffer_bytes", 1 << 20},
                      {"connect_timeout_ms", 2000},
                      {"punch_timeout_ms", 1500},
                      {"keepalive_ms", 200},
                      {"idle_timeout_ms", 1500}}) {}
};

struct Listener {
  Inbox inbox;
  std::mutex mu;
  std::vector<tp_link*> accepted;  // a garbage probe of the right shape is a link too: all are closed
  tp_listener* listener = nullptr;
  std::string address;
  explicit Listener(Plugin& p) {
    tp_error err{};
    REQUIRE(vt()->listen(
                p.host.table(), "127.0.0.1:0", this,
                [](void* u, tp_link* link) {
                  auto* s = static_cast<Listener*>(u);
                  const tp_link_events e = s->inbox.events();
                  vt()->set_events(link, &e);
                  std::lock_guard l(s->mu);
                  s->accepted.push_back(link);
                },
                &listener, &err) == TP_OK);
    char buf[64];
    size_t len = 0;
    REQUIRE(vt()->listener_address(listener, buf, sizeof buf, &len) == TP_OK);
    address = buf;
  }
  tp_link* link() {
    std::lock_guard l(mu);
    return accepted.empty() ? nullptr : accepted.back();
  }
  ~Listener() {
    vt()->close_listener(listener);
    for (auto* a : accepted) vt()->close_link(a);
  }
};

std::string peer_of(tp_link* link) {
  char buf[64];
  size_t len = 0;
  return vt()->peer_address(link, buf, sizeof buf, &len) == TP_OK ? std::string(buf, len) : std::string();
}

// A UDP forwarder between one client and `to`: what the client sends goes out from the forwarder's current
// "mapping" socket; rebind() swaps that socket for a new one (a NAT handing out a new port); silence() drops all.
// The loopback socket address of "127.0.0.1:PORT", for a raw socket to send to.
sockaddr_in loopback_to(const std::string& address) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(telepane::transport::udp::parse_endpoint(address)->port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return to;
}

struct Forwarder {
  int front = socket(AF_INET, SOCK_DGRAM, 0);
  std::atomic<int> back{-1};
  sockaddr_in to{}, client{};
  std::atomic<bool> running{true}, dropping{false};
  std::array<uint8_t, 12> header{};  // the first forwarded datagram's link header (the link id), once one passed
  std::atomic<bool> seen{false};
  std::thread thread;
  uint16_t port = 0;
  explicit Forwarder(const std::string& target) {
    const auto ep = *telepane::transport::udp::parse_endpoint(target);
    to.sin_family = AF_INET;
    to.sin_port = htons(ep.port());
    to.sin_addr.s_addr = htonl(ep.address().to_v4().to_uint());
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(front, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    getsockname(front, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    rebind();
    thread = std::thread([this] { run(); });
  }
  void rebind() {
    const int s = socket(AF_INET, SOCK_DGRAM, 0);
    const int old = back.exchange(s);
    if (old >= 0) close(old);
  }
  void run() {
    uint8_t buf[65536];
    while (running) {
      timeval tv{0, 20000};
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(front, &fds);
      const int b = back;
      FD_SET(b, &fds);
      if (select(std::max(front, b) + 1, &fds, nullptr, nullptr, &tv) <= 0) continue;
      if (FD_ISSET(front, &fds)) {
        socklen_t len = sizeof client;
        const auto n = recvfrom(front, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&client), &len);
        if (n >= 12 && !seen) {
          std::copy(buf, buf + 12, header.begin());
          seen = true;
        }
        if (n > 0 && !dropping) sendto(back, buf, size_t(n), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
      }
      if (FD_ISSET(b, &fds)) {
        const auto n = recv(b, buf, sizeof buf, 0);
        if (n > 0 && !dropping) sendto(front, buf, size_t(n), 0, reinterpret_cast<sockaddr*>(&client), sizeof client);
      }
    }
  }
  ~Forwarder() {
    running = false;
    thread.join();
    close(front);
    close(back);
  }
};
// A link to a known address, its events going to `inbox`.
tp_link* connect_to(Plugin& p, const std::string& address, Inbox& inbox) {
  const tp_link_events e = inbox.events();
  tp_link* link = nullptr;
  tp_error err{};
  REQUIRE(vt()->connect(p.host.table(), address.c_str(), &e, &link, &err) == TP_OK);
  return link;
}
}  // namespace

TEST_CASE("a link to a known address carries a megabyte both ways, intact and in order") {
  Plugin p;
  Listener server(p);
  Inbox client;
  tp_link* link = connect_to(p, server.address, client);
  const std::string up = random_bytes(1 << 20), down = random_bytes(300000);
  send_all(link, up);  // queued before the path is found: sent once it is
  REQUIRE(server.inbox.wait([&](Inbox& in) { return in.data.size() >= up.size(); }));
  CHECK(server.inbox.data == up);
  CHECK(peer_of(link) == server.address);
  send_all(server.link(), down);
  REQUIRE(client.wait([&](Inbox& in) { return in.data.size() >= down.size(); }));
  CHECK(client.data == down);
  vt()->close_link(link);
  // The far end hears of the close at once, not when its path goes silent.
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.closed; }));
  CHECK(server.inbox.reason == "the peer closed the connection");
}

TEST_CASE("bytes sent just before a close still arrive, and then the close") {
  Plugin p;
  Listener server(p);
  Inbox client;
  tp_link* link = connect_to(p, server.address, client);
  send_all(link, "hello");
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.data == "hello"; }));
  const std::string last_words = random_bytes(300000);
  send_all(link, last_words);
  vt()->close_link(link);  // at once: the link lingers until the peer has acknowledged everything
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.closed; }));
  CHECK(server.inbox.data == "hello" + last_words);
  CHECK(server.inbox.reason == "the peer closed the connection");
}

TEST_CASE("two punched links find each other from the candidates they exchanged") {
  Plugin p;
  Inbox a, b;
  const tp_link_events ea = a.events(), eb = b.events();
  const uint8_t id[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  tp_link *la = nullptr, *lb = nullptr;
  char ca[512], cb[512];
  size_t na = 0, nb = 0;
  tp_error err{};
  REQUIRE(vt()->punch_open(p.host.table(), "", {id, 16}, 1, &ea, &la, ca, sizeof ca, &na, &err) == TP_OK);
  REQUIRE(vt()->punch_open(p.host.table(), "", {id, 16}, 0, &eb, &lb, cb, sizeof cb, &nb, &err) == TP_OK);
  INFO("candidates: " << ca << " / " << cb);
  CHECK(na > 0);
  CHECK(peer_of(la).empty());  // not connected before punching
  REQUIRE(vt()->punch(la, cb, &err) == TP_OK);
  REQUIRE(vt()->punch(lb, ca, &err) == TP_OK);
  send_all(la, "hello from the viewer");
  send_all(lb, "hello from the host");
  REQUIRE(b.wait([](Inbox& in) { return in.data == "hello from the viewer"; }));
  REQUIRE(a.wait([](Inbox& in) { return in.data == "hello from the host"; }));
  CHECK(!peer_of(la).empty());
  vt()->close_link(la);
  vt()->close_link(lb);
}

TEST_CASE("punching toward candidates that never answer gives up with what was tried") {
  Plugin p;
  Inbox a;
  const tp_link_events ea = a.events();
  const uint8_t id[8] = {9, 9, 9, 9, 9, 9, 9, 9};
  tp_link* la = nullptr;
  char ca[512];
  size_t na = 0;
  tp_error err{};
  REQUIRE(vt()->punch_open(p.host.table(), "", {id, 8}, 1, &ea, &la, ca, sizeof ca, &na, &err) == TP_OK);
  const int silent = socket(AF_INET, SOCK_DGRAM, 0);  // bound, never reads: probes vanish
  sockaddr_in s{};
  s.sin_family = AF_INET;
  s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&s), sizeof s) == 0);
  socklen_t len = sizeof s;
  getsockname(silent, reinterpret_cast<sockaddr*>(&s), &len);
  const std::string target = "127.0.0.1:" + std::to_string(ntohs(s.sin_port));
  CHECK(vt()->punch(la, "not-an-address,also bad", &err) == TP_ERR_INVALID_ARGUMENT);
  CHECK(std::string(err.message).find("no usable candidate") != std::string::npos);
  REQUIRE(vt()->punch(la, target.c_str(), &err) == TP_OK);
  REQUIRE(a.wait([](Inbox& in) { return in.closed; }));
  CHECK(a.why == TP_ERR_TIMEOUT);
  CHECK(a.reason == "no punched path: no answer over UDP from " + target);
  vt()->close_link(la);
  close(silent);
}

TEST_CASE("a link follows its peer to a new address, and reports a path that went silent") {
  Plugin p;
  Listener server(p);
  Forwarder nat(server.address);
  Inbox client;
  tp_link* link = connect_to(p, "127.0.0.1:" + std::to_string(nat.port), client);
  send_all(link, "before");
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.data == "before"; }));
  const std::string first = peer_of(server.link());
  nat.rebind();  // the NAT's mapping changes: the host now hears the viewer from another port
  send_all(link, "after");
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.data == "beforeafter"; }));
  // The host probes the new address and moves there once it answers (about a round trip).
  const auto moved = [&] {
    for (int i = 0; i < 100 && peer_of(server.link()) == first; ++i) std::this_thread::sleep_for(20ms);
    return peer_of(server.link()) != first;
  };
  CHECK(moved());
  const std::string second = peer_of(server.link());
  send_all(server.link(), "back");  // and answers on the new mapping
  REQUIRE(client.wait([](Inbox& in) { return in.data == "back"; }));

  // A stranger forging the link's pings from its own address: the path stays, and the stranger gets one probe at
  // most (the check of the address it claims to be at), never the link's traffic.
  REQUIRE(nat.seen);
  auto ping = std::vector<uint8_t>(nat.header.begin(), nat.header.end());
  ping[0] = 0xE4;
  const int stranger = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to = loopback_to(server.address);
  for (int i = 0; i < 20; ++i) {
    sendto(stranger, ping.data(), ping.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    std::this_thread::sleep_for(10ms);
  }
  send_all(server.link(), "still here");
  REQUIRE(client.wait([](Inbox& in) { return in.data == "backstill here"; }));
  CHECK(peer_of(server.link()) == second);
  std::size_t got = 0;
  uint8_t buf[2048];
  for (ssize_t n; (n = recv(stranger, buf, sizeof buf, MSG_DONTWAIT)) > 0;) got += std::size_t(n);
  CHECK(got <= 32);
  close(stranger);
  nat.dropping = true;  // the path dies: both ends notice within the idle timeout
  REQUIRE(client.wait([](Inbox& in) { return in.closed; }));
  CHECK(client.why == TP_ERR_TIMEOUT);
  CHECK(client.reason.rfind("the UDP path went silent for ", 0) == 0);
  vt()->close_link(link);
}

TEST_CASE("a listener answers no stranger with more than it sent, and survives garbage") {
  Plugin p;
  Listener server(p);
  const int s = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to = loopback_to(server.address);
  timeval tv{0, 300000};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::mt19937 rng(7);
  std::size_t sent = 0, received = 0;
  uint8_t buf[2048];
  for (int i = 0; i < 200; ++i) {  // random datagrams, some shaped like ours
    std::vector<uint8_t> d(std::size_t(rng() % 64));
    for (auto& b : d) b = uint8_t(rng());
    if (i % 2 == 0 && d.size() >= 12) d[0] = uint8_t(0xE1 + rng() % 5), d[1] = 1, d[2] = 0, d[3] = 0;
    sent += d.size();
    sendto(s, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  for (;;) {
    const auto n = recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    received += std::size_t(n);
  }
  CHECK(received <= sent);
  close(s);
  // Still serving.
  Inbox client;
  tp_link* link = connect_to(p, server.address, client);
  send_all(link, "still here");
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.data.find("still here") != std::string::npos; }));
  vt()->close_link(link);
}
