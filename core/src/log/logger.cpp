#include <telepane/core/log/logger.hpp>

#include <cstdio>

namespace telepane::core {

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "trace") return LogLevel::Trace;
  if (name == "debug") return LogLevel::Debug;
  if (name == "info") return LogLevel::Info;
  if (name == "warn") return LogLevel::Warn;
  if (name == "error") return LogLevel::Error;
  return std::nullopt;
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Trace: return "trace";
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "?";
}

Logger::Logger()
    : sink_([](LogLevel, const std::string& line) {
        std::fputs(line.c_str(), stderr);
        std::fputc('\n', stderr);
      }) {}

Logger::Logger(Sink sink, LogLevel level) : sink_(std::move(sink)), level_(level) {}

void Logger::set_level(LogLevel level) {
  std::lock_guard lock(mu_);
  level_ = level;
}

LogLevel Logger::level() const {
  std::lock_guard lock(mu_);
  return level_;
}

void Logger::log(LogLevel level, std::string_view component, std::string_view message) {
  std::lock_guard lock(mu_);
  if (level < level_) return;
  std::string line;
  line.reserve(component.size() + message.size() + 16);
  line += log_level_name(level);
  line += ' ';
  line += component;
  line += ": ";
  // One event, one line: a message with newlines would forge extra log lines.
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  sink_(level, line);
}

}  // namespace telepane::core
