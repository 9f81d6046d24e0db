// Telepane SDK: a fake host so a plugin can be unit-tested without the application.
//
//   telepane::fakes::FakeHost host;
//   host.set_config("speed", int64_t{4});
//   const tp_host* h = host.table();            // hand this to on_load / create
//   ... host.logs(), host.published(), host.run_posted()
//
// Differences from the real host, on purpose, so tests stay deterministic: events are delivered synchronously on
// the publishing thread, posted tasks run only when the test calls run_posted(), and the clock is manual.
#pragma once

#include <telepane/abi/tp_host.h>

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace telepane::fakes {

class FakeHost {
 public:
  using Value = std::variant<int64_t, double, bool, std::string>;
  struct Event {
    std::string topic;
    std::string payload;
  };
  struct LogLine {
    tp_log_level level;
    std::string message;
  };

  FakeHost() {
    table_.struct_size = sizeof(tp_host);
    table_.abi_major = TP_ABI_MAJOR;
    table_.abi_minor = TP_ABI_MINOR;
    table_.ctx = this;
    table_.log = &FakeHost::log_;
    table_.config_int = &FakeHost::config_int_;
    table_.config_double = &FakeHost::config_double_;
    table_.config_bool = &FakeHost::config_bool_;
    table_.config_string = &FakeHost::config_string_;
    table_.config_json = &FakeHost::config_json_;
    table_.publish = &FakeHost::publish_;
    table_.subscribe = &FakeHost::subscribe_;
    table_.unsubscribe = &FakeHost::unsubscribe_;
    table_.now_ns = &FakeHost::now_ns_;
    table_.post = &FakeHost::post_;
    table_.set_plugin_data = [](const tp_host* h, void* d) { self(h).data_ = d; };
    table_.plugin_data = [](const tp_host* h) -> void* { return self(h).data_.load(); };
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const tp_host* table() const { return &table_; }

  void set_config(const std::string& path, Value v) {
    std::lock_guard lock(mu_);
    config_[path] = std::move(v);
  }
  void set_config_json(std::string json) {
    std::lock_guard lock(mu_);
    json_ = std::move(json);
  }
  void set_now_ns(int64_t t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }

  std::vector<LogLine> logs() const {
    std::lock_guard lock(mu_);
    return logs_;
  }
  std::vector<Event> published() const {
    std::lock_guard lock(mu_);
    return published_;
  }
  std::size_t subscription_count() const {
    std::lock_guard lock(mu_);
    return subs_.size();
  }
  // Runs every task posted so far (and any they post); returns how many ran.
  std::size_t run_posted() {
    std::size_t n = 0;
    for (;;) {
      std::pair<tp_task_fn, void*> task;
      {
        std::lock_guard lock(mu_);
        if (posted_.empty()) return n;
        task = posted_.front();
        posted_.erase(posted_.begin());
      }
      task.first(task.second);
      ++n;
    }
  }

 private:
  struct Sub {
    std::string topic;
    tp_event_fn fn;
    void* user;
  };
  static FakeHost& self(const tp_host* h) { return *static_cast<FakeHost*>(h->ctx); }

  template <class T>
  tp_status get(const char* path, T* out) {
    std::lock_guard lock(mu_);
    auto it = config_.find(path ? path : "");
    if (it == config_.end()) return TP_ERR_NOT_FOUND;
    if (auto* v = std::get_if<T>(&it->second)) {
      *out = *v;
      return TP_OK;
    }
    return TP_ERR_INVALID_ARGUMENT;
  }
  static tp_status copy_out(const std::string& s, char* buf, size_t cap, size_t* len) {
    if (len) *len = s.size();
    if (buf == nullptr || cap <= s.size()) return TP_ERR_NO_MEMORY;
    std::memcpy(buf, s.c_str(), s.size() + 1);
    return TP_OK;
  }
  static bool matches(const std::string& pattern, const char* topic) {
    if (pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0)
      return std::strncmp(topic, pattern.c_str(), pattern.size() - 1) == 0;
    return pattern == topic;
  }

  static void log_(const tp_host* h, tp_log_level level, const char* message) {
    auto& s = self(h);
    std::lock_guard lock(s.mu_);
    s.logs_.push_back({level, message ? message : ""});
  }
  static tp_status config_int_(const tp_host* h, const char* path, int64_t* out) { return self(h).get(path, out); }
  static tp_status config_double_(const tp_host* h, const char* path, double* out) { return self(h).get(path, out); }
  static tp_status config_bool_(const tp_host* h, const char* path, int32_t* out) {
    bool b = false;
    tp_status st = self(h).get(path, &b);
    if (st == TP_OK) *out = b ? 1 : 0;
    return st;
  }
  static tp_status config_string_(const tp_host* h, const char* path, char* buf, size_t cap, size_t* len) {
    std::string v;
    tp_status st = self(h).get(path, &v);
    return st != TP_OK ? st : copy_out(v, buf, cap, len);
  }
  static tp_status config_json_(const tp_host* h, char* buf, size_t cap, size_t* len) {
    auto& s = self(h);
    std::string json;
    {
      std::lock_guard lock(s.mu_);
      json = s.json_;
    }
    return copy_out(json, buf, cap, len);
  }
  static tp_status publish_(const tp_host* h, const char* topic, tp_bytes payload) {
    auto& s = self(h);
    if (topic == nullptr) return TP_ERR_INVALID_ARGUMENT;
    std::vector<Sub> targets;
    {
      std::lock_guard lock(s.mu_);
      s.published_.push_back({topic, std::string(reinterpret_cast<const char*>(payload.data), payload.size)});
      for (auto& [id, sub] : s.subs_)
        if (matches(sub.topic, topic)) targets.push_back(sub);
    }
    for (auto& sub : targets) sub.fn(sub.user, topic, payload);
    return TP_OK;
  }
  static tp_status subscribe_(const tp_host* h, const char* topic, tp_event_fn fn, void* user, uint64_t* out) {
    auto& s = self(h);
    if (topic == nullptr || fn == nullptr || out == nullptr) return TP_ERR_INVALID_ARGUMENT;
    std::lock_guard lock(s.mu_);
    *out = ++s.next_id_;
    s.subs_[*out] = Sub{topic, fn, user};
    return TP_OK;
  }
  static void unsubscribe_(const tp_host* h, uint64_t id) {
    auto& s = self(h);
    std::lock_guard lock(s.mu_);
    s.subs_.erase(id);
  }
  static int64_t now_ns_(const tp_host* h) {
    auto& s = self(h);
    std::lock_guard lock(s.mu_);
    return s.now_;
  }
  static tp_status post_(const tp_host* h, tp_task_fn fn, void* user) {
    auto& s = self(h);
    if (fn == nullptr) return TP_ERR_INVALID_ARGUMENT;
    std::lock_guard lock(s.mu_);
    s.posted_.emplace_back(fn, user);
    return TP_OK;
  }

  mutable std::mutex mu_;
  tp_host table_{};
  std::map<std::string, Value> config_;
  std::string json_ = "{}";
  std::vector<LogLine> logs_;
  std::vector<Event> published_;
  std::map<uint64_t, Sub> subs_;
  uint64_t next_id_ = 0;
  int64_t now_ = 0;
  std::vector<std::pair<tp_task_fn, void*>> posted_;
  std::atomic<void*> data_{nullptr};
};

}  // namespace telepane::fakes
