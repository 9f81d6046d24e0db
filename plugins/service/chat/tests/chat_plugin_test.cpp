// The chat service through its vtable: what the person types goes out on the channel; what arrives is checked
// and published; anything else ends the session with a reason.
#include <telepane/abi/tp_service.h>
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <string>
#include <vector>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

namespace {
const tp_service_vtbl* vt() {
  return static_cast<const tp_service_vtbl*>(tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->features[0].vtable);
}

struct FakeSession {
  std::vector<std::string> sent;
  tp_session_api api{sizeof(tp_session_api), this, 1,
                     [](void* ctx, tp_bytes m) -> tp_status {
                       static_cast<FakeSession*>(ctx)->sent.emplace_back(reinterpret_cast<const char*>(m.data), m.size);
                       return TP_OK;
                     },
                     [](void*, const char*) {}};
};

tp_bytes b(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Chat {
  telepane::fakes::FakeHost host;
  FakeSession session;
  tp_service* svc = nullptr;
  Chat() {
    host.set_config("max_bytes", int64_t{64});
    tp_error err{};
    REQUIRE(vt()->create(host.table(), &session.api, &svc, &err) == TP_OK);
  }
  ~Chat() { vt()->destroy(svc); }
  tp_status receive(const std::string& wire, std::string* why = nullptr) {
    tp_error err{};
    tp_status s = vt()->on_message(svc, b(wire), &err);
    if (why) *why = err.message;
    return s;
  }
};
}  // namespace

TEST_CASE("typed text goes out on the chat channel") {
  Chat c;
  CHECK(std::string(vt()->capability) == "chat");
  CHECK(vt()->priority == TP_PRIORITY_CONTROL);
  c.host.table()->publish(c.host.table(), "chat.send", b("héllo 👋\nline two"));
  REQUIRE(c.session.sent.size() == 1);
  CHECK(c.session.sent[0] == std::string("\x01") + "héllo 👋\nline two");
}

TEST_CASE("what the peer sends is published for the person to read") {
  Chat c;
  REQUIRE(c.receive(std::string("\x01") + "hi there") == TP_OK);
  auto events = c.host.published();
  REQUIRE(events.size() == 1);
  CHECK(events[0].topic == "chat.received");
  CHECK(events[0].payload == "hi there");
}

TEST_CASE("malformed chat from the peer is a protocol error with a reason") {
  Chat c;
  std::string why;
  CHECK(c.receive("", &why) == TP_ERR_PROTOCOL);
  CHECK(why == "unknown chat message type");
  CHECK(c.receive(std::string("\x01") + "\xC0\xAF", &why) == TP_ERR_PROTOCOL);  // overlong '/'
  CHECK(why == "chat message is not valid UTF-8");
  CHECK(c.receive(std::string("\x01") + "\xED\xA0\x80", &why) == TP_ERR_PROTOCOL);  // a surrogate
  CHECK(c.receive(std::string("\x01") + "bell\x07", &why) == TP_ERR_PROTOCOL);
  CHECK(why == "chat message contains control characters");
  CHECK(c.receive(std::string("\x01") + std::string(65, 'x'), &why) == TP_ERR_PROTOCOL);
  CHECK(why == "chat message over 64 bytes");
  CHECK(c.receive(std::string("\x01"), &why) == TP_ERR_PROTOCOL);
  CHECK(why == "empty chat message");
  CHECK(c.host.published().empty());  // nothing invalid ever reaches the person
}

TEST_CASE("too long to send: not sent, and the host is told why") {
  Chat c;
  c.host.table()->publish(c.host.table(), "chat.send", b(std::string(100, 'x')));
  CHECK(c.session.sent.empty());
  REQUIRE(!c.host.logs().empty());
  CHECK(c.host.logs().back().message == "not sent: chat message over 64 bytes");
}

TEST_CASE("a destroyed chat stops listening") {
  auto c = std::make_unique<Chat>();
  CHECK(c->host.subscription_count() == 1);
  vt()->destroy(c->svc);
  CHECK(c->host.subscription_count() == 0);
  c->svc = nullptr;
  tp_service* fresh = nullptr;
  tp_error err{};
  REQUIRE(vt()->create(c->host.table(), &c->session.api, &fresh, &err) == TP_OK);
  c->svc = fresh;
}
