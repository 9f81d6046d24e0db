// The core's rendezvous client against a real telepane-server: a host kept registered by HostRegistration, a
// viewer looking it up and coordinating a hole punch through the server (TCP only), and answers it must refuse.
#include "server_fixture.hpp"

#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/rendezvous/rendezvous_client.hpp>

using namespace telepane::test;
using namespace telepane::core;
namespace rv = telepane::core::rendezvous;

namespace {
struct Plugins {
  Logger logger{[](LogLevel, const std::string&) {}, LogLevel::Error};
  ThreadPool pool{1};
  EventBus bus{logger};
  plugins::PluginManager manager{{logger, bus, pool}};
  Plugins() {
    manager.discover({TELEPANE_PLUGIN_DIR});
    manager.load({}, [](const std::string&) { return config::Value::map({}); });
  }
  plugins::FeatureRef tcp() { return *manager.feature(TP_KIND_TRANSPORT, "tcp"); }
};

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 2000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// A host's registration options, with the states it reports collected.
struct HostStates {
  std::mutex mu;
  std::vector<std::string> states;
  rv::HostRegistration::Options options(Plugins& p, const Server& server, const identity::Identity& id) {
    rv::HostRegistration::Options o;
    o.transport = p.tcp();
    o.server = server.rendezvous;
    o.server_key = *rv::parse_public_key(server.key);
    o.identity = &id;
    o.on_state = [this](const std::string& s) {
      std::lock_guard lock(mu);
      states.push_back(s);
    };
    return o;
  }
  bool registered() {
    std::lock_guard lock(mu);
    return !states.empty() && states.back().rfind("registered as", 0) == 0;
  }
};
}  // namespace

TEST_CASE("punch coordination: the viewer's candidates reach the host and the host's come back, over TCP") {
  Server server;
  Plugins p;
  const auto key = *rv::parse_public_key(server.key);
  auto host_id = identity::Identity::generate();
  HostStates host;
  auto o = host.options(p, server, host_id);
  std::mutex mu;
  std::vector<std::string> asked;
  std::string link_id;
  o.on_punch = [&](const rv::Punch& punch) {
    std::lock_guard lock(mu);
    asked.assign(punch.candidates().begin(), punch.candidates().end());
    link_id = punch.link_id();
    return std::vector<std::string>{"192.0.2.7:40001", "10.0.0.7:40001"};
  };
  rv::HostRegistration registration(o, p.logger);
  REQUIRE(eventually([&] { return host.registered(); }));

  rv::RendezvousConnection viewer(p.tcp(), server.rendezvous, 10s);
  const auto answer = rv::lookup(viewer, key, host_id.numeric_id(), 10s);
  CHECK(answer.online());
  CHECK(answer.key() == std::string(host_id.public_key().begin(), host_id.public_key().end()));
  const auto reply = rv::punch(viewer, host_id.numeric_id(), {"198.51.100.9:5000"}, 10s, "link-id-16-bytes");
  CHECK(std::vector<std::string>(reply.candidates().begin(), reply.candidates().end()) ==
        std::vector<std::string>{"192.0.2.7:40001", "10.0.0.7:40001"});
  CHECK(reply.peer_id() == host_id.numeric_id());
  {
    std::lock_guard lock(mu);
    CHECK(asked == std::vector<std::string>{"198.51.100.9:5000"});
    CHECK(link_id == "link-id-16-bytes");  // passed through unchanged: both ends' UDP link carries it
  }
  // A link id of the wrong size is a bad request.
  {
    rv::RendezvousConnection other(p.tcp(), server.rendezvous, 10s);
    CHECK_THROWS_WITH(rv::punch(other, host_id.numeric_id(), {"198.51.100.9:5000"}, 10s, "short"),
                      Catch::Contains("bad request: a punch link id is 8 to 64 bytes"));
  }
  // Too many candidates is a bad request, and the connection ends.
  std::vector<std::string> many(9, "198.51.100.9:5000");
  CHECK_THROWS_WITH(rv::punch(viewer, host_id.numeric_id(), many, 10s),
                    Catch::Contains("bad request: at most 8 candidates"));
}

TEST_CASE("a host that cannot punch still answers at once, with no candidates") {
  Server server;
  Plugins p;
  auto host_id = identity::Identity::generate();
  HostStates host;
  rv::HostRegistration registration(host.options(p, server, host_id), p.logger);  // no on_punch: no udp transport
  REQUIRE(eventually([&] { return host.registered(); }));
  rv::RendezvousConnection viewer(p.tcp(), server.rendezvous, 10s);
  const auto reply = rv::punch(viewer, host_id.numeric_id(), {"198.51.100.9:5000"}, 2s, "link-id-16-bytes");
  CHECK(reply.candidates_size() == 0);
}

TEST_CASE("a viewer refuses answers the pinned key did not sign, and punching an offline host is an error") {
  Server server;
  Plugins p;
  rv::RendezvousConnection viewer(p.tcp(), server.rendezvous, 10s);
  const auto other = rv::ServerKey::generate();  // a server key the viewer did not pin
  auto host_id = identity::Identity::generate();
  // Register a host first so a lookup has something to sign.
  {
    rv::RendezvousConnection h(p.tcp(), server.rendezvous, 10s);
    rv::ClientMessage m;
    auto* reg = m.mutable_register_();
    reg->set_id(host_id.numeric_id());
    reg->set_key(std::string(host_id.public_key().begin(), host_id.public_key().end()));
    reg->set_proof(rv::prove_registration(host_id.private_key(), *rv::parse_public_key(server.key), h.challenge(),
                                          reg->id(), reg->key()));
    h.send(m);
    REQUIRE(h.expect(10s).has_registered());
    CHECK_THROWS_WITH(rv::lookup(viewer, other.public_key(), host_id.numeric_id(), 10s),
                      "the rendezvous answer is not signed by the pinned server key (rendezvous.key)");
  }
  // The host's connection is gone: it is offline now.
  rv::RendezvousConnection viewer2(p.tcp(), server.rendezvous, 10s);
  REQUIRE(eventually([&] {
    try {
      return !rv::lookup(viewer2, *rv::parse_public_key(server.key), host_id.numeric_id(), 10s).online();
    } catch (const rv::ProtocolError&) {
      return false;
    }
  }));
  CHECK_THROWS_WITH(rv::punch(viewer2, host_id.numeric_id(), {"198.51.100.9:5000"}, 10s),
                    Catch::Contains("peer " + host_id.numeric_id() + " is offline"));
}
