// Event bus: publish-to-deliver latency and throughput across threads, against the floor of any cross-thread
// hand-off: one std::mutex + std::condition_variable queue drained by one consumer thread.
//
//   event_bus_bench [--runs R]
#include <telepane/core/bus/event_bus.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

using namespace telepane::core;
using clock_type = std::chrono::steady_clock;

namespace {
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

// The peer: the simplest correct cross-thread queue.
class PlainQueue {
 public:
  explicit PlainQueue(std::function<void(const std::string&)> fn) : fn_(std::move(fn)), thread_([this] { run(); }) {}
  ~PlainQueue() {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void push(std::string_view payload) {
    {
      std::lock_guard l(mu_);
      q_.emplace_back(payload);
    }
    cv_.notify_one();
  }

 private:
  void run() {
    std::unique_lock l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return stop_ || !q_.empty(); });
      if (q_.empty()) return;
      std::string s = std::move(q_.front());
      q_.pop_front();
      l.unlock();
      fn_(s);
      l.lock();
    }
  }
  std::function<void(const std::string&)> fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> q_;
  bool stop_ = false;
  std::thread thread_;
};

struct Latency {
  double p50_us, p99_us;
};

// One event in flight at a time; the handler records publish-to-handler time and releases the publisher.
template <class Setup>
Latency ping_pong(Setup setup, int n) {
  std::vector<int64_t> samples;
  samples.reserve(std::size_t(n));
  std::atomic<int> acked{0};
  auto handler = [&](const std::string& payload) {
    int64_t sent = 0;
    std::memcpy(&sent, payload.data(), sizeof sent);
    samples.push_back(now_ns() - sent);
    acked.fetch_add(1, std::memory_order_release);
  };
  auto publish = setup(handler);
  for (int i = 0; i < n; ++i) {
    const int64_t t = now_ns();
    publish(std::string_view(reinterpret_cast<const char*>(&t), sizeof t));
    while (acked.load(std::memory_order_acquire) <= i) std::this_thread::yield();
  }
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2] / 1000.0, samples[samples.size() * 99 / 100] / 1000.0};
}

// `publishers` threads publish `each` events as fast as they can; returns delivered events per second.
template <class Setup>
double throughput(Setup setup, int publishers, int each) {
  std::atomic<int64_t> delivered{0};
  auto publish = setup([&](const std::string&) { delivered.fetch_add(1, std::memory_order_relaxed); });
  const auto t0 = clock_type::now();
  std::vector<std::thread> ts;
  for (int p = 0; p < publishers; ++p)
    ts.emplace_back([&] {
      for (int i = 0; i < each; ++i) publish("0123456789abcdef");
    });
  for (auto& t : ts) t.join();
  const int64_t total = int64_t(publishers) * each;
  while (delivered.load() < total) std::this_thread::yield();
  return double(total) / std::chrono::duration<double>(clock_type::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  if (argc == 3 && std::strcmp(argv[1], "--runs") == 0) runs = std::atoi(argv[2]);
  Logger logger([](LogLevel, const std::string&) {}, LogLevel::Error);

  // Each setup returns a publish function; the bus/queue lives in the returned closure's shared state.
  auto bus_setup = [&](std::function<void(const std::string&)> fn) {
    auto pool = std::make_shared<ThreadPool>(1);
    auto bus = std::make_shared<EventBus>(logger);
    auto sub = std::make_shared<Subscription>(bus->subscribe(
        "bench.topic", *pool, [fn](const Event& e) { fn(e.payload); }, 1u << 24));
    return [pool, bus, sub](std::string_view payload) { bus->publish("bench.topic", payload); };
  };
  auto queue_setup = [](std::function<void(const std::string&)> fn) {
    auto q = std::make_shared<PlainQueue>(std::move(fn));
    return [q](std::string_view payload) { q->push(payload); };
  };

  std::vector<double> bus_p50, bus_p99, q_p50, q_p99, bus_tp1, q_tp1, bus_tp4, q_tp4;
  for (int r = 0; r < runs; ++r) {
    auto a = ping_pong(bus_setup, 20000);
    auto b = ping_pong(queue_setup, 20000);
    bus_p50.push_back(a.p50_us), bus_p99.push_back(a.p99_us), q_p50.push_back(b.p50_us), q_p99.push_back(b.p99_us);
    bus_tp1.push_back(throughput(bus_setup, 1, 500000));
    q_tp1.push_back(throughput(queue_setup, 1, 500000));
    bus_tp4.push_back(throughput(bus_setup, 4, 125000));
    q_tp4.push_back(throughput(queue_setup, 4, 125000));
  }
  std::printf("event bus vs a mutex+condvar queue, median of %d runs\n", runs);
  std::printf("  latency p50 (us):              bus %8.2f   queue %8.2f   ratio %.2fx\n", median(bus_p50),
              median(q_p50), median(bus_p50) / median(q_p50));
  std::printf("  latency p99 (us):              bus %8.2f   queue %8.2f   ratio %.2fx\n", median(bus_p99),
              median(q_p99), median(bus_p99) / median(q_p99));
  std::printf("  throughput 1 publisher (M/s):  bus %8.2f   queue %8.2f   ratio %.2fx\n", median(bus_tp1) / 1e6,
              median(q_tp1) / 1e6, median(bus_tp1) / median(q_tp1));
  std::printf("  throughput 4 publishers (M/s): bus %8.2f   queue %8.2f   ratio %.2fx\n", median(bus_tp4) / 1e6,
              median(q_tp4) / 1e6, median(bus_tp4) / median(q_tp4));
  return 0;
}
