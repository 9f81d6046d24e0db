// Telepane peers as people run them, for integration tests: each machine has its own home (identity, known hosts,
// config); a SharedDesk is a running `telepane host` with its address, full ID and one-time password read from
// its terminal. Header-only: the tests that use it define TELEPANE_BIN.
#pragma once

#include "child_process.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

#include <map>
#include <memory>
#include <string>

namespace telepane::test {

struct Machine {
  TempDir home;
  std::map<std::string, std::string> extra_env;  // e.g. DISPLAY
  std::map<std::string, std::string> env() const {
    std::map<std::string, std::string> e = {{"HOME", home.path().string()},
                                            {"XDG_CONFIG_HOME", (home / "config").string()},
                                            {"XDG_DATA_HOME", (home / "data").string()},
                                            {"TELEPANE_SYSCONFDIR", (home / "etc").string()}};
    for (const auto& [k, v] : extra_env) e[k] = v;
    return e;
  }
};

struct SharedDesk {
  Machine machine;
  std::unique_ptr<ChildProcess> host;
  std::string address, full_id, otp;
  // `extra_config`: YAML appended to the host's peer.yaml; `env`: more environment (DISPLAY of its desktop).
  explicit SharedDesk(const std::string& extra_config = "", const std::map<std::string, std::string>& env = {}) {
    machine.extra_env = env;
    machine.home.write("config/telepane/peer.yaml", "org.telepane.auth.password: {memory_mib: 8}\n" + extra_config);
    host = std::make_unique<ChildProcess>(std::vector<std::string>{TELEPANE_BIN, "host", "--listen", "127.0.0.1:0"},
                                          machine.env());
    REQUIRE(host->wait_for("full id: ", std::chrono::seconds(20)));
    REQUIRE(host->wait_for("one-time password: ", std::chrono::seconds(20)));
    address = last_field(host->out(), "listening on ");
    full_id = last_field(host->out(), "full id: ");
    otp = last_field(host->out(), "one-time password: ");
  }
  ~SharedDesk() {
    host->signal(SIGTERM);
    host->wait_exit(std::chrono::seconds(20));
  }
  // The one-time password rotates after each session.
  std::string current_otp() { return last_field(host->out(), "one-time password: "); }
};

}  // namespace telepane::test
