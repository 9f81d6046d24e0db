// The tcp transport through its vtable, on loopback only: real sockets, the plugin's own io thread.
#include "../../stream/tests/link_inbox.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace {
using namespace std::chrono_literals;
using telepane::test::Inbox;
using telepane::test::random_bytes;
using telepane::test::send_all;
using telepane::test::vt;

struct Plugin : telepane::test::LoadedPlugin {
  Plugin() : LoadedPlugin({{"send_buffer_bytes", 65536}, {"connect_timeout_ms", 2000}}) {}
};

// A listener on an ephemeral loopback port whose accepted link feeds `inbox`.
struct Server {
  Inbox inbox;
  std::mutex mu;
  tp_link* accepted = nullptr;
  tp_listener* listener = nullptr;
  std::string address;
  explicit Server(Plugin& p) {
    tp_error err{};
    REQUIRE(vt()->listen(
                p.host.table(), "127.0.0.1:0", this,
                [](void* u, tp_link* link) {
                  auto* s = static_cast<Server*>(u);
                  const tp_link_events e = s->inbox.events();
                  vt()->set_events(link, &e);
                  std::lock_guard l(s->mu);
                  s->accepted = link;
                },
                &listener, &err) == TP_OK);
    char buf[64];
    size_t len = 0;
    REQUIRE(vt()->listener_address(listener, buf, sizeof buf, &len) == TP_OK);
    address = buf;
  }
  ~Server() {
    vt()->close_listener(listener);
    std::lock_guard l(mu);
    if (accepted) vt()->close_link(accepted);
  }
  tp_link* link() {
    for (int i = 0; i < 2000; ++i) {
      {
        std::lock_guard l(mu);
        if (accepted) return accepted;
      }
      std::this_thread::sleep_for(10ms);
    }
    FAIL("no connection accepted");
    return nullptr;
  }
};

tp_bytes b(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

TEST_CASE("bytes flow both ways, in order, a megabyte included") {
  Plugin p;
  Server server(p);
  CHECK(server.address.rfind("127.0.0.1:", 0) == 0);
  Inbox client;
  tp_link* link = nullptr;
  tp_error err{};
  const tp_link_events e = client.events();
  REQUIRE(vt()->connect(p.host.table(), server.address.c_str(), &e, &link, &err) == TP_OK);
  std::string big(1 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = char('a' + i % 26);
  // The send buffer is 64 KiB: push in pieces, backing off while it is full.
  for (std::size_t at = 0; at < big.size();) {
    const std::size_t n = std::min<std::size_t>(16384, big.size() - at);
    const tp_status s = vt()->send(link, b(big.substr(at, n)), &err);
    if (s == TP_ERR_AGAIN) {
      std::this_thread::sleep_for(1ms);
      continue;
    }
    REQUIRE(s == TP_OK);
    at += n;
  }
  REQUIRE(server.inbox.wait([&](Inbox& in) { return in.data.size() >= big.size(); }));
  CHECK(server.inbox.data == big);
  char peer[64];
  size_t peer_len = 0;
  REQUIRE(vt()->peer_address(server.link(), peer, sizeof peer, &peer_len) == TP_OK);
  CHECK(std::string(peer).rfind("127.0.0.1:", 0) == 0);
  REQUIRE(vt()->send(server.link(), b("pong"), &err) == TP_OK);
  REQUIRE(client.wait([](Inbox& in) { return in.data == "pong"; }));
  vt()->close_link(link);
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.closed; }));
  CHECK(server.inbox.why == TP_ERR_CLOSED);
  CHECK(server.inbox.reason == "the peer closed the connection");
  CHECK_FALSE(client.closed);  // no callback for a close the owner asked for
}

TEST_CASE("bytes sent just before a close still arrive, and then the close, while the peer is sending too") {
  Plugin p;
  Server server(p);
  Inbox client;
  tp_link* link = nullptr;
  tp_error err{};
  const tp_link_events e = client.events();
  REQUIRE(vt()->connect(p.host.table(), server.address.c_str(), &e, &link, &err) == TP_OK);
  send_all(link, "hello");
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.data == "hello"; }));
  // Bytes on their way to the closing end that it will never read: closing over them must not reset the
  // connection, which would throw away what the closing end had queued.
  send_all(server.link(), random_bytes(60000));
  const std::string last_words = random_bytes(300000);
  send_all(link, last_words);
  vt()->close_link(link);  // at once, the last 60000 bytes still queued
  REQUIRE(server.inbox.wait([](Inbox& in) { return in.closed; }));
  CHECK(server.inbox.data.size() == 5 + last_words.size());
  CHECK((server.inbox.data == "hello" + last_words));
  CHECK(server.inbox.why == TP_ERR_CLOSED);
  CHECK(server.inbox.reason == "the peer closed the connection");
}

TEST_CASE("a link its owner answers and closes inside on_accept still delivers the answer") {
  Plugin p;
  tp_listener* listener = nullptr;
  tp_error err{};
  REQUIRE(vt()->listen(
              p.host.table(), "127.0.0.1:0", nullptr,
              [](void*, tp_link* link) {
                tp_error e{};
                vt()->send(link, b("declined"), &e);
                vt()->close_link(link);
              },
              &listener, &err) == TP_OK);
  char address[64];
  size_t len = 0;
  REQUIRE(vt()->listener_address(listener, address, sizeof address, &len) == TP_OK);
  Inbox client;
  tp_link* link = nullptr;
  const tp_link_events e = client.events();
  REQUIRE(vt()->connect(p.host.table(), address, &e, &link, &err) == TP_OK);
  REQUIRE(client.wait([](Inbox& in) { return in.closed; }));
  CHECK(client.data == "declined");
  CHECK(client.reason == "the peer closed the connection");
  vt()->close_link(link);
  vt()->close_listener(listener);
}

TEST_CASE("a refused connection is reported with the address") {
  Plugin p;
  // Port 1 on loopback: privileged and unused, so no other test running in parallel can be listening there.
  const std::string address = "127.0.0.1:1";
  Inbox client;
  tp_link* link = nullptr;
  tp_error err{};
  const tp_link_events e = client.events();
  REQUIRE(vt()->connect(p.host.table(), address.c_str(), &e, &link, &err) == TP_OK);
  REQUIRE(client.wait([](Inbox& in) { return in.closed; }));
  CHECK(client.why == TP_ERR_IO);
  CHECK(client.reason.rfind("cannot connect to " + address + ": ", 0) == 0);
  CHECK(vt()->send(link, b("x"), &err) == TP_ERR_CLOSED);
  vt()->close_link(link);
}

TEST_CASE("a peer that stops reading makes send say 'try again' instead of queueing without end") {
  Plugin p;
  // A listener that accepts nothing: the kernel's buffers fill, then the plugin's 64 KiB queue.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string address = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  Inbox client;
  tp_link* link = nullptr;
  tp_error err{};
  const tp_link_events e = client.events();
  REQUIRE(vt()->connect(p.host.table(), address.c_str(), &e, &link, &err) == TP_OK);
  const std::string chunk(16384, 'z');
  bool again = false;
  for (int i = 0; i < 100000 && !again; ++i) {
    const tp_status s = vt()->send(link, b(chunk), &err);
    again = s == TP_ERR_AGAIN;
    if (!again) REQUIRE(s == TP_OK);
  }
  CHECK(again);
  CHECK(std::string(err.message) == "send buffer full");
  vt()->close_link(link);
  ::close(fd);
}

TEST_CASE("bad addresses are refused at once") {
  Plugin p;
  tp_link* link = nullptr;
  tp_listener* l = nullptr;
  tp_error err{};
  Inbox in;
  const tp_link_events e = in.events();
  CHECK(vt()->connect(p.host.table(), "no-port", &e, &link, &err) == TP_ERR_INVALID_ARGUMENT);
  CHECK(std::string(err.message) == "address 'no-port': expected host:port");
  auto cb = [](void*, tp_link*) {};
  CHECK(vt()->listen(p.host.table(), "example.com:80", nullptr, cb, &l, &err) == TP_ERR_INVALID_ARGUMENT);
  CHECK(vt()->listen(p.host.table(), "127.0.0.1:70000", nullptr, cb, &l, &err) == TP_ERR_INVALID_ARGUMENT);
}
