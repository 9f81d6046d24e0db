// A real telepane-server on loopback ports of its own, and peers with homes of their own that use it.
#pragma once

#include "child_process.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

namespace telepane::test {
using namespace std::chrono_literals;

inline std::string field(const std::string& out, const std::string& prefix) {
  return last_field(out, prefix);
}

struct Server {
  TempDir dir;
  std::unique_ptr<ChildProcess> proc;
  std::string rendezvous, relay, key;
  std::vector<std::string> extra;

  explicit Server(std::vector<std::string> extra_args = {}) : extra(std::move(extra_args)) { start("127.0.0.1:0"); }
  ~Server() { stop(); }

  std::map<std::string, std::string> env() const {
    return {{"HOME", dir.path().string()}, {"TELEPANE_SYSCONFDIR", (dir / "etc").string()}};
  }
  // `listen`: the rendezvous address; a restart passes the one it had.
  void start(const std::string& listen) {
    std::vector<std::string> argv = {TELEPANE_SERVER_BIN,           "--data", (dir / "data").string(),   "-s",
                                     "rendezvous.listen=" + listen, "-s",     "relay.listen=127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<ChildProcess>(argv, env());
    REQUIRE(proc->wait_for("key: ", 20s));
    rendezvous = field(proc->out(), "rendezvous listening on ");
    relay = field(proc->out(), "relay listening on ");
    key = field(proc->out(), "key: ");
    REQUIRE(key.size() == 43);
  }
  void stop() {
    if (!proc) return;
    proc->signal(SIGTERM);
    CHECK(proc->wait_exit(20s) == 0);
    proc.reset();
  }
  uint16_t rendezvous_port() const { return uint16_t(std::stoi(rendezvous.substr(rendezvous.rfind(':') + 1))); }
  uint16_t relay_port() const { return uint16_t(std::stoi(relay.substr(relay.rfind(':') + 1))); }
};

struct Machine {  // one peer's own home: identity, known hosts, config
  TempDir home;
  Machine(const Server& server, const std::string& extra_config = "") {
    home.write("config/telepane/peer.yaml",
               "org.telepane.auth.password: {memory_mib: 8}\n"
               "rendezvous: {server: \"" +
                   server.rendezvous + "\", key: \"" + server.key + "\"}\n" + extra_config);
  }
  std::map<std::string, std::string> env() const {
    return {{"HOME", home.path().string()},
            {"XDG_CONFIG_HOME", (home / "config").string()},
            {"XDG_DATA_HOME", (home / "data").string()},
            {"TELEPANE_SYSCONFDIR", (home / "etc").string()}};
  }
};

// A headless host registered at the server.
struct Host {
  Machine machine;
  std::unique_ptr<ChildProcess> proc;
  std::string id, full_id;
  Host(const Server& server, const std::string& extra_config = "") : machine(server, extra_config) {
    proc = std::make_unique<ChildProcess>(std::vector<std::string>{TELEPANE_BIN, "host", "--listen", "127.0.0.1:0"},
                                          machine.env());
    REQUIRE(proc->wait_for("registered as ", 20s));
    id = field(proc->out(), "\nid: ");
    full_id = field(proc->out(), "full id: ");
  }
  ~Host() {
    proc->signal(SIGTERM);
    proc->wait_exit(20s);
  }
  std::string otp() { return field(proc->out(), "one-time password: "); }
};

}  // namespace telepane::test
