#include <telepane/core/bus/event_bus.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace telepane::core {
namespace bus_detail {

// A subscription's queue and delivery state. Shared by the bus, the Subscription handle and queued drain tasks,
// so whichever goes last frees it.
struct Sub {
  std::string pattern;
  Executor* executor = nullptr;
  EventBus::Handler handler;
  std::size_t capacity = 0;
  Logger* logger = nullptr;

  std::mutex mu;
  std::condition_variable idle;
  std::deque<Event> queue;
  bool active = true;
  bool scheduled = false;      // a drain task is posted or running
  std::thread::id delivering;  // the thread inside handler, if any
  uint64_t dropped = 0;
  bool warned = false;  // one warning per burst of drops, not one per event

  bool matches(std::string_view topic) const {
    if (pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0)
      return topic.size() >= pattern.size() - 1 &&
             topic.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    return topic == pattern;
  }
};

struct State {
  mutable std::shared_mutex mu;
  std::vector<std::shared_ptr<Sub>> subs;
};

namespace {
constexpr int kBatch = 64;  // events one drain task delivers before yielding its executor thread

void drain(const std::shared_ptr<Sub>& sub) {
  for (int n = 0;; ++n) {
    Event event;
    {
      std::unique_lock lock(sub->mu);
      if (!sub->active || sub->queue.empty()) {
        sub->scheduled = false;
        sub->idle.notify_all();
        return;
      }
      if (n == kBatch) {
        // Let other work on this executor run; stay scheduled so ordering holds.
        lock.unlock();
        sub->executor->post([sub] { drain(sub); });
        return;
      }
      event = std::move(sub->queue.front());
      sub->queue.pop_front();
      sub->delivering = std::this_thread::get_id();
    }
    try {
      sub->handler(event);
    } catch (const std::exception& e) {
      sub->logger->warn("bus", "a subscriber of '" + sub->pattern + "' threw: " + e.what());
    } catch (...) {
      sub->logger->warn("bus", "a subscriber of '" + sub->pattern + "' threw");
    }
    {
      std::lock_guard lock(sub->mu);
      sub->delivering = std::thread::id();
    }
    sub->idle.notify_all();
  }
}

void end(const std::shared_ptr<State>& state, const std::shared_ptr<Sub>& sub) {
  if (state) {
    std::unique_lock lock(state->mu);
    auto& v = state->subs;
    v.erase(std::remove(v.begin(), v.end(), sub), v.end());
  }
  std::unique_lock lock(sub->mu);
  sub->active = false;
  sub->queue.clear();
  // Wait for a callback running on another thread; from inside the callback itself, waiting would deadlock.
  sub->idle.wait(lock,
                 [&] { return sub->delivering == std::thread::id() || sub->delivering == std::this_thread::get_id(); });
}
}  // namespace
}  // namespace bus_detail

Subscription& Subscription::operator=(Subscription&& o) noexcept {
  if (this != &o) {
    reset();
    bus_ = std::move(o.bus_);
    sub_ = std::move(o.sub_);
  }
  return *this;
}

Subscription::~Subscription() {
  reset();
}

void Subscription::reset() {
  if (!sub_) return;
  bus_detail::end(bus_.lock(), sub_);
  sub_.reset();
  bus_.reset();
}

bool Subscription::active() const {
  if (!sub_) return false;
  std::lock_guard lock(sub_->mu);
  return sub_->active;
}

uint64_t Subscription::dropped() const {
  if (!sub_) return 0;
  std::lock_guard lock(sub_->mu);
  return sub_->dropped;
}

EventBus::EventBus(Logger& logger) : logger_(logger), state_(std::make_shared<bus_detail::State>()) {}

EventBus::~EventBus() {
  // Subscriptions may outlive the bus; they only hold a weak reference to it. Stop delivering now.
  std::vector<std::shared_ptr<bus_detail::Sub>> subs;
  {
    std::unique_lock lock(state_->mu);
    subs.swap(state_->subs);
  }
  for (auto& s : subs) bus_detail::end(nullptr, s);
}

void EventBus::publish(std::string_view topic, std::string_view payload) {
  std::shared_lock lock(state_->mu);
  for (auto& sub : state_->subs) {
    if (!sub->matches(topic)) continue;
    bool post = false;
    {
      std::lock_guard sl(sub->mu);
      if (!sub->active) continue;
      if (sub->queue.size() >= sub->capacity) {
        ++sub->dropped;
        if (!sub->warned) {
          sub->warned = true;
          logger_.warn("bus", "subscriber of '" + sub->pattern + "' is " + std::to_string(sub->capacity) +
                                  " events behind; dropping new events on '" + std::string(topic) + "'");
        }
        continue;
      }
      // A new burst is one that starts after the subscriber caught up (hysteresis: below half full), not after
      // it took a single event off a full queue.
      if (sub->queue.size() < sub->capacity / 2) sub->warned = false;
      sub->queue.push_back(Event{std::string(topic), std::string(payload)});
      if (!sub->scheduled) sub->scheduled = post = true;
    }
    if (post) sub->executor->post([s = sub] { bus_detail::drain(s); });
  }
}

Subscription EventBus::subscribe(std::string pattern, Executor& executor, Handler handler, std::size_t capacity) {
  auto sub = std::make_shared<bus_detail::Sub>();
  sub->pattern = std::move(pattern);
  sub->executor = &executor;
  sub->handler = std::move(handler);
  sub->capacity = capacity == 0 ? 1 : capacity;
  sub->logger = &logger_;
  {
    std::unique_lock lock(state_->mu);
    state_->subs.push_back(sub);
  }
  return Subscription(state_, sub);
}

std::size_t EventBus::subscription_count() const {
  std::shared_lock lock(state_->mu);
  return state_->subs.size();
}

}  // namespace telepane::core
