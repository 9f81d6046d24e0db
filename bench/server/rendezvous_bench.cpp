// The rendezvous role at scale: N registered peers, of which M are online (each on its own connection, registered
// with a key proof; the rest registered earlier and now offline, in the registry), then lookups of random
// registered peers as fast as two pipelined clients can ask, and the server's memory per online peer. The peer in
// the same run is the floor of the server's per-lookup work done in-process: a registry read and an Ed25519
// signature over the answer.
//
//   rendezvous_bench [--peers N] [--online M] [--seconds S] [--runs R]   (M is bounded by the open-file limit)
#include "../common/bench_support.hpp"

#include "sqlite_registry.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/rendezvous/protocol.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
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
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace rv = telepane::core::rendezvous;
namespace ci = telepane::core::identity;
using clock_type = std::chrono::steady_clock;

namespace {
using namespace telepane::bench;

// Connects from 127.0.0.<source> so that 100,000 connections do not run out of ephemeral ports.
int connect_from(uint8_t source, uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(0x7f000000u | source);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) std::exit(2);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(2);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void send_message(int fd, const rv::ClientMessage& m) {
  const auto bytes = rv::encode(m);
  if (write(fd, bytes.data(), bytes.size()) != ssize_t(bytes.size())) std::exit(2);
}

// Reads until `count` messages arrived.
std::vector<rv::ServerMessage> receive(int fd, rv::MessageReader<rv::ServerMessage>& reader, std::size_t count) {
  std::vector<rv::ServerMessage> out;
  uint8_t buf[65536];
  while (out.size() < count) {
    while (auto m = reader.next()) out.push_back(std::move(*m));
    if (out.size() >= count) break;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) std::exit(2);
    reader.feed({buf, std::size_t(n)});
  }
  return out;
}

struct Server {
  pid_t pid = -1;
  uint16_t port = 0;
  rv::SigningPublicKey key{};
  Server(const std::string& dir) {
    int p[2];
    if (pipe(p) != 0) std::exit(2);
    pid = fork();
    if (pid == 0) {
      dup2(p[1], STDOUT_FILENO);
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDERR_FILENO);
      execl(TELEPANE_SERVER_BIN, TELEPANE_SERVER_BIN, "--role", "rendezvous", "--data", dir.c_str(), "-s",
            "rendezvous.listen=127.0.0.1:0", "-s", "rendezvous.lookups_per_second=10000000", "-s",
            "rendezvous.heartbeat_ms=600000", "-s", "server.max_connections=1000000", "-s",
            "server.max_connections_per_source=1000000", "-s", "log.level=error", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(p[1]);
    FILE* out = fdopen(p[0], "r");
    char line[512];
    while (std::fgets(line, sizeof line, out) != nullptr) {
      std::string l(line);
      if (l.rfind("rendezvous listening on ", 0) == 0) port = uint16_t(std::stoi(l.substr(l.rfind(':') + 1)));
      if (l.rfind("key: ", 0) == 0) {
        key = *rv::parse_public_key(l.substr(5, 43));
        break;
      }
    }
    std::fclose(out);
    if (port == 0) std::exit(2);
  }
  ~Server() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }
  long rss_kib() const {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
  }
};

// Registers `count` peers, each on a connection it keeps; returns their IDs and fds.
void register_peers(const Server& s, std::size_t count, int threads, std::vector<std::string>& ids,
                    std::vector<int>& fds) {
  ids.resize(count);
  fds.resize(count);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::size_t i = std::size_t(t); i < count; i += std::size_t(threads)) {
        auto id = ci::Identity::generate();
        const int fd = connect_from(uint8_t(2 + i / 25000), s.port);
        rv::MessageReader<rv::ServerMessage> reader;
        const auto challenge = receive(fd, reader, 1)[0].challenge().nonce();
        rv::ClientMessage m;
        auto* reg = m.mutable_register_();
        reg->set_id(id.numeric_id());
        reg->set_key(std::string(id.public_key().begin(), id.public_key().end()));
        reg->set_id_counter(id.id_counter());
        reg->set_proof(rv::prove_registration(id.private_key(), s.key, challenge, reg->id(), reg->key()));
        send_message(fd, m);
        const auto reply = receive(fd, reader, 1)[0];
        if (!reply.has_registered()) {
          // A 9-digit collision between two random keys: rare, skip that peer.
          close(fd);
          fds[i] = -1;
          continue;
        }
        ids[i] = id.numeric_id();
        fds[i] = fd;
      }
    });
  }
  for (auto& w : workers) w.join();
}

// Peers that registered before and are offline now: what the registry holds when the server starts.
std::vector<std::string> preregister(const std::string& db, std::size_t count) {
  telepane::registry::SqliteRegistry registry(db);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < count; ++i) {
    auto id = ci::Identity::generate();
    tp_peer_record r{};
    r.struct_size = sizeof r;
    std::memcpy(r.id, id.numeric_id().c_str(), id.numeric_id().size());
    std::memcpy(r.key, id.public_key().data(), 32);
    r.key_size = 32;
    std::strcpy(r.address, "192.0.2.1:40000");
    r.last_seen_unix_ms = rv::unix_ms_now();
    if (registry.put(r) == TP_OK) ids.push_back(id.numeric_id());
  }
  return ids;
}

// Lookups of random registered IDs from `clients` connections, 64 in flight each, for `seconds`.
double lookups_per_second(const Server& s, const std::vector<std::string>& ids, int clients, double seconds) {
  std::atomic<uint64_t> done{0};
  std::vector<std::thread> workers;
  const auto end = clock_type::now() + std::chrono::duration<double>(seconds);
  for (int c = 0; c < clients; ++c) {
    workers.emplace_back([&, c] {
      const int fd = connect_from(1, s.port);
      rv::MessageReader<rv::ServerMessage> reader;
      receive(fd, reader, 1);
      std::mt19937 rng(uint32_t(c + 1));
      bool verified = false;
      while (clock_type::now() < end) {
        std::vector<std::string> nonces;
        std::string batch;
        for (int k = 0; k < 64; ++k) {
          rv::ClientMessage m;
          const std::string& id = ids[rng() % ids.size()];
          m.mutable_lookup()->set_id(id);
          m.mutable_lookup()->set_nonce(std::to_string(rng()) + "-nonce-nonce");
          nonces.push_back(m.lookup().nonce());
          const auto bytes = rv::encode(m);
          batch.append(bytes.begin(), bytes.end());
        }
        if (write(fd, batch.data(), batch.size()) != ssize_t(batch.size())) std::exit(2);
        const auto replies = receive(fd, reader, 64);
        if (!verified) {  // the answers are real: signed by the server, carrying our nonce
          if (!std::holds_alternative<rv::PeerAnswer>(rv::open_answer(s.key, replies[0].answer(), nonces[0])))
            std::exit(3);
          verified = true;
        }
        done += 64;
      }
      close(fd);
    });
  }
  for (auto& w : workers) w.join();
  return double(done) / seconds;
}

// The server's per-lookup work, in-process: registry read + sign the answer.
double floor_per_second(const std::string& db, const std::vector<std::string>& ids, double seconds) {
  telepane::registry::SqliteRegistry registry(db);
  const auto key = rv::ServerKey::generate();
  std::mt19937 rng(7);
  uint64_t n = 0;
  const auto t0 = clock_type::now();
  while (std::chrono::duration<double>(clock_type::now() - t0).count() < seconds) {
    tp_peer_record r{};
    if (registry.get(ids[rng() % ids.size()], r) != TP_OK) std::exit(3);
    rv::PeerAnswer a;
    a.set_id(r.id);
    a.set_key(std::string(reinterpret_cast<const char*>(r.key), r.key_size));
    a.set_nonce("0123456789abcdef");
    rv::sign_answer(key, a);
    ++n;
  }
  return double(n) / std::chrono::duration<double>(clock_type::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t peers = 100000, online = 10000;
  double seconds = 3;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--peers") == 0) peers = std::size_t(std::atol(argv[i + 1]));
    if (std::strcmp(argv[i], "--online") == 0) online = std::size_t(std::atol(argv[i + 1]));
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  online = std::min(online, peers);
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;  // inherited by the server
  setrlimit(RLIMIT_NOFILE, &lim);
  if (online + 256 > lim.rlim_cur) {
    std::fprintf(stderr, "the open-file limit (%llu) allows at most %llu online peers\n",
                 static_cast<unsigned long long>(lim.rlim_cur), static_cast<unsigned long long>(lim.rlim_cur - 256));
    return 2;
  }
  char tmpl[] = "/tmp/tp-bench-rendezvous-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  {
    std::vector<std::string> offline_ids = preregister(dir + "/registry.sqlite3", peers - online);
    Server server(dir);
    const long rss0 = server.rss_kib();
    std::vector<std::string> ids;
    std::vector<int> fds;
    const auto t0 = clock_type::now();
    register_peers(server, online, 2, ids, fds);
    const double reg_s = std::chrono::duration<double>(clock_type::now() - t0).count();
    ids.erase(std::remove(ids.begin(), ids.end(), std::string()), ids.end());
    const long rss1 = server.rss_kib();
    const std::size_t online_count = ids.size();
    ids.insert(ids.end(), offline_ids.begin(), offline_ids.end());
    const auto db_bytes = std::filesystem::file_size(dir + "/registry.sqlite3") +
                          (std::filesystem::exists(dir + "/registry.sqlite3-wal")
                               ? std::filesystem::file_size(dir + "/registry.sqlite3-wal")
                               : 0);
    std::printf("%zu registered peers: %zu offline in the registry, %zu registered online in %.1f s (%.0f/s)\n",
                ids.size(), offline_ids.size(), online_count, reg_s, double(online_count) / reg_s);
    std::printf(
        "  server memory: %.0f bytes per online peer (RSS %ld -> %ld KiB); registry %.0f bytes per peer on disk\n",
        double(rss1 - rss0) * 1024 / double(online_count), rss0, rss1, double(db_bytes) / double(ids.size()));
    std::vector<double> ours, floor;
    for (int r = 0; r < runs; ++r) {
      ours.push_back(lookups_per_second(server, ids, 2, seconds));
      floor.push_back(floor_per_second(dir + "/registry.sqlite3", ids, seconds));
    }
    std::printf("lookups of random registered peers, 2 clients x 64 in flight, median of %d runs of %.0f s\n", runs,
                seconds);
    std::printf("  telepane-server %8.0f lookups/s   in-process registry read + Ed25519 sign %8.0f/s   ratio %.2fx\n",
                median(ours), median(floor), median(ours) / median(floor));
    for (int fd : fds)
      if (fd >= 0) close(fd);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
