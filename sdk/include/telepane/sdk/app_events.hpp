// Telepane SDK: the conversation between the application and its frontend (the desktop window) on the event bus.
// Decoded pictures do not travel here (tp_frontend_vtbl.present); everything else a window shows or asks for does.
//
// A payload is a set of fields, one per line: `key=value`, keys [a-z0-9_.], values with `\` written `\\` and a line
// break written `\n`. Fields a receiver does not know are ignored, so either side may add some. Every topic, its
// direction and its fields are listed below and in docs/protocol.md ("Frontend topics").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace telepane::sdk::app {

// application -> frontend
inline constexpr const char* kIdentity = "app.identity";                   // id, full_id
inline constexpr const char* kOneTimePassword = "auth.password.one_time";  // the password itself, not fields
inline constexpr const char* kRendezvous = "app.rendezvous";    // state (online|offline|none), server, detail
inline constexpr const char* kConfirmAsk = "app.host.confirm";  // token, address, device, known, permissions
inline constexpr const char* kHostSessions =
    "app.host.sessions";  // count, then token.N, address.N, permissions.N
inline constexpr const char* kViewerState = "app.viewer.state";  // state, peer, path, message, capabilities, device
inline constexpr const char* kViewerStats =
    "app.viewer.stats";  // fps, mbps, p50_ms, p95_ms, p99_ms, codec, width, height, path
inline constexpr const char* kViewerCursor =
    "app.viewer.cursor";  // x, y, visible; with a new shape: w, h, hot_x, hot_y, bgra (hex)
inline constexpr const char* kSettings = "app.settings";       // json: the settings page's model
inline constexpr const char* kBook = "app.book";               // json: recent sessions and the address book
inline constexpr const char* kNotice = "app.notice";           // message, level (info|error)
inline constexpr const char* kChatReceived = "chat.received";  // the peer's chat line, not fields
inline constexpr const char* kClipboardReceived = "clipboard.received";

// frontend -> application
inline constexpr const char* kHello = "app.hello";      // the window listens now: send every state again
inline constexpr const char* kWindowReady = "app.window.ready";  // the window has drawn and takes input
inline constexpr const char* kConnect = "app.connect";  // id, password
inline constexpr const char* kViewerClose = "app.viewer.close";
inline constexpr const char* kViewerDisplay = "app.viewer.display";  // index
inline constexpr const char* kViewerStream = "app.viewer.stream";    // max_fps, quality, codec (empty: unchanged)
inline constexpr const char* kConfirmAnswer = "app.host.answer";     // token, accept (0|1), grant (comma list)
inline constexpr const char* kHostEnd = "app.host.end";              // token (empty: every session)
inline constexpr const char* kRefreshPassword = "auth.password.refresh";
inline constexpr const char* kSetPassword = "app.password.set";     // password (permanent; hashed by the auth plugin)
inline constexpr const char* kSetSetting = "app.settings.set";      // path, value (YAML); written to the user's file
inline constexpr const char* kEnablePlugin = "app.plugins.enable";  // id, enabled (0|1)
inline constexpr const char* kBookSave = "app.book.save";           // id, name, tags
inline constexpr const char* kBookRemove = "app.book.remove";       // id
inline constexpr const char* kInputSend = "input.send";             // sdk/input_events.hpp bytes
inline constexpr const char* kClipboardSend = "clipboard.send";
inline constexpr const char* kChatSend = "chat.send";

class Fields {
 public:
  Fields& set(const std::string& key, std::string value) {
    for (auto& f : fields_)
      if (f.first == key) {
        f.second = std::move(value);
        return *this;
      }
    fields_.emplace_back(key, std::move(value));
    return *this;
  }
  Fields& set(const std::string& key, int64_t value) { return set(key, std::to_string(value)); }

  std::optional<std::string> find(const std::string& key) const {
    for (auto& f : fields_)
      if (f.first == key) return f.second;
    return std::nullopt;
  }
  std::string get(const std::string& key, const std::string& fallback = "") const {
    auto v = find(key);
    return v ? *v : fallback;
  }
  // The field as a whole number; `fallback` when absent or not a number.
  int64_t number(const std::string& key, int64_t fallback = 0) const {
    auto v = find(key);
    if (!v || v->empty()) return fallback;
    int64_t out = 0;
    std::size_t i = 0;
    const bool negative = (*v)[0] == '-';
    if (negative) i = 1;
    if (i == v->size()) return fallback;
    for (; i < v->size(); ++i) {
      const char c = (*v)[i];
      if (c < '0' || c > '9' || out > (INT64_MAX - 9) / 10) return fallback;
      out = out * 10 + (c - '0');
    }
    return negative ? -out : out;
  }
  bool flag(const std::string& key) const { return get(key) == "1"; }
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

  std::string encode() const {
    std::string o;
    for (auto& [k, v] : fields_) {
      o += k;
      o += '=';
      for (char c : v) {
        if (c == '\\') {
          o += "\\\\";
        } else if (c == '\n') {
          o += "\\n";
        } else {
          o += c;
        }
      }
      o += '\n';
    }
    return o;
  }

  // The fields, or nullopt with `why` naming the first malformed line.
  static std::optional<Fields> decode(const std::string& text, std::string& why) {
    Fields out;
    std::size_t pos = 0;
    int line = 0;
    while (pos < text.size()) {
      ++line;
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      const std::string l = text.substr(pos, end - pos);
      pos = end + 1;
      const std::size_t eq = l.find('=');
      if (eq == std::string::npos || eq == 0) {
        why = "line " + std::to_string(line) + " is not key=value";
        return std::nullopt;
      }
      for (std::size_t i = 0; i < eq; ++i) {
        const char c = l[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
          why = "line " + std::to_string(line) + ": key '" + l.substr(0, eq) + "' has a character outside [a-z0-9_.]";
          return std::nullopt;
        }
      }
      std::string value;
      for (std::size_t i = eq + 1; i < l.size(); ++i) {
        if (l[i] != '\\') {
          value += l[i];
          continue;
        }
        if (i + 1 == l.size() || (l[i + 1] != '\\' && l[i + 1] != 'n')) {
          why = "line " + std::to_string(line) + ": a lone '\\' in the value of '" + l.substr(0, eq) + "'";
          return std::nullopt;
        }
        value += l[i + 1] == 'n' ? '\n' : '\\';
        ++i;
      }
      out.fields_.emplace_back(l.substr(0, eq), std::move(value));
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace telepane::sdk::app
