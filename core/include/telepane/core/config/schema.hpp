// The subset of JSON Schema that plugin config schemas use (docs/plugin-guide.md lists it), applied to config
// values: validation with file:line:col errors, defaults filled in, and human/markdown descriptions.
#pragma once

#include <telepane/core/config/value.hpp>

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace telepane::core::config {

class Schema {
 public:
  enum class Type { Any, Object, Array, String, Integer, Number, Boolean };

  // Compiles a schema from JSON (or YAML) text. Throws ConfigError naming the place of the first problem,
  // including keywords outside the supported subset: a schema we cannot enforce is rejected, not half-applied.
  static Schema parse(const std::string& text, const std::string& source_name);
  static Schema from_value(const Value& v);

  // Checks `value` (null when the key is absent) found at `path`; appends one line per problem to `errors`.
  // Returns the value with defaults filled in (null when absent and without default).
  Value apply(const Value* value, const std::string& path, const Origin& parent,
              std::vector<std::string>& errors) const;

  Type type() const { return type_; }
  std::vector<std::string> property_names() const;  // an object's keys, in schema order
  const std::string& description() const { return description_; }
  const std::optional<Value>& default_value() const { return default_; }

  // One line a setting, indented by depth: "speed: integer 0..10 (default 8) - how hard to try".
  void describe(std::string& out, const std::string& name, int depth) const;
  // A markdown table row a setting: | `prefix.key` | type | default | description |
  void markdown(std::string& out, const std::string& prefix) const;

 private:
  struct Property;
  std::string type_text() const;

  Type type_ = Type::Any;
  std::string description_;
  std::optional<Value> default_;
  std::vector<Property> properties_;  // in schema order
  std::vector<std::string> required_;
  bool additional_ = false;  // unknown keys are errors unless the schema says otherwise
  std::shared_ptr<Schema> items_;
  std::vector<std::string> enum_;
  std::optional<double> minimum_, maximum_;
  std::optional<uint64_t> min_length_, max_length_, min_items_, max_items_;
  std::string pattern_text_;
  std::shared_ptr<std::regex> pattern_;
};

struct Schema::Property {
  std::string name;
  Schema schema;
};

}  // namespace telepane::core::config
