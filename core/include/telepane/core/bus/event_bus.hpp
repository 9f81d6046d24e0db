// The event bus: control-plane events (session state, prompts, chat, progress, errors) between the core, services
// and frontends. Never the media path.
//
// - Topics are dotted names; a subscription names one topic or a prefix ending in ".*".
// - Delivery runs on the subscriber's executor, one event at a time per subscription, in the order each publisher
//   published them.
// - Each subscription has a bounded queue: a subscriber that falls behind loses events (counted, logged once per
//   burst), never makes a publisher wait.
// - Ending a subscription is safe at any time, including from inside its own callback; once it returns, the
//   callback is not running (unless it was called from that callback) and will not run again.
// - Typed topics (Topic<T>) give publishers and subscribers one payload type checked at compile time.
#pragma once

#include <telepane/core/log/logger.hpp>
#include <telepane/core/runtime/executor.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace telepane::core {

struct Event {
  std::string topic;
  std::string payload;  // bytes; typed topics encode into it
};

namespace bus_detail {
struct State;
struct Sub;
}  // namespace bus_detail

// Ends its subscription when destroyed or reset.
class Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&&) noexcept = default;
  Subscription& operator=(Subscription&& o) noexcept;
  ~Subscription();
  void reset();
  bool active() const;
  uint64_t dropped() const;  // events lost to a full queue

 private:
  friend class EventBus;
  Subscription(std::weak_ptr<bus_detail::State> bus, std::shared_ptr<bus_detail::Sub> sub)
      : bus_(std::move(bus)), sub_(std::move(sub)) {}
  std::weak_ptr<bus_detail::State> bus_;
  std::shared_ptr<bus_detail::Sub> sub_;
};

// How a payload type travels as bytes. Trivially copyable types and std::string work out of the box; specialise
// for anything else.
template <class T, class = void>
struct EventCodec;

template <>
struct EventCodec<std::string> {
  static std::string encode(const std::string& v) { return v; }
  static bool decode(std::string_view bytes, std::string& out) {
    out.assign(bytes);
    return true;
  }
};

template <class T>
struct EventCodec<T, std::enable_if_t<std::is_trivially_copyable_v<T>>> {
  static std::string encode(const T& v) { return std::string(reinterpret_cast<const char*>(&v), sizeof(T)); }
  static bool decode(std::string_view bytes, T& out) {
    if (bytes.size() != sizeof(T)) return false;
    std::memcpy(&out, bytes.data(), sizeof(T));
    return true;
  }
};

// A topic name bound to its payload type.
template <class T>
struct Topic {
  std::string name;
};

class EventBus {
 public:
  using Handler = std::function<void(const Event&)>;
  static constexpr std::size_t kDefaultQueueCapacity = 1024;

  explicit EventBus(Logger& logger);
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // [any thread] never blocks on a subscriber.
  void publish(std::string_view topic, std::string_view payload);

  // `pattern`: an exact topic, or a prefix ending in ".*". `handler` runs on `executor`, which must outlive the
  // subscription. `capacity` bounds the events waiting for this subscriber. [any thread]
  Subscription subscribe(std::string pattern, Executor& executor, Handler handler,
                         std::size_t capacity = kDefaultQueueCapacity);

  template <class T>
  void publish(const Topic<T>& topic, const T& value) {
    publish(topic.name, EventCodec<T>::encode(value));
  }
  template <class T>
  Subscription subscribe(const Topic<T>& topic, Executor& executor, std::function<void(const T&)> fn,
                         std::size_t capacity = kDefaultQueueCapacity) {
    Logger* log = &logger_;
    return subscribe(
        topic.name, executor,
        [fn = std::move(fn), log](const Event& e) {
          T value{};
          if (EventCodec<T>::decode(e.payload, value))
            fn(value);
          else
            log->warn("bus", "dropped an event on '" + e.topic + "': its payload does not decode");
        },
        capacity);
  }

  std::size_t subscription_count() const;

 private:
  Logger& logger_;
  std::shared_ptr<bus_detail::State> state_;
};

}  // namespace telepane::core
