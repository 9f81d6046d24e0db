// The telepane executable as a user meets it: real process, real plugin directory, real config files.
#include <catch2/catch.hpp>

#include "process.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using telepane::test::ProcessResult;
using telepane::test::RunOptions;
using telepane::test::TempDir;

namespace {
// Every run is isolated from the machine's own config: its own HOME, XDG dirs and system config dir.
struct Cli {
  TempDir home;
  ProcessResult run(std::vector<std::string> args, const std::map<std::string, std::string>& extra_env = {}) const {
    args.insert(args.begin(), TELEPANE_BIN);
    RunOptions o;
    o.env = {{"HOME", home.path().string()},
             {"XDG_CONFIG_HOME", (home / "config").string()},
             {"XDG_DATA_HOME", (home / "data").string()},
             {"TELEPANE_SYSCONFDIR", (home / "etc").string()}};
    for (const auto& [k, v] : extra_env) o.env[k] = v;
    return telepane::test::run_process(args, o);
  }
};

std::size_t lines(const std::string& s) {
  return std::size_t(std::count(s.begin(), s.end(), '\n'));
}
}  // namespace

TEST_CASE("help and version") {
  Cli cli;
  auto r = cli.run({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("plugins list") != std::string::npos);
  CHECK(r.out.find("--set") != std::string::npos);
  r = cli.run({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("telepane 0.1.0 (plugin ABI 1.3)", 0) == 0);
}

TEST_CASE("usage errors exit 2 with one line") {
  Cli cli;
  for (auto args : std::vector<std::vector<std::string>>{
           {"frobnicate"}, {"--no-such-option"}, {"plugins"}, {"plugins", "list", "extra"}, {"config", "--set"}}) {
    auto r = cli.run(args);
    INFO("args: " << (args.empty() ? "" : args[0]) << " stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.rfind("telepane: ", 0) == 0);
  }
}

TEST_CASE("no command opens the desktop app, which without a display says what to use instead") {
  Cli cli;
  const auto r = cli.run({}, {{"DISPLAY", ""}, {"WAYLAND_DISPLAY", ""}});  // as on a server, whatever runs the test
  CHECK(r.exit_code == 1);
  CHECK(lines(r.err) == 1);
  CHECK(r.err ==
        "telepane: the desktop app needs a display (DISPLAY is not set). Without a window: telepane host, telepane "
        "connect ID --headless (see telepane --help)\n");
  CHECK(r.out.empty());  // nothing started: no ID printed, nothing shared
}

TEST_CASE("plugins list shows the in-tree plugins loaded") {
  Cli cli;
  auto r = cli.run({"plugins", "list"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("ID ", 0) == 0);
  // The synthetic test pattern is never shared unless asked for.
  CHECK(r.out.find("org.telepane.capture.testpattern  0.1.0     capture           disabled") != std::string::npos);
  CHECK(r.out.find("org.telepane.codec.raw            0.1.0     encoder,decoder   loaded") != std::string::npos);
  CHECK(r.err.empty());
  // Every in-tree plugin loads: a broken schema or a failing probe would show here.
  INFO(r.out);
  // The one probe that may fail here: X11 capture when this machine has no display (CI); it names why.
  std::string out = r.out;
  const std::string no_display = "capture 'x11' probe failed: cannot open X display";
  if (const auto at = out.find(no_display); at != std::string::npos) out.erase(at, no_display.size());
  CHECK(out.find("failed") == std::string::npos);
}

TEST_CASE("enabling and disabling in YAML changes plugins list") {
  Cli cli;
  SECTION("disable in the user's file") {
    cli.home.write("config/telepane/peer.yaml", "plugins:\n  disable: [org.telepane.codec.raw]\n");
    auto r = cli.run({"plugins", "list"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("org.telepane.codec.raw            0.1.0     encoder,decoder   disabled") != std::string::npos);
    CHECK(r.out.find("capture           loaded") != std::string::npos);
  }
  SECTION("enable in a system file") {
    cli.home.write("etc/peer.yaml", "plugins:\n  enable: [org.telepane.codec.raw]\n");
    auto r = cli.run({"plugins", "list"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("capture           disabled") != std::string::npos);
    CHECK(r.out.find("encoder,decoder   loaded") != std::string::npos);
  }
  SECTION("add loads a plugin that is off by default, leaving the others as they are") {
    auto r = cli.run({"--set", "plugins.add=[org.telepane.capture.testpattern]", "plugins", "list"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("org.telepane.capture.testpattern  0.1.0     capture           loaded") != std::string::npos);
    CHECK(r.out.find("org.telepane.codec.raw            0.1.0     encoder,decoder   loaded") != std::string::npos);
  }
  SECTION("--set beats the files") {
    cli.home.write("config/telepane/peer.yaml", "plugins:\n  disable: [org.telepane.codec.raw]\n");
    auto r = cli.run({"--set", "plugins.disable=[]", "plugins", "list"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("org.telepane.codec.raw            0.1.0     encoder,decoder   loaded") != std::string::npos);
  }
  SECTION("an unknown id in the lists is a config error") {
    const auto f = cli.home.write("c.yaml", "plugins:\n  disable: [org.telepane.codec.rav]\n");
    auto r = cli.run({"--config", f.string(), "plugins", "list"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "telepane: " + f.string() + ":2:13: no installed plugin has the id 'org.telepane.codec.rav'\n");
  }
}

TEST_CASE("config mistakes are reported with file:line:col and exit 2") {
  Cli cli;
  SECTION("a misspelt key") {
    const auto f = cli.home.write("c.yaml", "org.telepane.capture.testpattern:\n  fsp: 60\n");
    auto r = cli.run({"config", "check", f.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "telepane: " + f.string() +
                       ":2:8: unknown key 'org.telepane.capture.testpattern.fsp' (did you mean 'fps'?)\n");
  }
  SECTION("a wrong type") {
    const auto f = cli.home.write("c.yaml", "org.telepane.capture.testpattern:\n  fps: fast\n");
    auto r = cli.run({"--config", f.string(), "plugins", "list"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "telepane: " + f.string() +
                       ":2:8: 'org.telepane.capture.testpattern.fps': expected an integer, found string 'fast'\n");
  }
  SECTION("a misspelt top-level key") {
    const auto f = cli.home.write("c.yaml", "plugin:\n  dirs: []\n");
    auto r = cli.run({"config", "check", f.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(f.string() + ":2:3: unknown key 'plugin'") != std::string::npos);
  }
  SECTION("a YAML syntax error") {
    const auto f = cli.home.write("c.yaml", "log: {level: debug\n");
    auto r = cli.run({"config", "check", f.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("telepane: " + f.string() + ":", 0) == 0);
    CHECK(lines(r.err) == 1);
  }
  SECTION("a bad --set names the override") {
    auto r = cli.run({"--set", "org.telepane.capture.testpattern.fps=9999", "config", "check"});
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "telepane: --set org.telepane.capture.testpattern.fps=9999: "
          "'org.telepane.capture.testpattern.fps': expected integer 1..240, found 9999\n");
  }
  SECTION("a missing --config file") {
    auto r = cli.run({"--config", "/nonexistent/x.yaml", "config", "check"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "telepane: /nonexistent/x.yaml: no such config file\n");
  }
  SECTION("the shipped default config passes") {
    auto r = cli.run({"config", "check", TELEPANE_SOURCE_DIR "/config/peer.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
  }
  SECTION("a good file passes") {
    const auto f = cli.home.write("c.yaml", "log: {level: warn}\norg.telepane.capture.testpattern: {fps: 60}\n");
    auto r = cli.run({"config", "check", f.string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "config ok: " + f.string() + "\n");
  }
}

TEST_CASE("set overrides reach the plugin's settings") {
  Cli cli;
  cli.home.write("config/telepane/peer.yaml", "org.telepane.capture.testpattern: {fps: 10, width: 640}\n");
  auto r = cli.run(
      {"--set", "org.telepane.capture.testpattern.fps=60", "plugins", "info", "org.telepane.capture.testpattern"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(R"(in effect:   {"width":640,"height":720,"fps":60,"motion":true})") != std::string::npos);
  CHECK(r.out.find("  fps: integer 1..240 (default 30) - Frames a second") != std::string::npos);
  r = cli.run({"plugins", "info", "org.nothing"});
  CHECK(r.exit_code == 2);
  CHECK(lines(r.err) == 1);
}

TEST_CASE("a fixture directory: each broken plugin has its reason in the list, the good ones load") {
  Cli cli;
  auto r = cli.run({"--set", std::string("plugins.dirs=[") + TELEPANE_FIXTURE_PLUGIN_DIR + "]", "plugins", "list"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());  // the table is the report; the loader's log lines would repeat it
  auto row = [&](const std::string& key) {
    const auto at = r.out.find(key);
    REQUIRE(at != std::string::npos);
    return r.out.substr(at, r.out.find('\n', at) - at);
  };
  CHECK(row("org.telepane.test.good ").find("loaded") != std::string::npos);
  CHECK(row("fixture-not-a-library.so").find("failed     not a loadable shared library") != std::string::npos);
  CHECK(row("fixture-abi-major.so").find("ABI major mismatch") != std::string::npos);
  CHECK(row("org.telepane.test.cycle-a").find("dependency cycle") != std::string::npos);
  CHECK(row("org.telepane.test.optional-missing").find("loaded") != std::string::npos);
}

TEST_CASE("config reference documents every setting") {
  Cli cli;
  auto r = cli.run({"config", "reference"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("| `log.level` | one of trace, debug, info, warn, error | `\"info\"` |") != std::string::npos);
  CHECK(r.out.find("## org.telepane.capture.testpattern") != std::string::npos);
  CHECK(r.out.find("| `org.telepane.capture.testpattern.fps` | integer 1..240 | `30` | Frames a second |") !=
        std::string::npos);
}

TEST_CASE("the committed config reference is what the code generates") {
  Cli cli;
  auto r = cli.run({"config", "reference"});
  REQUIRE(r.exit_code == 0);
  std::ifstream committed(TELEPANE_SOURCE_DIR "/docs/config-reference.md");
  std::stringstream text;
  text << committed.rdbuf();
  INFO("regenerate with: build/bin/telepane config reference > docs/config-reference.md");
  CHECK(text.str() == r.out);
}

TEST_CASE("plugin new refuses bad input and existing work") {
  Cli cli;
  auto r = cli.run({"plugin", "new", "Bad_Name", "--kind", "codec", "--dir", (cli.home / "x").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("plugin name 'Bad_Name'") != std::string::npos);
  r = cli.run({"plugin", "new", "ok", "--kind", "transport", "--dir", (cli.home / "x").string()});
  CHECK(r.exit_code == 2);
  r = cli.run({"plugin", "new", "ok", "--dir", (cli.home / "x").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "telepane: plugin new needs --kind (codec or capture) (see telepane --help)\n");
  cli.home.write("x/keep.txt", "mine");
  r = cli.run({"plugin", "new", "ok", "--kind", "codec", "--dir", (cli.home / "x").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("exists and is not empty; nothing was written") != std::string::npos);
  CHECK(fs::exists(cli.home / "x/keep.txt"));
  CHECK_FALSE(fs::exists(cli.home / "x/CMakeLists.txt"));
}

TEST_CASE("telepane id creates the key on first run and prints the same IDs after") {
  Cli cli;
  auto r = cli.run({"id"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("key file: " + (cli.home / "data/telepane/identity").string()) != std::string::npos);
  const auto full = r.out.substr(r.out.find("full id:  ") + 10, 9 + 1 + 32);
  CHECK(full[9] == '@');
  auto again = cli.run({"id"});
  CHECK(again.out == r.out);
  fs::permissions(cli.home / "data/telepane/identity", fs::perms::others_read, fs::perm_options::add);
  auto refused = cli.run({"id"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("permissions are too open") != std::string::npos);
}

TEST_CASE("known-hosts: accept pins a full ID, list shows it, forget drops it") {
  Cli cli;
  const std::string host = "204344241@jecsmfbssaxm66a6gqmtx64jk3xt7jgd";
  auto r = cli.run({"known-hosts", "accept", host});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "pinned " + host + "\n");
  r = cli.run({"known-hosts", "accept", "204344241@aaasmfbssaxm66a6gqmtx64jk3xt7jgd"});
  CHECK(r.out == "re-pinned 204344241@aaasmfbssaxm66a6gqmtx64jk3xt7jgd (was jecsmfbssaxm66a6gqmtx64jk3xt7jgd)\n");
  r = cli.run({"known-hosts", "list"});
  CHECK(r.out == "204344241@aaasmfbssaxm66a6gqmtx64jk3xt7jgd\n");
  r = cli.run({"known-hosts", "forget", "204344241"});
  CHECK(r.exit_code == 0);
  CHECK(cli.run({"known-hosts", "list"}).out.empty());
  r = cli.run({"known-hosts", "accept", "204344241"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "telepane: '204344241' is not a full ID (ID@fingerprint) (see telepane --help)\n");
}

TEST_CASE("password hash prints a verifier the config accepts") {
  Cli cli;
  const auto input = cli.home.write("pw.txt", "correct horse battery\n");
  auto r = telepane::test::run_process(
      {"/bin/sh", "-c",
       std::string(TELEPANE_BIN) + " --set org.telepane.auth.password.memory_mib=8 password hash < " + input.string()},
      {{{"HOME", cli.home.path().string()},
        {"XDG_CONFIG_HOME", (cli.home / "config").string()},
        {"XDG_DATA_HOME", (cli.home / "data").string()},
        {"TELEPANE_SYSCONFDIR", (cli.home / "etc").string()}},
       {},
       std::chrono::seconds(60)});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("org.telepane.auth.password:\n  verifier: \"scram-argon2id$2$8$", 0) == 0);
  // The printed snippet is valid config: the plugin loads with it.
  const auto conf = cli.home.write("c.yaml", r.out);
  auto check = cli.run({"--config", conf.string(), "plugins", "list"});
  CHECK(check.out.find("org.telepane.auth.password") != std::string::npos);
  CHECK(check.out.find("auth              loaded") != std::string::npos);
}
