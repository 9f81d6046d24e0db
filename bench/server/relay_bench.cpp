// One relayed session's throughput and the relay's CPU, against socat relaying the same bytes on loopback.
// Both relays are separate processes (socat with the same 64 KiB buffer the relay reads with); the bench pushes N
// bytes through each and reads their CPU time from /proc.
//
//   relay_bench [--runs R] [--mib M]       (socat: scripts/setup --bench)
#include "../common/bench_support.hpp"

#include <telepane/core/rendezvous/protocol.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace rv = telepane::core::rendezvous;
using clock_type = std::chrono::steady_clock;

namespace {
using namespace telepane::bench;

// A child process whose stdout we read line by line.
struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
  explicit Child(const std::vector<std::string>& argv) {
    int p[2];
    if (pipe(p) != 0) std::exit(2);
    pid = fork();
    if (pid == 0) {
      dup2(p[1], STDOUT_FILENO);
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDERR_FILENO);
      close(p[0]);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(p[1]);
    out = fdopen(p[0], "r");
  }
  std::string line_with(const std::string& prefix) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, out) != nullptr) {
      std::string line(buf);
      if (line.rfind(prefix, 0) == 0)
        return line.substr(prefix.size(), line.find_last_not_of("\n") + 1 - prefix.size());
    }
    std::fprintf(stderr, "child ended before printing '%s'\n", prefix.c_str());
    std::exit(2);
  }
  // utime + stime in seconds.
  double cpu_seconds() const {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
  }
  ~Child() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    if (out) std::fclose(out);
  }
};

struct Result {
  double mib_per_s;
  double cpu_s_per_gbit;
};

// Pushes `bytes` from `from` to `to` and measures the relay's CPU over the transfer.
Result pump(int from, int to, std::size_t bytes, const Child& relay) {
  const double cpu0 = relay.cpu_seconds();
  const auto t0 = clock_type::now();
  std::thread sink([&] {
    std::vector<uint8_t> buf(256 * 1024);
    std::size_t got = 0;
    while (got < bytes) {
      const ssize_t n = read(to, buf.data(), buf.size());
      if (n <= 0) std::exit(2);
      got += std::size_t(n);
    }
  });
  const std::vector<uint8_t> chunk(64 * 1024, 0x5a);
  for (std::size_t sent = 0; sent < bytes; sent += chunk.size()) write_all(from, chunk.data(), chunk.size());
  sink.join();
  const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
  const double gbit = double(bytes) * 8 / 1e9;
  return {double(bytes) / (1 << 20) / s, (relay.cpu_seconds() - cpu0) / gbit};
}

std::string hello(char side, const std::string& token) {
  std::string h = "TPR1";
  h += side;
  h += char(token.size() >> 8);
  h += char(token.size() & 0xff);
  return h + token;
}

Result telepane_relay(const std::string& server_bin, std::size_t bytes) {
  const auto key = rv::ServerKey::generate();
  char tmpl[] = "/tmp/tp-bench-relay-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  Result r{};
  {
    Child relay({server_bin, "--role", "relay", "-k", rv::encode_public_key(key.public_key()), "--data", dir, "-s",
                 "relay.listen=127.0.0.1:0"});
    const std::string address = relay.line_with("relay listening on ");
    const uint16_t port = uint16_t(std::stoi(address.substr(address.rfind(':') + 1)));
    const std::string token = rv::issue_relay_token(key, address, "123456789", std::chrono::seconds(30));
    const int a = connect_loopback(port), b = connect_loopback(port);
    const std::string ha = hello('v', token), hb = hello('h', token);
    write_all(a, ha.data(), ha.size());
    write_all(b, hb.data(), hb.size());
    char verdict[7];
    if (read(a, verdict, 7) != 7 || read(b, verdict, 7) != 7 || verdict[4] != 0) std::exit(2);
    r = pump(a, b, bytes, relay);
    close(a);
    close(b);
  }
  std::filesystem::remove_all(dir);
  return r;
}

Result socat_relay(std::size_t bytes) {
  uint16_t sink_port = 0, relay_port = 0;
  const int sink_listener = listen_loopback(sink_port);
  const int probe = listen_loopback(relay_port);  // a free port for socat
  close(probe);
  Child socat({"/usr/bin/socat", "-b", "65536",
               "TCP-LISTEN:" + std::to_string(relay_port) + ",bind=127.0.0.1,reuseaddr",
               "TCP:127.0.0.1:" + std::to_string(sink_port)});
  const int a = connect_loopback(relay_port);
  const int b = accept(sink_listener, nullptr, nullptr);
  close(sink_listener);
  const Result r = pump(a, b, bytes, socat);
  close(a);
  close(b);
  return r;
}
}  // namespace

int main(int argc, char** argv) {
  int runs = 5, mib = 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::atoi(argv[i + 1]);
  }
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::size_t bytes = std::size_t(mib) << 20;
  const bool have_socat = access("/usr/bin/socat", X_OK) == 0;
  std::vector<double> ours, ours_cpu, theirs, theirs_cpu;
  for (int r = 0; r < runs; ++r) {
    const auto t = telepane_relay(TELEPANE_SERVER_BIN, bytes);
    ours.push_back(t.mib_per_s);
    ours_cpu.push_back(t.cpu_s_per_gbit);
    if (have_socat) {
      const auto s = socat_relay(bytes);
      theirs.push_back(s.mib_per_s);
      theirs_cpu.push_back(s.cpu_s_per_gbit);
    }
  }
  std::printf("one relayed session on loopback, %d MiB, median of %d runs\n", mib, runs);
  std::printf("  telepane-server relay %7.1f MiB/s, %.3f CPU s per Gbit\n", median(ours), median(ours_cpu));
  if (have_socat)
    std::printf("  socat                 %7.1f MiB/s, %.3f CPU s per Gbit\n  throughput ratio %.2fx, CPU ratio %.2fx\n",
                median(theirs), median(theirs_cpu), median(ours) / median(theirs),
                median(ours_cpu) / median(theirs_cpu));
  else
    std::printf("  socat: not measured (scripts/setup --bench)\n");
  return 0;
}
