#include <telepane/core/plugins/host_table.hpp>

#include <chrono>
#include <cstring>

namespace telepane::core::plugins {
namespace {
tp_status copy_out(const std::string& s, char* buf, size_t cap, size_t* len) {
  if (len != nullptr) *len = s.size();
  if (buf == nullptr || cap <= s.size()) return TP_ERR_NO_MEMORY;
  std::memcpy(buf, s.c_str(), s.size() + 1);
  return TP_OK;
}
}  // namespace

HostTable::HostTable(HostServices services, std::string plugin_id, config::Value config)
    : services_(services), id_(std::move(plugin_id)), config_(std::move(config)) {
  table_.struct_size = sizeof(tp_host);
  table_.abi_major = TP_ABI_MAJOR;
  table_.abi_minor = TP_ABI_MINOR;
  table_.ctx = this;
  table_.log = &HostTable::log;
  table_.config_int = &HostTable::config_int;
  table_.config_double = &HostTable::config_double;
  table_.config_bool = &HostTable::config_bool;
  table_.config_string = &HostTable::config_string;
  table_.config_json = &HostTable::config_json;
  table_.publish = &HostTable::publish;
  table_.subscribe = &HostTable::subscribe;
  table_.unsubscribe = &HostTable::unsubscribe;
  table_.now_ns = &HostTable::now_ns;
  table_.post = &HostTable::post;
  table_.set_plugin_data = &HostTable::set_plugin_data;
  table_.plugin_data = &HostTable::plugin_data;
}

HostTable::~HostTable() {
  end_subscriptions();
}

void HostTable::end_subscriptions() {
  std::map<uint64_t, Subscription> ending;
  {
    std::lock_guard lock(mu_);
    ending.swap(subscriptions_);
  }
  // Destroyed outside the lock: each waits for its running callback, which may itself call into this table.
}

void HostTable::log(const tp_host* h, tp_log_level level, const char* message) {
  auto& s = self(h);
  const auto lvl = level >= TP_LOG_TRACE && level <= TP_LOG_ERROR ? static_cast<LogLevel>(level) : LogLevel::Info;
  s.services_.logger.log(lvl, s.id_, message != nullptr ? message : "");
}

// The typed getters differ only in how a scalar converts; absent is NOT_FOUND, unconvertible INVALID_ARGUMENT.
template <class Out, class Convert>
tp_status HostTable::config_scalar(const tp_host* h, const char* path, Out* out, Convert convert) {
  if (path == nullptr || out == nullptr) return TP_ERR_INVALID_ARGUMENT;
  const config::Value* v = self(h).config_.at_path(path);
  if (v == nullptr || v->is_null()) return TP_ERR_NOT_FOUND;
  auto converted = convert(*v);
  if (!converted) return TP_ERR_INVALID_ARGUMENT;
  *out = static_cast<Out>(*converted);
  return TP_OK;
}

tp_status HostTable::config_int(const tp_host* h, const char* path, int64_t* out) {
  return config_scalar(h, path, out, [](const config::Value& v) { return v.as_int(); });
}

tp_status HostTable::config_double(const tp_host* h, const char* path, double* out) {
  return config_scalar(h, path, out, [](const config::Value& v) { return v.as_double(); });
}

tp_status HostTable::config_bool(const tp_host* h, const char* path, int32_t* out) {
  return config_scalar(h, path, out, [](const config::Value& v) { return v.as_bool(); });
}

tp_status HostTable::config_string(const tp_host* h, const char* path, char* buf, size_t cap, size_t* len) {
  if (path == nullptr) return TP_ERR_INVALID_ARGUMENT;
  const config::Value* v = self(h).config_.at_path(path);
  if (v == nullptr || v->is_null()) return TP_ERR_NOT_FOUND;
  if (!v->is_scalar()) return TP_ERR_INVALID_ARGUMENT;
  return copy_out(v->text(), buf, cap, len);
}

tp_status HostTable::config_json(const tp_host* h, char* buf, size_t cap, size_t* len) {
  return copy_out(self(h).config_.to_json(), buf, cap, len);
}

tp_status HostTable::publish(const tp_host* h, const char* topic, tp_bytes payload) {
  if (topic == nullptr || *topic == '\0' || (payload.data == nullptr && payload.size != 0))
    return TP_ERR_INVALID_ARGUMENT;
  self(h).services_.bus.publish(topic, std::string_view(reinterpret_cast<const char*>(payload.data), payload.size));
  return TP_OK;
}

tp_status HostTable::subscribe(const tp_host* h, const char* topic, tp_event_fn fn, void* user, uint64_t* out) {
  if (topic == nullptr || *topic == '\0' || fn == nullptr || out == nullptr) return TP_ERR_INVALID_ARGUMENT;
  auto& s = self(h);
  Subscription sub = s.services_.bus.subscribe(topic, s.services_.executor, [fn, user](const Event& e) {
    fn(user, e.topic.c_str(), tp_bytes{reinterpret_cast<const uint8_t*>(e.payload.data()), e.payload.size()});
  });
  std::lock_guard lock(s.mu_);
  *out = ++s.next_subscription_;
  s.subscriptions_.emplace(*out, std::move(sub));
  return TP_OK;
}

void HostTable::unsubscribe(const tp_host* h, uint64_t id) {
  auto& s = self(h);
  Subscription ending;
  {
    std::lock_guard lock(s.mu_);
    auto it = s.subscriptions_.find(id);
    if (it == s.subscriptions_.end()) return;
    ending = std::move(it->second);
    s.subscriptions_.erase(it);
  }
}

int64_t HostTable::now_ns(const tp_host*) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

tp_status HostTable::post(const tp_host* h, tp_task_fn fn, void* user) {
  if (fn == nullptr) return TP_ERR_INVALID_ARGUMENT;
  self(h).services_.executor.post([fn, user] { fn(user); });
  return TP_OK;
}

}  // namespace telepane::core::plugins

namespace telepane::core::plugins {

void HostTable::set_plugin_data(const tp_host* h, void* data) { self(h).plugin_data_.store(data); }

void* HostTable::plugin_data(const tp_host* h) { return self(h).plugin_data_.load(); }

}  // namespace telepane::core::plugins
