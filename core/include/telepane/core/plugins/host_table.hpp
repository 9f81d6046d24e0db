// The tp_host table one plugin is handed: its log tag, its validated config subtree, and the shared bus and
// executor. One per loaded plugin, alive until after its on_unload.
#pragma once

#include <telepane/abi/tp_host.h>
#include <telepane/core/bus/event_bus.hpp>
#include <telepane/core/config/value.hpp>
#include <telepane/core/log/logger.hpp>
#include <telepane/core/runtime/executor.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace telepane::core::plugins {

struct HostServices {
  Logger& logger;
  EventBus& bus;
  Executor& executor;  // the plugin executor: posted tasks and event deliveries run here
};

class HostTable {
 public:
  HostTable(HostServices services, std::string plugin_id, config::Value config);
  ~HostTable();
  HostTable(const HostTable&) = delete;
  HostTable& operator=(const HostTable&) = delete;

  const tp_host* table() const { return &table_; }
  const config::Value& config() const { return config_; }
  // Ends every subscription the plugin still holds (before its on_unload).
  void end_subscriptions();

 private:
  static HostTable& self(const tp_host* h) { return *static_cast<HostTable*>(h->ctx); }
  static void log(const tp_host*, tp_log_level, const char*);
  template <class Out, class Convert>
  static tp_status config_scalar(const tp_host*, const char*, Out*, Convert);
  static tp_status config_int(const tp_host*, const char*, int64_t*);
  static tp_status config_double(const tp_host*, const char*, double*);
  static tp_status config_bool(const tp_host*, const char*, int32_t*);
  static tp_status config_string(const tp_host*, const char*, char*, size_t, size_t*);
  static tp_status config_json(const tp_host*, char*, size_t, size_t*);
  static tp_status publish(const tp_host*, const char*, tp_bytes);
  static tp_status subscribe(const tp_host*, const char*, tp_event_fn, void*, uint64_t*);
  static void unsubscribe(const tp_host*, uint64_t);
  static int64_t now_ns(const tp_host*);
  static tp_status post(const tp_host*, tp_task_fn, void*);
  static void set_plugin_data(const tp_host*, void*);
  static void* plugin_data(const tp_host*);

  HostServices services_;
  std::string id_;
  config::Value config_;
  tp_host table_{};
  std::mutex mu_;
  std::map<uint64_t, Subscription> subscriptions_;
  uint64_t next_subscription_ = 0;
  std::atomic<void*> plugin_data_{nullptr};
};

}  // namespace telepane::core::plugins
