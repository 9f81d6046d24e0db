// Bulk throughput of one transport link (the tcp or the udp plugin, as the session engine drives them): a sender
// moves N MiB and waits for the receiver's one-byte receipt. Run the receiver and the sender in the two namespaces
// of a constrained lab path (bench/transport/constrained_bench.sh does).
//
//   bulk_bench receive TRANSPORT LISTEN_ADDRESS        prints "ready", serves until killed
//   bulk_bench send TRANSPORT ADDRESS MIB               prints "MBIT_PER_S SECONDS"
#include "../common/bench_plugins.hpp"

#include <telepane/core/session/transport_link.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

using namespace telepane::core;
using namespace telepane::core::session;

namespace {
int receive(const plugins::FeatureRef& t, const std::string& address) {
  struct Counter {
    std::unique_ptr<TransportLink> link;
    uint64_t expected = 0, got = 0;
    std::vector<uint8_t> header;
  };
  std::mutex mu;
  std::vector<std::unique_ptr<Counter>> links;
  auto listener = TransportListener::listen(t, address, [&](std::unique_ptr<TransportLink> l) {
    std::lock_guard lock(mu);
    auto c = std::make_unique<Counter>();
    Counter* raw = c.get();
    c->link = std::move(l);
    // The first 8 bytes say how many follow; the receipt goes back once they all came.
    raw->link->set_handlers(
        [raw](ByteView b) {
          std::size_t at = 0;
          while (raw->header.size() < 8 && at < b.size()) raw->header.push_back(b[at++]);
          if (raw->header.size() < 8) return;
          if (raw->expected == 0)
            for (auto h : raw->header) raw->expected = raw->expected << 8 | h;
          raw->got += b.size() - at;
          if (raw->got == raw->expected) {
            const uint8_t ok = 1;
            raw->link->send({&ok, 1});
          }
        },
        [](tp_status, const std::string&) {});
    links.push_back(std::move(c));
  });
  std::printf("ready %s\n", listener->address().c_str());
  std::fflush(stdout);
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}

int send(const plugins::FeatureRef& t, const std::string& address, int mib) {
  auto link = TransportLink::connect(t, address);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string closed;
  link->set_handlers(
      [&](ByteView) {
        std::lock_guard lock(mu);
        done = true;
        cv.notify_all();
      },
      [&](tp_status, const std::string& why) {
        std::lock_guard lock(mu);
        closed = why.empty() ? "closed" : why;
        cv.notify_all();
      });
  const uint64_t total = uint64_t(mib) << 20;
  std::vector<uint8_t> chunk(60000, 0x5a);
  std::vector<uint8_t> header(8);
  for (int i = 0; i < 8; ++i) header[std::size_t(i)] = uint8_t(total >> (56 - 8 * i));
  const auto start = std::chrono::steady_clock::now();
  while (link->send(header) == TP_ERR_AGAIN) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (uint64_t sent = 0; sent < total;) {
    const std::size_t n = std::size_t(std::min<uint64_t>(chunk.size(), total - sent));
    const tp_status s = link->send({chunk.data(), n});
    if (s == TP_ERR_AGAIN) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (s != TP_OK) {
      std::fprintf(stderr, "bulk_bench: the link closed while sending\n");
      return 1;
    }
    sent += n;
  }
  std::unique_lock lock(mu);
  if (!cv.wait_for(lock, std::chrono::minutes(5), [&] { return done || !closed.empty(); }) || !done) {
    std::fprintf(stderr, "bulk_bench: no receipt (%s)\n", closed.c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.2f %.2f\n", double(total) * 8 / seconds / 1e6, seconds);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || (std::strcmp(argv[1], "send") == 0 && argc < 5)) {
    std::fprintf(stderr, "usage: bulk_bench receive TRANSPORT LISTEN | bulk_bench send TRANSPORT ADDRESS MIB\n");
    return 2;
  }
  telepane::bench::BenchPlugins loaded(TELEPANE_PLUGIN_DIR);
  auto& manager = loaded.manager;
  auto t = manager.feature(TP_KIND_TRANSPORT, argv[2]);
  if (!t) {
    std::fprintf(stderr, "bulk_bench: no transport '%s'\n", argv[2]);
    return 2;
  }
  if (std::strcmp(argv[1], "receive") == 0) return receive(*t, argv[3]);
  return send(*t, argv[3], std::atoi(argv[4]));
}
