#include <catch2/catch.hpp>
#include <telepane/core/bus/event_bus.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace telepane::core;
using namespace std::chrono_literals;

namespace {
// Waits for a condition with a generous bound: a deadlock or a lost event fails the test instead of hanging CI.
template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit = 20s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

struct Gate {  // holds a handler until opened
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void wait() {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard l(mu);
      open = true;
    }
    cv.notify_all();
  }
};

struct Numbered {
  int publisher;
  int seq;
};
}  // namespace

TEST_CASE("events from each publisher arrive in order, across threads") {
  Logger logger;
  ThreadPool pool(4);
  EventBus bus(logger);
  constexpr int kPublishers = 4, kEach = 5000;
  std::mutex mu;
  std::map<int, std::vector<int>> seen;
  std::set<std::thread::id> delivery_threads;
  const Topic<Numbered> topic{"test.numbered"};
  auto sub = bus.subscribe<Numbered>(
      topic, pool,
      [&](const Numbered& n) {
        std::lock_guard l(mu);
        seen[n.publisher].push_back(n.seq);
        delivery_threads.insert(std::this_thread::get_id());
      },
      kPublishers * kEach);

  std::vector<std::thread> publishers;
  std::set<std::thread::id> publisher_threads;
  for (int p = 0; p < kPublishers; ++p)
    publishers.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i) bus.publish(topic, Numbered{p, i});
    });
  for (auto& t : publishers) {
    publisher_threads.insert(t.get_id());
    t.join();
  }
  REQUIRE(eventually([&] {
    std::lock_guard l(mu);
    std::size_t n = 0;
    for (auto& [p, v] : seen) n += v.size();
    return n == std::size_t(kPublishers) * kEach;
  }));
  std::lock_guard l(mu);
  for (auto& [p, v] : seen) {
    INFO("publisher " << p);
    for (int i = 0; i < kEach; ++i) REQUIRE(v[std::size_t(i)] == i);
  }
  for (auto id : delivery_threads) CHECK(publisher_threads.count(id) == 0);  // delivered on the pool, not inline
  CHECK(sub.dropped() == 0);
}

TEST_CASE("one subscription never runs two callbacks at once") {
  Logger logger;
  ThreadPool pool(4);
  EventBus bus(logger);
  std::atomic<int> inside{0}, max_inside{0}, count{0};
  auto sub = bus.subscribe(
      "test.serial", pool,
      [&](const Event&) {
        const int now = ++inside;
        int prev = max_inside.load();
        while (now > prev && !max_inside.compare_exchange_weak(prev, now)) {
        }
        std::this_thread::sleep_for(50us);
        --inside;
        ++count;
      },
      10000);
  std::vector<std::thread> ts;
  for (int p = 0; p < 4; ++p)
    ts.emplace_back([&] {
      for (int i = 0; i < 500; ++i) bus.publish("test.serial", "");
    });
  for (auto& t : ts) t.join();
  REQUIRE(eventually([&] { return count == 2000; }));
  CHECK(max_inside == 1);
}

TEST_CASE("topic patterns: exact names and prefixes") {
  Logger logger;
  ThreadPool pool(1);
  EventBus bus(logger);
  std::mutex mu;
  std::vector<std::string> exact, prefix;
  auto a = bus.subscribe("chat.message", pool, [&](const Event& e) {
    std::lock_guard l(mu);
    exact.push_back(e.topic);
  });
  auto b = bus.subscribe("chat.*", pool, [&](const Event& e) {
    std::lock_guard l(mu);
    prefix.push_back(e.topic);
  });
  bus.publish("chat.message", "x");
  bus.publish("chat.typing", "x");
  bus.publish("chatter", "x");
  bus.publish("chat", "x");
  REQUIRE(eventually([&] {
    std::lock_guard l(mu);
    return prefix.size() == 2 && exact.size() == 1;
  }));
  std::this_thread::sleep_for(20ms);
  std::lock_guard l(mu);
  CHECK(exact == std::vector<std::string>{"chat.message"});
  CHECK(prefix == std::vector<std::string>{"chat.message", "chat.typing"});
}

TEST_CASE("unsubscribing from inside the callback stops delivery at once") {
  Logger logger;
  ThreadPool pool(2);
  EventBus bus(logger);
  std::atomic<int> calls{0};
  Subscription sub;
  std::promise<void> first;
  sub = bus.subscribe("test.once", pool, [&](const Event&) {
    if (++calls == 1) {
      sub.reset();  // must not deadlock waiting for itself
      first.set_value();
    }
  });
  for (int i = 0; i < 100; ++i) bus.publish("test.once", "");
  REQUIRE(first.get_future().wait_for(20s) == std::future_status::ready);
  std::this_thread::sleep_for(50ms);
  CHECK(calls == 1);
  CHECK(bus.subscription_count() == 0);
}

TEST_CASE("unsubscribing from another thread waits for the running callback") {
  Logger logger;
  ThreadPool pool(2);
  EventBus bus(logger);
  Gate gate;
  std::atomic<bool> entered{false}, finished{false};
  auto sub = bus.subscribe("test.slow", pool, [&](const Event&) {
    entered = true;
    gate.wait();
    finished = true;
  });
  bus.publish("test.slow", "");
  REQUIRE(eventually([&] { return entered.load(); }));
  auto ender = std::async(std::launch::async, [&] { sub.reset(); });
  CHECK(ender.wait_for(50ms) == std::future_status::timeout);  // still inside the callback
  gate.release();
  REQUIRE(ender.wait_for(20s) == std::future_status::ready);
  CHECK(finished);  // reset() returned only after the callback finished
}

TEST_CASE("a full subscriber queue drops new events, counts them and warns once - publishers never wait") {
  std::vector<std::string> warnings;
  std::mutex mu;
  Logger logger([&](LogLevel lvl, const std::string& line) {
    std::lock_guard l(mu);
    if (lvl == LogLevel::Warn) warnings.push_back(line);
  });
  ThreadPool pool(1);
  EventBus bus(logger);
  Gate gate;
  std::atomic<int> delivered{0};
  auto sub = bus.subscribe(
      "test.flood", pool,
      [&](const Event&) {
        gate.wait();
        ++delivered;
      },
      10);
  for (int i = 0; i < 100; ++i) bus.publish("test.flood", "");  // would block forever if publishers waited
  gate.release();
  // The first event was taken off the queue before the gate; 10 queued behind it; the rest dropped.
  REQUIRE(eventually([&] { return delivered + int(sub.dropped()) == 100; }));
  CHECK(delivered >= 10);
  CHECK(sub.dropped() >= 89);
  std::lock_guard l(mu);
  CHECK(warnings.size() == 1);
  CHECK(warnings[0].find("10 events behind") != std::string::npos);
}

TEST_CASE("handlers that publish, subscribe and unsubscribe under load do not deadlock") {
  Logger logger;
  ThreadPool pool(3);
  EventBus bus(logger);
  std::atomic<int> echoes{0};
  auto echo = bus.subscribe(
      "test.echo", pool, [&](const Event&) { ++echoes; }, 100000);
  auto relay = bus.subscribe(
      "test.in", pool,
      [&](const Event& e) {
        bus.publish("test.echo", e.payload);
        auto temp = bus.subscribe("test.unused", pool, [](const Event&) {});
        temp.reset();
      },
      100000);
  std::vector<std::thread> ts;
  for (int p = 0; p < 3; ++p)
    ts.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        bus.publish("test.in", "x");
        if (i % 100 == 0) {
          auto s = bus.subscribe("test.in", pool, [](const Event&) {});
        }
      }
    });
  for (auto& t : ts) t.join();
  CHECK(eventually([&] { return echoes == 6000; }));
}

TEST_CASE("typed topics round-trip their payload - a wrong-sized payload is dropped with a warning") {
  std::atomic<int> warned{0};
  Logger logger([&](LogLevel lvl, const std::string&) {
    if (lvl == LogLevel::Warn) ++warned;
  });
  ThreadPool pool(1);
  EventBus bus(logger);
  struct Point {
    int32_t x, y;
  };
  const Topic<Point> topic{"test.point"};
  std::promise<Point> got;
  auto sub = bus.subscribe<Point>(topic, pool, [&](const Point& p) { got.set_value(p); });
  bus.publish("test.point", "abc");  // 3 bytes: not a Point
  bus.publish(topic, Point{3, -4});
  auto f = got.get_future();
  REQUIRE(f.wait_for(20s) == std::future_status::ready);
  const Point p = f.get();
  CHECK(p.x == 3);
  CHECK(p.y == -4);
  CHECK(warned == 1);

  const Topic<std::string> text{"test.text"};
  std::promise<std::string> got_text;
  auto sub2 = bus.subscribe<std::string>(text, pool, [&](const std::string& s) { got_text.set_value(s); });
  bus.publish(text, std::string("hello"));
  auto ft = got_text.get_future();
  REQUIRE(ft.wait_for(20s) == std::future_status::ready);
  CHECK(ft.get() == "hello");
}

TEST_CASE("a subscription may outlive its bus") {
  Logger logger;
  ThreadPool pool(1);
  Subscription sub;
  {
    EventBus bus(logger);
    sub = bus.subscribe("x", pool, [](const Event&) {});
    CHECK(sub.active());
  }
  CHECK_FALSE(sub.active());
  sub.reset();  // safe
}
