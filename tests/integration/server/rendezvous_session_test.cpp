// The whole product on loopback: telepane-server, a host registered at it, viewers connecting by ID (direct,
// and through the relay), the reasons a connection fails, and a server restart.
#include "server_fixture.hpp"

#include <fstream>
#include <sstream>

using namespace telepane::test;

namespace {
// A viewer connecting by ID; `args` adds --relay and the like.
std::unique_ptr<ChildProcess> viewer(const Machine& m, const std::string& id, const std::string& password,
                                     std::vector<std::string> args = {}) {
  std::vector<std::string> argv = {TELEPANE_BIN, "connect", id, "--password", password};
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<ChildProcess>(argv, m.env());
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void chat_both_ways(ChildProcess& v, Host& host, const std::string& tag) {
  REQUIRE(v.wait_for("session: established", 30s));
  v.write("hello host " + tag + "\n");
  REQUIRE(host.proc->wait_for("viewer: hello host " + tag, 20s));
  host.proc->write("hello viewer " + tag + "\n");
  REQUIRE(v.wait_for("host: hello viewer " + tag, 20s));
  v.close_stdin();
  CHECK(v.wait_exit(20s) == 0);
}
}  // namespace

TEST_CASE("by ID: chat both ways on the direct path, then through the relay") {
  Server server;
  Host host(server);
  Machine m(server);
  auto direct = viewer(m, host.id, host.otp());
  REQUIRE(direct->wait_for("connecting to " + host.id + " (direct tcp 127.0.0.1:", 20s));
  chat_both_ways(*direct, host, "direct");

  REQUIRE(host.proc->wait_for("session: closed", 20s));
  auto relayed = viewer(m, host.id, host.otp(), {"--relay"});
  REQUIRE(relayed->wait_for("connecting to " + host.id + " (relay " + server.relay, 20s));
  chat_both_ways(*relayed, host, "relayed");
  CHECK(server.proc->out().empty() == false);
  CHECK(server.proc->err().find("relay: paired") != std::string::npos);
}

TEST_CASE("by ID: a wrong password is a clear error, repeated ones back off, the one-time password rotates") {
  Server server;
  // A back-off long enough that the fourth attempt meets it even on a loaded machine.
  Host host(server, "host: {auth_backoff_ms: 4000}\n");
  Machine m(server);
  for (int i = 0; i < 3; ++i) {
    auto wrong = viewer(m, host.id, "nope", {"--relay"});
    CHECK(wrong->wait_exit(30s) == 1);
    CHECK(wrong->err() == "telepane: wrong password\n");
  }
  auto fourth = viewer(m, host.id, "nope");
  CHECK(fourth->wait_exit(30s) == 1);
  CHECK_THAT(fourth->err(), Catch::StartsWith("telepane: too many wrong passwords: try again in "));

  // A session uses the one-time password up: the next viewer needs the new one.
  std::this_thread::sleep_for(4500ms);  // past the back-off
  const std::string first = host.otp();
  auto ok = viewer(m, host.id, first);
  chat_both_ways(*ok, host, "otp");
  REQUIRE(host.proc->wait_for("session: closed", 20s));
  const std::string second = host.otp();
  CHECK(second != first);
  auto stale = viewer(m, host.id, first);
  CHECK(stale->wait_exit(30s) == 1);
  CHECK(stale->err() == "telepane: wrong password\n");
}

TEST_CASE("by ID: a pinned key that differs from the host's ends with key mismatch, both keys and the fix") {
  Server server;
  Host host(server);
  Machine m(server);
  const std::string other = host.id + "@" + std::string(32, 'a');
  auto r = run_process({TELEPANE_BIN, "known-hosts", "accept", other}, {m.env(), {}, 20s});
  REQUIRE(r.exit_code == 0);
  auto v = viewer(m, host.id, host.otp());
  CHECK(v->wait_exit(30s) == 1);
  CHECK_THAT(v->err(), Catch::Contains("key mismatch") && Catch::Contains(std::string(32, 'a')) &&
                           Catch::Contains(host.full_id.substr(10)) && Catch::Contains("telepane known-hosts accept"));
}

TEST_CASE("by ID: an unknown ID and an offline host are named as such") {
  Server server;
  Machine m(server);
  auto v = viewer(m, "123456789", "x");
  CHECK(v->wait_exit(30s) == 1);
  CHECK(v->err() == "telepane: rendezvous server " + server.rendezvous + ": peer 123456789 is not registered here\n");
}

TEST_CASE("the server restarts: same key, the host registers again, the registry remembers who went offline") {
  Server server;
  std::string id;
  {
    Host host(server);
    id = host.id;
    const std::string listen = server.rendezvous;
    const std::string key = server.key;
    server.stop();
    server.start(listen);
    CHECK(server.key == key);                           // peers pinned it: a restart must not change it
    REQUIRE(host.proc->wait_for("rendezvous: ", 20s));  // it noticed
    // Registered twice now: once before the restart, once after.
    for (int i = 0; i < 100 && host.proc->out().find("registered as", host.proc->out().find("registered as") + 1) ==
                                   std::string::npos;
         ++i)
      std::this_thread::sleep_for(100ms);
    Machine m(server);
    auto v = viewer(m, host.id, host.otp(), {"--relay"});
    chat_both_ways(*v, host, "after restart");
  }
  // The host is gone; the registry still knows its key, so the viewer learns it is offline, not unknown.
  server.stop();
  server.start(server.rendezvous);
  Machine m(server);
  auto v = viewer(m, id, "x");
  CHECK(v->wait_exit(30s) == 1);
  CHECK(v->err() == "telepane: host " + id + " is offline\n");
}

TEST_CASE("confirm-on-host: the person at the host accepts with y and declines with n") {
  Server server;
  Host host(server, "host: {confirm: ask}\n");
  Machine m(server);
  auto v = viewer(m, host.id, host.otp());
  REQUIRE(host.proc->wait_for("wants to connect. Accept? [y/N]", 30s));
  CHECK_THAT(host.proc->out(), Catch::Contains("(device "));  // the IK handshake identified the viewer's key
  REQUIRE(v->wait_for("waiting for the person at the host to accept", 20s));
  host.proc->write("y\n");
  chat_both_ways(*v, host, "confirmed");

  REQUIRE(host.proc->wait_for("session: closed", 20s));
  auto declined = viewer(m, host.id, host.otp());
  for (int i = 0; i < 300 && count(host.proc->out(), "wants to connect") < 2; ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(count(host.proc->out(), "wants to connect") == 2);
  host.proc->write("n\n");
  CHECK(declined->wait_exit(30s) == 1);
  CHECK(declined->err() == "telepane: the person at the host declined the session\n");
}

TEST_CASE("telepane-server --help names the roles, ports and flags, and a bad flag is a usage error") {
  TempDir home;
  auto r = run_process({TELEPANE_SERVER_BIN, "--help"}, {{{"HOME", home.path().string()}}, {}, 20s});
  CHECK(r.exit_code == 0);
  for (auto word : {"21116", "21117", "21115", "STUN", "-p [ --port ]", "-r [ --relay-servers ]", "-k [ --key ]",
                    "-b [ --bandwidth ]", "--print-key"})
    CHECK_THAT(r.out, Catch::Contains(word));
  r = run_process({TELEPANE_SERVER_BIN, "--role", "bouncer"}, {{{"HOME", home.path().string()}}, {}, 20s});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "telepane-server: --role must be rendezvous, relay or both, not 'bouncer' (see telepane-server --help)\n");
  r = run_process({TELEPANE_SERVER_BIN, "--role", "relay", "--data", (home / "d").string()},
                  {{{"HOME", home.path().string()}}, {}, 20s});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("needs the rendezvous server's public key: -k KEY"));
}

TEST_CASE("the server restarts under a relayed session: the session resumes through a new relay pairing") {
  Server server;
  Host host(server);
  Machine m(server);
  auto v = viewer(m, host.id, host.otp(), {"--relay"});
  REQUIRE(v->wait_for("session: established", 30s));
  const std::string listen = server.rendezvous;
  server.stop();  // every relayed byte stream dies with it
  server.start(listen);
  REQUIRE(v->wait_for("session: reconnecting: connection lost", 20s));
  REQUIRE(v->wait_for("session: resumed", 30s));
  v->write("after the restart\n");
  REQUIRE(host.proc->wait_for("viewer: after the restart", 20s));
  host.proc->write("welcome back\n");
  REQUIRE(v->wait_for("host: welcome back", 20s));
  v->close_stdin();
  CHECK(v->wait_exit(20s) == 0);
}

TEST_CASE("telepane-server: the shipped config is valid and the committed config reference is current") {
  TempDir home;
  const std::map<std::string, std::string> env = {{"HOME", home.path().string()},
                                                  {"TELEPANE_SYSCONFDIR", (home / "etc").string()}};
  auto r = run_process({TELEPANE_SERVER_BIN, "-c", TELEPANE_SOURCE_DIR "/config/server.yaml", "--data",
                        (home / "d").string(), "--print-key"},
                       {env, {}, 20s});
  CHECK(r.exit_code == 0);
  CHECK(r.out.size() == 44);  // the key and a newline
  r = run_process({TELEPANE_SERVER_BIN, "--config-reference"}, {env, {}, 20s});
  REQUIRE(r.exit_code == 0);
  std::ifstream committed(TELEPANE_SOURCE_DIR "/docs/server-config-reference.md");
  std::stringstream text;
  text << committed.rdbuf();
  INFO("regenerate with: build/bin/telepane-server --config-reference > docs/server-config-reference.md");
  CHECK(text.str() == r.out);
  // A bad setting is named with its place.
  home.write("bad.yaml", "relay:\n  idle_timeout_ms: -5\n");
  r = run_process({TELEPANE_SERVER_BIN, "-c", (home / "bad.yaml").string(), "--print-key"}, {env, {}, 20s});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:2:") && Catch::Contains("relay.idle_timeout_ms"));
}

TEST_CASE("telepane nat asks the server's STUN reflector: no NAT on loopback, silence, and no server at all") {
  Server server;
  Machine m(server);
  auto r = run_process({TELEPANE_BIN, "nat"}, {m.env(), {}, 30s});  // the server from the config
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("mapped address: 127.0.0.1:") &&
                        Catch::Contains("mapping: none (a public address") &&
                        Catch::Contains("filtering: endpoint-independent or address-dependent"));
  // A port where nothing answers: said in plain words, exit 1.
  r = run_process({TELEPANE_BIN, "nat", "--server", "127.0.0.1:9"}, {m.env(), {}, 30s});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("UDP to the server is blocked or the server is down"));
  TempDir empty;
  r = run_process({TELEPANE_BIN, "nat"}, {{{"HOME", empty.path().string()},
                                           {"XDG_CONFIG_HOME", (empty / "config").string()},
                                           {"TELEPANE_SYSCONFDIR", (empty / "etc").string()}},
                                          {},
                                          30s});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "telepane: no rendezvous server to ask: --server HOST or rendezvous.server (see telepane --help)\n");
}
