// Telepane SDK: a C++ view of the tp_host table a plugin is handed.
#pragma once

#include <telepane/abi/tp_host.h>
#include <telepane/sdk/status.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace telepane::sdk {

class Subscription;

// Non-owning; cheap to copy. Valid while the plugin is loaded.
class Host {
 public:
  explicit Host(const tp_host* host) : host_(host) {}
  const tp_host* raw() const noexcept { return host_; }

  void log(tp_log_level level, const std::string& message) const { host_->log(host_, level, message.c_str()); }
  void info(const std::string& m) const { log(TP_LOG_INFO, m); }
  void warn(const std::string& m) const { log(TP_LOG_WARN, m); }
  void error(const std::string& m) const { log(TP_LOG_ERROR, m); }
  void debug(const std::string& m) const { log(TP_LOG_DEBUG, m); }

  // Config getters: the value, or nullopt when absent. A value of the wrong type throws Error.
  std::optional<int64_t> config_int(const char* path) const {
    int64_t v = 0;
    return checked(host_->config_int(host_, path, &v), path) ? std::optional<int64_t>(v) : std::nullopt;
  }
  std::optional<double> config_double(const char* path) const {
    double v = 0;
    return checked(host_->config_double(host_, path, &v), path) ? std::optional<double>(v) : std::nullopt;
  }
  std::optional<bool> config_bool(const char* path) const {
    int32_t v = 0;
    return checked(host_->config_bool(host_, path, &v), path) ? std::optional<bool>(v != 0) : std::nullopt;
  }
  std::optional<std::string> config_string(const char* path) const {
    size_t len = 0;
    tp_status s = host_->config_string(host_, path, nullptr, 0, &len);
    if (s == TP_ERR_NOT_FOUND) return std::nullopt;
    if (s != TP_OK && s != TP_ERR_NO_MEMORY) checked(s, path);
    std::string out(len + 1, '\0');
    checked(host_->config_string(host_, path, out.data(), out.size(), &len), path);
    out.resize(len);
    return out;
  }
  std::string config_json() const {
    size_t len = 0;
    host_->config_json(host_, nullptr, 0, &len);
    std::string out(len + 1, '\0');
    if (host_->config_json(host_, out.data(), out.size(), &len) != TP_OK) throw Error(TP_ERR_INTERNAL, "config_json");
    out.resize(len);
    return out;
  }

  void publish(const char* topic, std::string_view payload) const {
    tp_bytes b{reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    tp_status s = host_->publish(host_, topic, b);
    if (s != TP_OK) throw Error(s, std::string("publish ") + topic + ": " + status_name(s));
  }
  // Subscribes fn; the subscription ends when the returned object is destroyed.
  inline Subscription subscribe(const char* topic,
                                std::function<void(std::string_view topic, std::string_view)> fn) const;

  int64_t now_ns() const { return host_->now_ns(host_); }

  // The plugin's own state, kept with its host table (see tp_host.set_plugin_data).
  template <class T>
  T* data() const {
    return static_cast<T*>(host_->plugin_data(host_));
  }
  void set_data(void* data) const { host_->set_plugin_data(host_, data); }
  // Makes the plugin's state object and keeps it with the host table (call in on_load)...
  template <class T, class... Args>
  T& make_data(Args&&... args) const {
    auto state = std::make_unique<T>(std::forward<Args>(args)...);
    set_data(state.get());
    return *state.release();
  }
  // ...and frees it (call in on_unload).
  template <class T>
  void free_data() const {
    std::unique_ptr<T>(data<T>()).reset();
    set_data(nullptr);
  }

  // Runs fn on the host's plugin executor.
  void post(std::function<void()> fn) const {
    auto boxed = std::make_unique<std::function<void()>>(std::move(fn));
    tp_status s = host_->post(host_, &run_boxed, boxed.get());
    if (s != TP_OK) throw Error(s, "post failed");
    boxed.release();  // ownership passed to run_boxed
  }

 private:
  static void run_boxed(void* user) {
    std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(user));
    try {
      (*fn)();
    } catch (...) {
      // A posted task has nobody to report to; swallowing keeps the host's executor alive.
    }
  }
  bool checked(tp_status s, const char* path) const {
    if (s == TP_OK) return true;
    if (s == TP_ERR_NOT_FOUND) return false;
    throw Error(s, std::string("config '") + path + "': " + status_name(s));
  }
  const tp_host* host_;
};

// An event subscription; ends (and waits for a running callback) when destroyed.
class Subscription {
 public:
  Subscription() = default;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  Subscription(Subscription&& o) noexcept { *this = std::move(o); }
  Subscription& operator=(Subscription&& o) noexcept {
    if (this != &o) {
      reset();
      host_ = std::exchange(o.host_, nullptr);
      id_ = std::exchange(o.id_, 0);
      fn_ = std::move(o.fn_);
    }
    return *this;
  }
  ~Subscription() { reset(); }
  void reset() {
    if (host_ != nullptr) host_->unsubscribe(host_, id_);
    host_ = nullptr;
    fn_.reset();
  }

 private:
  friend class Host;
  using Fn = std::function<void(std::string_view, std::string_view)>;
  static void deliver(void* user, const char* topic, tp_bytes payload) {
    try {
      (*static_cast<Fn*>(user))(topic, std::string_view(reinterpret_cast<const char*>(payload.data), payload.size));
    } catch (...) {
      // Exceptions never cross into the host; a throwing handler loses only this event.
    }
  }
  const tp_host* host_ = nullptr;
  uint64_t id_ = 0;
  std::unique_ptr<Fn> fn_;
};

inline Subscription Host::subscribe(const char* topic,
                                    std::function<void(std::string_view, std::string_view)> fn) const {
  Subscription sub;
  sub.fn_ = std::make_unique<Subscription::Fn>(std::move(fn));
  tp_status s = host_->subscribe(host_, topic, &Subscription::deliver, sub.fn_.get(), &sub.id_);
  if (s != TP_OK) throw Error(s, std::string("subscribe ") + topic + ": " + status_name(s));
  sub.host_ = host_;
  return sub;
}

}  // namespace telepane::sdk
