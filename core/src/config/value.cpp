#include <telepane/core/config/value.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

namespace telepane::core::config {

std::string Origin::str() const {
  if (source.empty()) return {};
  if (line <= 0) return source;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Value Value::scalar(std::string text, bool quoted, Origin origin) {
  Value v;
  v.kind_ = Kind::Scalar;
  v.text_ = std::move(text);
  v.quoted_ = quoted;
  v.origin_ = std::move(origin);
  return v;
}
Value Value::sequence(Origin origin) {
  Value v;
  v.kind_ = Kind::Sequence;
  v.origin_ = std::move(origin);
  return v;
}
Value Value::map(Origin origin) {
  Value v;
  v.kind_ = Kind::Map;
  v.origin_ = std::move(origin);
  return v;
}
Value Value::null(Origin origin) {
  Value v;
  v.origin_ = std::move(origin);
  return v;
}

std::optional<int64_t> Value::as_int() const {
  if (kind_ != Kind::Scalar || quoted_ || text_.empty()) return std::nullopt;
  std::string_view s = text_;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if (!negative && magnitude > uint64_t(INT64_MAX)) return std::nullopt;
  if (negative && magnitude > uint64_t(INT64_MAX) + 1) return std::nullopt;
  return negative ? int64_t(0 - magnitude) : int64_t(magnitude);
}

std::optional<double> Value::as_double() const {
  if (kind_ != Kind::Scalar || quoted_) return std::nullopt;
  if (auto i = as_int()) return double(*i);
  static const std::regex number(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text_, number)) {
    errno = 0;
    double d = std::strtod(text_.c_str(), nullptr);
    if (errno == ERANGE) return std::nullopt;
    return d;
  }
  if (text_ == ".inf" || text_ == "+.inf" || text_ == ".Inf" || text_ == ".INF") return HUGE_VAL;
  if (text_ == "-.inf" || text_ == "-.Inf" || text_ == "-.INF") return -HUGE_VAL;
  return std::nullopt;
}

std::optional<bool> Value::as_bool() const {
  if (kind_ != Kind::Scalar || quoted_) return std::nullopt;
  if (text_ == "true" || text_ == "True" || text_ == "TRUE") return true;
  if (text_ == "false" || text_ == "False" || text_ == "FALSE") return false;
  return std::nullopt;
}

std::string Value::describe() const {
  switch (kind_) {
    case Kind::Null: return "nothing (null)";
    case Kind::Sequence: return "a list";
    case Kind::Map: return "a map";
    case Kind::Scalar: break;
  }
  if (as_bool()) return "boolean " + text_;
  if (as_int()) return "integer " + text_;
  if (as_double()) return "number " + text_;
  return "string '" + text_ + "'";
}

const Value* Value::find(const std::string& key) const {
  for (auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}
Value* Value::find(const std::string& key) {
  for (auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}
Value& Value::set(const std::string& key, Value v) {
  if (Value* existing = find(key)) return *existing = std::move(v);
  entries_.emplace_back(key, std::move(v));
  return entries_.back().second;
}
bool Value::erase(const std::string& key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

const Value* Value::at_path(const std::string& dotted) const {
  const Value* cur = this;
  std::size_t start = 0;
  while (cur != nullptr && start <= dotted.size()) {
    std::size_t dot = dotted.find('.', start);
    std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (cur->is_map()) {
      cur = cur->find(part);
    } else if (cur->is_sequence()) {
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || end != part.data() + part.size() || index >= cur->items_.size()) return nullptr;
      cur = &cur->items_[index];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
  return nullptr;
}

void Value::merge(const Value& over) {
  if (is_map() && over.is_map()) {
    for (auto& [k, v] : over.entries_) {
      if (Value* mine = find(k))
        mine->merge(v);
      else
        entries_.emplace_back(k, v);
    }
    return;
  }
  *this = over;
}

namespace {
void append_json_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  out += '"';
}
void append_json(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Null: out += "null"; return;
    case Value::Kind::Scalar:
      if (auto b = v.as_bool())
        out += *b ? "true" : "false";
      else if (auto i = v.as_int())
        out += std::to_string(*i);
      else if (auto d = v.as_double(); d && std::isfinite(*d))
        out += v.text();
      else if (!v.quoted() && (v.text() == "null" || v.text() == "~"))
        out += "null";
      else
        append_json_string(out, v.text());
      return;
    case Value::Kind::Sequence: {
      out += '[';
      bool first = true;
      for (auto& item : v.items()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item);
      }
      out += ']';
      return;
    }
    case Value::Kind::Map: {
      out += '{';
      bool first = true;
      for (auto& [k, item] : v.entries()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, k);
        out += ':';
        append_json(out, item);
      }
      out += '}';
      return;
    }
  }
}
}  // namespace

std::string Value::to_json() const {
  std::string out;
  append_json(out, *this);
  return out;
}

}  // namespace telepane::core::config
