// Sessions over real loopback TCP, against the peers people would otherwise use:
//   handshake: connect to authenticated (Noise IK + trusted-device key auth, two PeerSessions, the tcp plugin)
//              vs a bare TCP connect and one round trip;
//   bulk:      one encrypted channel moving N bytes (SecureSession, Noise AESGCM, 64 KiB messages on a bulk channel)
//              vs `ssh -c aes128-gcm@openssh.com` moving the same bytes to a private sshd on loopback.
//
//   loopback_bench [--runs R] [--handshakes N] [--mib M]      (the ssh part needs scripts/setup --bench)
#include "../common/bench_plugins.hpp"
#include "../common/bench_support.hpp"

#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/peer_session.hpp>
#include <telepane/core/session/secure_session.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

using namespace telepane::core;
using namespace telepane::core::session;
using clock_type = std::chrono::steady_clock;

namespace {
using namespace telepane::bench;

// ---- handshake ----
double peer_session_start(const std::vector<plugins::FeatureRef>& suites, const plugins::FeatureRef& tcp,
                          const Key32& host_priv, const Key32& host_pub, const Key32& viewer_priv, EventBus& bus,
                          Logger& logger) {
  std::mutex mu;
  std::unique_ptr<PeerSession> host;
  PeerSessionConfig hc;
  hc.secure = {false, suites, host_priv, {}};
  hc.trusted = [](const Key32&) { return true; };  // key auth: the viewer's device is trusted
  PeerSessionConfig vc;
  vc.secure = {true, suites, viewer_priv, [&](const Key32& k) {
                 if (k != host_pub) throw SessionError("key mismatch");
               }};
  auto listener = TransportListener::listen(tcp, "127.0.0.1:0", [&](std::unique_ptr<TransportLink> link) {
    std::lock_guard lock(mu);
    host = std::make_unique<PeerSession>(hc, std::move(link), bus, logger);
  });
  const auto t0 = clock_type::now();
  PeerSession viewer(vc, TransportLink::connect(tcp, listener->address()), bus, logger);
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (viewer.authenticated() && host && host->authenticated()) break;
    }
    if (viewer.wait_closed(std::chrono::milliseconds(0))) std::exit(3);
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
  const double us = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
  viewer.close("done");
  return us;
}

double bare_connect_rtt(int listener, uint16_t port) {
  const auto t0 = clock_type::now();
  const int c = connect_loopback(port);
  const int s = accept(listener, nullptr, nullptr);
  uint8_t b = 1;
  write_all(c, &b, 1);
  if (read(s, &b, 1) != 1) std::exit(2);
  write_all(s, &b, 1);
  if (read(c, &b, 1) != 1) std::exit(2);
  const double us = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
  close(c);
  close(s);
  return us;
}

// ---- bulk ----
// One SecureSession per end over a loopback TCP connection; returns MiB/s for `bytes` viewer -> host.
double secure_bulk(const plugins::FeatureRef& suite, const Key32& host_priv, const Key32& viewer_priv,
                   std::size_t bytes) {
  uint16_t port = 0;
  const int l = listen_loopback(port);
  const int vfd = connect_loopback(port);
  const int hfd = accept(l, nullptr, nullptr);
  close(l);
  const ChannelPolicy bulk{Priority::Bulk, false, 8u << 20, kMaxRecordPayload, 1u << 20};
  std::mutex vmu;
  SecureSession viewer({true, {suite}, viewer_priv, [](const Key32&) {}},
                       [&](Bytes b) { write_all(vfd, b.data(), b.size()); });
  SecureSession host({false, {suite}, host_priv, {}}, [&](Bytes b) { write_all(hfd, b.data(), b.size()); });
  viewer.open_channel(1, bulk);
  host.open_channel(1, bulk);
  std::atomic<std::size_t> received{0};
  std::thread host_reader([&] {
    std::vector<uint8_t> buf(256 * 1024);
    while (received < bytes) {
      const ssize_t n = read(hfd, buf.data(), buf.size());
      if (n <= 0) return;
      for (auto& e : host.receive({buf.data(), std::size_t(n)}))
        if (auto* m = std::get_if<ChannelMessage>(&e)) received += m->data.size();
    }
  });
  std::thread viewer_reader([&] {  // the handshake's answers
    std::vector<uint8_t> buf(4096);
    for (;;) {
      const ssize_t n = read(vfd, buf.data(), buf.size());
      if (n <= 0) return;
      std::lock_guard lock(vmu);
      viewer.receive({buf.data(), std::size_t(n)});
    }
  });
  {
    std::lock_guard lock(vmu);
    viewer.start();
  }
  for (;;) {
    std::lock_guard lock(vmu);
    if (viewer.established()) break;
  }
  const auto t0 = clock_type::now();
  const Bytes chunk(64 * 1024, 0x5a);
  for (std::size_t sent = 0; sent < bytes; sent += chunk.size()) {
    std::lock_guard lock(vmu);
    viewer.send(1, chunk);
    viewer.flush();
  }
  host_reader.join();
  const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
  shutdown(vfd, SHUT_RDWR);
  viewer_reader.join();
  close(vfd);
  close(hfd);
  return double(bytes) / (1 << 20) / s;
}

// A private sshd on a loopback port, with its own host key and one authorized client key.
struct Sshd {
  std::filesystem::path dir;
  uint16_t port = 0;
  pid_t pid = -1;
  bool ok = false;
  Sshd() {
    if (access("/usr/sbin/sshd", X_OK) != 0) return;
    char tmpl[] = "/tmp/tp-bench-ssh-XXXXXX";
    dir = mkdtemp(tmpl);
    const int l = listen_loopback(port);
    close(l);
    std::filesystem::create_directories("/run/sshd");
    const std::string d = dir.string();
    if (std::system(("ssh-keygen -q -t ed25519 -N '' -f " + d + "/host && ssh-keygen -q -t ed25519 -N '' -f " + d +
                     "/client && cp " + d + "/client.pub " + d + "/authorized")
                        .c_str()) != 0)
      return;
    std::ofstream(dir / "sshd_config") << "Port " << port << "\nListenAddress 127.0.0.1\nHostKey " << d
                                       << "/host\nAuthorizedKeysFile " << d
                                       << "/authorized\nPermitRootLogin prohibit-password\nUsePAM no\n"
                                          "StrictModes no\nPidFile "
                                       << d << "/pid\n";
    pid = fork();
    if (pid == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDERR_FILENO);
      execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f", (d + "/sshd_config").c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !ok; ++i) {  // until it accepts
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      close(fd);
      if (!ok) usleep(50000);
    }
  }
  ~Sshd() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  // MiB/s moving `bytes` through ssh -c aes128-gcm into `cat > /dev/null` on the other end.
  double transfer(std::size_t bytes) const {
    const std::string cmd = "head -c " + std::to_string(bytes) +
                            " /dev/zero | ssh -q -c aes128-gcm@openssh.com -o StrictHostKeyChecking=no "
                            "-o UserKnownHostsFile=/dev/null -o BatchMode=yes -i " +
                            dir.string() + "/client -p " + std::to_string(port) + " root@127.0.0.1 'cat > /dev/null'";
    const auto t0 = clock_type::now();
    if (std::system(cmd.c_str()) != 0) return 0;
    return double(bytes) / (1 << 20) / std::chrono::duration<double>(clock_type::now() - t0).count();
  }
};
}  // namespace

int main(int argc, char** argv) {
  int runs = 5, handshakes = 200, mib = 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--handshakes") == 0) handshakes = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::atoi(argv[i + 1]);
  }
  if (sodium_init() < 0) return 2;
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  telepane::bench::BenchPlugins loaded(TELEPANE_PLUGIN_DIR);
  auto& manager = loaded.manager;
  auto ik = manager.feature(TP_KIND_CRYPTO, "Noise_IK_25519_AESGCM_SHA256");
  auto nk = manager.feature(TP_KIND_CRYPTO, "Noise_NK_25519_AESGCM_SHA256");
  auto tcp = manager.feature(TP_KIND_TRANSPORT, "tcp");
  if (!ik || !nk || !tcp) return 2;
  Key32 host_priv{}, host_pub{}, viewer_priv{};
  randombytes_buf(host_priv.data(), 32);
  crypto_scalarmult_base(host_pub.data(), host_priv.data());
  randombytes_buf(viewer_priv.data(), 32);

  {
    uint16_t port = 0;
    const int l = listen_loopback(port);
    std::vector<double> ours, bare;
    for (int r = 0; r < runs; ++r) {
      std::vector<double> a, b;
      for (int i = 0; i < handshakes; ++i) {
        a.push_back(peer_session_start({*ik}, *tcp, host_priv, host_pub, viewer_priv, loaded.bus, loaded.logger));
        b.push_back(bare_connect_rtt(l, port));
      }
      ours.push_back(median(a));
      bare.push_back(median(b));
    }
    close(l);
    std::printf("handshake + key auth on loopback (IK, trusted device), median of %d runs of %d\n", runs, handshakes);
    std::printf("  telepane %8.1f us   bare TCP connect + round trip %6.1f us   ratio %.1fx\n", median(ours),
                median(bare), median(ours) / median(bare));
  }
  {
    const std::size_t bytes = std::size_t(mib) << 20;
    Sshd sshd;
    std::vector<double> ours, ssh;
    for (int r = 0; r < runs; ++r) {
      ours.push_back(secure_bulk(*nk, host_priv, viewer_priv, bytes));
      if (sshd.ok) ssh.push_back(sshd.transfer(bytes));
    }
    std::printf("encrypted bulk over loopback TCP, %d MiB, median of %d runs\n", mib, runs);
    if (sshd.ok && median(ssh) > 0)
      std::printf("  telepane (Noise AESGCM) %7.1f MiB/s   ssh -c aes128-gcm %7.1f MiB/s   ratio %.2fx\n", median(ours),
                  median(ssh), median(ours) / median(ssh));
    else
      std::printf("  telepane (Noise AESGCM) %7.1f MiB/s   ssh: not measured (no sshd: scripts/setup --bench)\n",
                  median(ours));
  }
  return 0;
}
