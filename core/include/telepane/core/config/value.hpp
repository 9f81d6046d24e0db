// A config tree that remembers where every value came from, so an error can say file:line:col.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace telepane::core::config {

// Where a value was written: a file with a 1-based line and column, or a command-line override.
struct Origin {
  std::string source;  // a path, "--set a.b=c", or "<defaults>"
  int line = 0;        // 0 when the source has no lines
  int column = 0;
  std::string str() const;  // "path:3:7" or "--set a.b=c"
};

class Value {
 public:
  enum class Kind { Null, Scalar, Sequence, Map };

  Value() = default;
  static Value scalar(std::string text, bool quoted, Origin origin);
  static Value sequence(Origin origin);
  static Value map(Origin origin);
  static Value null(Origin origin);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }
  bool is_map() const { return kind_ == Kind::Map; }
  const Origin& origin() const { return origin_; }
  void set_origin(Origin o) { origin_ = std::move(o); }

  // Scalars keep their text; typed reads follow YAML 1.2's core schema. A quoted scalar is always a string.
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }
  std::optional<int64_t> as_int() const;
  std::optional<double> as_double() const;
  std::optional<bool> as_bool() const;
  // A human name of what this is, for "expected X, found Y": "integer 12", "string 'abc'", "a list", ...
  std::string describe() const;

  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  void push_back(Value v) { items_.push_back(std::move(v)); }

  // Maps keep insertion order: what a person wrote is what they see back.
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  std::vector<std::pair<std::string, Value>>& entries() { return entries_; }
  const Value* find(const std::string& key) const;
  Value* find(const std::string& key);
  // Inserts or replaces.
  Value& set(const std::string& key, Value v);
  bool erase(const std::string& key);

  // Follows a dotted path ("limits.max_kbps", "servers.0"); null when absent.
  const Value* at_path(const std::string& dotted) const;

  // Deep merge: maps merge key by key, anything else in `over` replaces what is here.
  void merge(const Value& over);

  std::string to_json() const;

 private:
  Kind kind_ = Kind::Null;
  std::string text_;
  bool quoted_ = false;
  Origin origin_;
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> entries_;
};

}  // namespace telepane::core::config
