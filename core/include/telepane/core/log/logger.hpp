// Logging: one line an event, "LEVEL component: message", to a sink (stderr by default). Thread-safe.
#pragma once

#include <telepane/abi/tp_types.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace telepane::core {

enum class LogLevel {
  Trace = TP_LOG_TRACE,
  Debug = TP_LOG_DEBUG,
  Info = TP_LOG_INFO,
  Warn = TP_LOG_WARN,
  Error = TP_LOG_ERROR
};

std::optional<LogLevel> parse_log_level(std::string_view name);
const char* log_level_name(LogLevel level);

class Logger {
 public:
  using Sink = std::function<void(LogLevel, const std::string& line)>;

  Logger();  // stderr, level Info
  explicit Logger(Sink sink, LogLevel level = LogLevel::Info);

  void set_level(LogLevel level);
  LogLevel level() const;
  bool enabled(LogLevel level) const { return level >= level_; }

  void log(LogLevel level, std::string_view component, std::string_view message);
  void info(std::string_view component, std::string_view message) { log(LogLevel::Info, component, message); }
  void warn(std::string_view component, std::string_view message) { log(LogLevel::Warn, component, message); }
  void error(std::string_view component, std::string_view message) { log(LogLevel::Error, component, message); }
  void debug(std::string_view component, std::string_view message) { log(LogLevel::Debug, component, message); }

 private:
  mutable std::mutex mu_;
  Sink sink_;
  LogLevel level_ = LogLevel::Info;
};

}  // namespace telepane::core
