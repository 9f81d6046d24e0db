// The relay transport against a scripted relay on loopback: the hello it sends, the verdicts it obeys.
#include "../../stream/tests/link_inbox.hpp"
#include "../src/relay_hello.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {
using namespace std::chrono_literals;
using telepane::test::Inbox;
using telepane::test::vt;

using Plugin = telepane::test::LoadedPlugin;

// One connection: records the hello, answers with `answer`, then echoes what follows.
struct ScriptedRelay {
  int fd = -1;
  uint16_t port = 0;
  std::string hello;
  std::thread thread;
  explicit ScriptedRelay(std::string answer) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    REQUIRE(::listen(fd, 1) == 0);
    thread = std::thread([this, answer] {
      const int c = accept(fd, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{5, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[4096];
      while (hello.size() < 7 || hello.size() < 7u + ((std::size_t(uint8_t(hello[5])) << 8) | uint8_t(hello[6]))) {
        const ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        hello.append(buf, std::size_t(n));
      }
      (void)!write(c, answer.data(), answer.size());
      for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;) (void)!write(c, buf, std::size_t(n));
      close(c);
    });
  }
  ~ScriptedRelay() {
    shutdown(fd, SHUT_RDWR);
    close(fd);
    thread.join();
  }
  std::string address(const std::string& side, const std::string& token_b64) const {
    return "127.0.0.1:" + std::to_string(port) + "/" + side + "/" + token_b64;
  }
};

std::string verdict(uint8_t status, const std::string& reason) {
  std::string v = "TPR1";
  v += char(status);
  v += char(reason.size() >> 8);
  v += char(reason.size());
  return v + reason;
}
}  // namespace

TEST_CASE("the hello carries the side and the token, and after 'paired' bytes flow, early ones included") {
  Plugin p;
  // The relay's verdict and the first echoed bytes may arrive in one read: nothing may be lost.
  ScriptedRelay relay(verdict(0, "") + "early");
  Inbox in;
  const tp_link_events e = in.events();
  tp_link* link = nullptr;
  tp_error err{};
  REQUIRE(vt()->connect(p.host.table(), relay.address("host", "AQID").c_str(), &e, &link, &err) == TP_OK);
  const std::string msg = "sealed bytes";
  REQUIRE(vt()->send(link, {reinterpret_cast<const uint8_t*>(msg.data()), msg.size()}, &err) == TP_OK);
  REQUIRE(in.wait([&](Inbox& i) { return i.data == "early" + msg || i.closed; }));
  CHECK(in.data == "early" + msg);
  CHECK(relay.hello == std::string("TPR1h\0\3\1\2\3", 10));
  vt()->close_link(link);
}

TEST_CASE("a refusal ends the link with the relay's reason, and nothing queued was sent") {
  Plugin p;
  ScriptedRelay relay(verdict(1, "token expired"));
  Inbox in;
  const tp_link_events e = in.events();
  tp_link* link = nullptr;
  tp_error err{};
  REQUIRE(vt()->connect(p.host.table(), relay.address("viewer", "AQID").c_str(), &e, &link, &err) == TP_OK);
  const std::string msg = "must not reach the relay";
  vt()->send(link, {reinterpret_cast<const uint8_t*>(msg.data()), msg.size()}, &err);
  REQUIRE(in.wait([](Inbox& i) { return i.closed; }));
  CHECK(in.why == TP_ERR_DENIED);
  CHECK(in.reason == "the relay refused: token expired");
  CHECK(in.data.empty());
  vt()->close_link(link);
}

TEST_CASE("a peer that does not speak the relay protocol is a protocol error") {
  Plugin p;
  ScriptedRelay relay("HTTP/1.1 400 Bad Request\r\n\r\n");
  Inbox in;
  const tp_link_events e = in.events();
  tp_link* link = nullptr;
  tp_error err{};
  REQUIRE(vt()->connect(p.host.table(), relay.address("viewer", "AQID").c_str(), &e, &link, &err) == TP_OK);
  REQUIRE(in.wait([](Inbox& i) { return i.closed; }));
  CHECK(in.why == TP_ERR_PROTOCOL);
  CHECK(in.reason == "the relay does not speak TPR1");
  vt()->close_link(link);
}

TEST_CASE("malformed relay addresses are refused at connect, naming the problem") {
  Plugin p;
  Inbox in;
  const tp_link_events e = in.events();
  for (auto [address, expected] :
       std::vector<std::pair<std::string, std::string>>{{"127.0.0.1:1", "expected HOST:PORT/viewer|host/TOKEN"},
                                                        {"127.0.0.1:1/both/AQID", "neither viewer nor host"},
                                                        {"127.0.0.1:1/host/not*base64", "not base64url"},
                                                        {"127.0.0.1:1/host/", "not base64url"}}) {
    tp_link* link = nullptr;
    tp_error err{};
    CHECK(vt()->connect(p.host.table(), address.c_str(), &e, &link, &err) == TP_ERR_INVALID_ARGUMENT);
    CHECK_THAT(std::string(err.message), Catch::Contains(expected));
  }
  tp_listener* l = nullptr;
  tp_error err{};
  CHECK(vt()->listen(
            p.host.table(), "127.0.0.1:0", nullptr, [](void*, tp_link*) {}, &l, &err) == TP_ERR_UNSUPPORTED);
}
