// `telepane host` and `telepane connect` as people run them: two real processes on loopback, chat typed on one
// terminal appearing on the other, and the reasons a connection fails.
#include <catch2/catch.hpp>

#include "child_process.hpp"
#include "frame_proxy.hpp"
#include "peer_processes.hpp"
#include "process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

using telepane::test::ChildProcess;
using telepane::test::Machine;
using telepane::test::SharedDesk;
using telepane::test::TempDir;
using namespace std::chrono_literals;

namespace {
std::string field(const std::string& out, const std::string& prefix) {
  return telepane::test::last_field(out, prefix);
}
}  // namespace

TEST_CASE("host and connect: chat both ways, then the viewer leaves") {
  SharedDesk desk;
  Machine viewer_machine;
  ChildProcess viewer({TELEPANE_BIN, "connect", desk.full_id, "--address", desk.address, "--password", desk.otp},
                      viewer_machine.env());
  REQUIRE(viewer.wait_for("session: established", 30s));
  viewer.write("hello from the viewer\n");
  REQUIRE(desk.host->wait_for("viewer: hello from the viewer", 20s));
  desk.host->write("hello from the host\n");
  REQUIRE(viewer.wait_for("host: hello from the host", 20s));
  viewer.close_stdin();
  INFO("viewer stdout: " << viewer.out() << "\nviewer stderr: " << viewer.err());
  CHECK(viewer.wait_exit(20s) == 0);
  CHECK(viewer.out().find("closed: the viewer left") != std::string::npos);
  REQUIRE(desk.host->wait_for("session: closed: the viewer left", 20s));
  // The viewer pinned the host's key on first use.
  std::ifstream pins(viewer_machine.home / "data/telepane/known_hosts");
  std::stringstream text;
  text << pins.rdbuf();
  CHECK(text.str().find(desk.full_id.substr(0, 9) + " " + desk.full_id.substr(10)) != std::string::npos);
  // The host stops cleanly on SIGTERM.
  desk.host->signal(SIGTERM);
  CHECK(desk.host->wait_exit(20s) == 0);
  CHECK(desk.host->out().find("stopped") != std::string::npos);
}

TEST_CASE("a wrong password: exit 1 with the reason, and the host's one-time password is still good") {
  SharedDesk desk;
  Machine viewer_machine;
  ChildProcess wrong({TELEPANE_BIN, "connect", desk.full_id, "--address", desk.address, "--password", "nope"},
                     viewer_machine.env());
  CHECK(wrong.wait_exit(30s) == 1);
  CHECK(wrong.err() == "telepane: wrong password\n");
}

TEST_CASE("a full ID naming another key: exit 1 with key mismatch and both fingerprints") {
  SharedDesk desk;
  Machine viewer_machine;
  const std::string fake = desk.full_id.substr(0, 10) + std::string(32, 'a');
  ChildProcess viewer({TELEPANE_BIN, "connect", fake, "--address", desk.address, "--password", desk.otp},
                      viewer_machine.env());
  CHECK(viewer.wait_exit(30s) == 1);
  CHECK(viewer.err().find("key mismatch for " + desk.full_id.substr(0, 9)) != std::string::npos);
  CHECK(viewer.err().find(std::string(32, 'a')) != std::string::npos);
  CHECK(viewer.err().find(desk.full_id.substr(10)) != std::string::npos);
}

TEST_CASE("connect without an address, or with a malformed ID, is a usage error") {
  Machine m;
  auto r = telepane::test::run_process({TELEPANE_BIN, "connect", "123456789"}, {m.env(), {}, 20s});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--address HOST:PORT") != std::string::npos);
  r = telepane::test::run_process({TELEPANE_BIN, "connect", "12345"}, {m.env(), {}, 20s});
  CHECK(r.exit_code == 2);
}

TEST_CASE("a trusted device connects without a password, any other is asked for one") {
  Machine viewer_machine;
  const auto id = telepane::test::run_process({TELEPANE_BIN, "id"}, {viewer_machine.env(), {}, 20s});
  REQUIRE(id.exit_code == 0);
  const std::string viewer_full_id = field(id.out, "full id:  ");
  REQUIRE(viewer_full_id.size() == 42);
  SharedDesk desk("host: {trusted: [\"" + viewer_full_id + "\"]}\n");
  ChildProcess trusted({TELEPANE_BIN, "connect", desk.full_id, "--address", desk.address}, viewer_machine.env());
  REQUIRE(trusted.wait_for("session: established", 30s));
  trusted.write("no password needed\n");
  REQUIRE(desk.host->wait_for("viewer: no password needed", 20s));
  trusted.close_stdin();
  CHECK(trusted.wait_exit(20s) == 0);

  Machine stranger;
  ChildProcess other({TELEPANE_BIN, "connect", desk.full_id, "--address", desk.address}, stranger.env());
  CHECK(other.wait_exit(30s) == 1);
  CHECK(other.err() == "telepane: the host asks for a password: give it with --password or TELEPANE_PASSWORD\n");
}

namespace {
// A TCP connection from `source` (a loopback address) to `address` that never says anything.
int idle_connection(const std::string& source, const std::string& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  const auto colon = address.rfind(':');
  inet_pton(AF_INET, address.substr(0, colon).c_str(), &to.sin_addr);
  to.sin_port = htons(uint16_t(std::stoi(address.substr(colon + 1))));
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  return fd;
}

// True once the host closed the connection (EOF), within `limit`.
bool closed_by_host(int fd, std::chrono::seconds limit) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, int(std::chrono::milliseconds(limit).count())) <= 0) return false;
  char c;
  return ::read(fd, &c, 1) == 0;
}
}  // namespace

TEST_CASE("a flood of half-open connections from one address neither locks others out nor lingers") {
  SharedDesk desk("host: {max_pending_per_source: 3, auth_timeout_ms: 2000}\n");
  std::vector<int> flood;
  for (int i = 0; i < 40; ++i) flood.push_back(idle_connection("127.0.0.2", desk.address));
  // Beyond the cap, connections are closed at once.
  CHECK(closed_by_host(flood.back(), 10s));
  // Someone else connects and chats meanwhile.
  Machine viewer_machine;
  ChildProcess viewer({TELEPANE_BIN, "connect", desk.full_id, "--address", desk.address, "--password", desk.otp},
                      viewer_machine.env());
  REQUIRE(viewer.wait_for("session: established", 30s));
  viewer.write("still here\n");
  REQUIRE(desk.host->wait_for("viewer: still here", 20s));
  // The ones admitted are cut off when their authentication time runs out.
  CHECK(closed_by_host(flood.front(), 10s));
  CHECK(desk.host->wait_for("session: closed: authentication timed out", 10s));  // printed from the bus, a moment later
  for (int fd : flood) ::close(fd);
  viewer.close_stdin();
  CHECK(viewer.wait_exit(20s) == 0);
}

TEST_CASE("a man in the middle who tampers with frames ends the session with a clear error and delivers nothing") {
  using telepane::test::FrameProxy;
  for (auto [tamper, host_reason] :
       {std::pair{FrameProxy::Tamper::FlipBit, "session: closed: a message failed to open"},
        std::pair{FrameProxy::Tamper::Drop, "session: closed: a message failed to open"},
        std::pair{FrameProxy::Tamper::Duplicate, "session: closed: a message failed to open"},
        std::pair{FrameProxy::Tamper::Reorder, "session: closed: a message failed to open"},
        std::pair{FrameProxy::Tamper::Truncate, "session: closed: connection lost"}}) {
    INFO("tamper mode " << int(tamper));
    // The viewer tries to resume after each of these, and cannot (the proxy serves one connection): a short
    // window lets the sessions end soon.
    SharedDesk desk("host: {resume_window_ms: 2000}\n");
    FrameProxy proxy(desk.address);
    Machine viewer_machine;
    ChildProcess viewer({TELEPANE_BIN, "connect", desk.full_id, "--address", proxy.address(), "--password", desk.otp},
                        viewer_machine.env());
    REQUIRE(viewer.wait_for("session: established", 30s));
    proxy.arm(tamper);
    viewer.write("first secret line\n");
    viewer.write("second secret line\n");
    viewer.write("third secret line\n");
    CHECK(desk.host->wait_for(host_reason, 20s));
    CHECK(viewer.wait_exit(30s) == 0);  // the viewer had its session; it reports the end and exits
    CHECK(viewer.out().find("closed: connection lost") != std::string::npos);
    // Only whole, authentic lines ever reach the host: anything after the tampered frame is refused.
    const std::string shown = desk.host->out();
    for (std::size_t at = shown.find("viewer: "); at != std::string::npos; at = shown.find("viewer: ", at + 1)) {
      const std::string line = shown.substr(at, shown.find('\n', at) - at);
      CHECK((line == "viewer: first secret line" || line == "viewer: second secret line" ||
             line == "viewer: third secret line"));
    }
  }
}

TEST_CASE("the connection drops mid-session: the viewer reconnects and the session resumes where it was") {
  using telepane::test::FrameProxy;
  SharedDesk desk;
  FrameProxy network(desk.address, /*serve_again=*/true);
  Machine viewer_machine;
  ChildProcess viewer({TELEPANE_BIN, "connect", desk.full_id, "--address", network.address(), "--password", desk.otp},
                      viewer_machine.env());
  REQUIRE(viewer.wait_for("session: established", 30s));
  network.arm(FrameProxy::Tamper::Truncate);  // this line's frame is cut and the connection dies
  viewer.write("sent as the line went down\n");
  REQUIRE(viewer.wait_for("session: reconnecting: connection lost", 20s));
  REQUIRE(viewer.wait_for("session: resumed", 20s));
  REQUIRE(desk.host->wait_for("viewer: sent as the line went down", 20s));
  desk.host->write("still here\n");
  REQUIRE(viewer.wait_for("host: still here", 20s));
  viewer.close_stdin();
  CHECK(viewer.wait_exit(20s) == 0);
  CHECK(network.clients() == 2);
  // One password, one session: the host never asked again.
  const std::string host_out = desk.host->out();
  CHECK(host_out.find("session: authenticating") == host_out.rfind("session: authenticating"));
  CHECK(host_out.find("viewer: sent as the line went down") == host_out.rfind("viewer: sent as the line went down"));
}

TEST_CASE("a terminal line that never ends is dropped with a note, and the terminal still works") {
  SharedDesk desk;
  Machine viewer_machine;
  desk.host->write(std::string(70000, 'x'));
  REQUIRE(desk.host->wait_for("a line of over 65536 bytes on the terminal was dropped", 20s));
  desk.host->write(std::string(1000, 'y') + "\n");  // the rest of that line: dropped too, not chat
  ChildProcess viewer({TELEPANE_BIN, "connect", desk.full_id, "--address", desk.address, "--password", desk.otp},
                      viewer_machine.env());
  REQUIRE(viewer.wait_for("session: established", 30s));
  REQUIRE(desk.host->wait_for("session: established", 30s));  // the host's chat service runs: the line has a way out
  desk.host->write("after the long line\n");
  REQUIRE(viewer.wait_for("host: after the long line", 20s));
  CHECK(viewer.out().find("yyyy") == std::string::npos);
  viewer.close_stdin();
  CHECK(viewer.wait_exit(20s) == 0);
}
