#include <telepane/core/config/schema.hpp>
#include <telepane/core/config/yaml_reader.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace telepane::core::config {
namespace {

const std::set<std::string>& known_keywords() {
  static const std::set<std::string> k = {"$schema",     "$id",       "title",
                                          "description", "type",      "default",
                                          "properties",  "required",  "additionalProperties",
                                          "items",       "enum",      "minimum",
                                          "maximum",     "minLength", "maxLength",
                                          "minItems",    "maxItems",  "pattern",
                                          "examples"};
  return k;
}

std::optional<Schema::Type> type_from(const std::string& s) {
  if (s == "object") return Schema::Type::Object;
  if (s == "array") return Schema::Type::Array;
  if (s == "string") return Schema::Type::String;
  if (s == "integer") return Schema::Type::Integer;
  if (s == "number") return Schema::Type::Number;
  if (s == "boolean") return Schema::Type::Boolean;
  return std::nullopt;
}

std::string format_number(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(int64_t(d));
  std::ostringstream o;
  o << d;
  return o.str();
}

// Levenshtein distance, for "did you mean" on misspelt keys.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

double number_of(const Value& v, const char* keyword) {
  auto d = v.as_double();
  if (!d) throw ConfigError(v.origin(), std::string("'") + keyword + "' must be a number");
  return *d;
}
uint64_t count_of(const Value& v, const char* keyword) {
  auto i = v.as_int();
  if (!i || *i < 0) throw ConfigError(v.origin(), std::string("'") + keyword + "' must be a non-negative integer");
  return uint64_t(*i);
}

Value stamped(const Value& v, const Origin& o) {
  Value copy = v;
  struct S {
    static void all(Value& x, const Origin& o) {
      x.set_origin(o);
      for (auto& i : x.items()) all(i, o);
      for (auto& e : x.entries()) all(e.second, o);
    }
  };
  S::all(copy, o);
  return copy;
}

}  // namespace

Schema Schema::parse(const std::string& text, const std::string& source_name) {
  return from_value(read_yaml_text(text, source_name));
}

std::vector<std::string> Schema::property_names() const {
  std::vector<std::string> names;
  for (auto& p : properties_) names.push_back(p.name);
  return names;
}

Schema Schema::from_value(const Value& v) {
  if (!v.is_map()) throw ConfigError(v.origin(), "a schema must be an object");
  Schema s;
  for (auto& [key, val] : v.entries()) {
    if (!known_keywords().count(key)) throw ConfigError(val.origin(), "unsupported schema keyword '" + key + "'");
  }
  if (const Value* t = v.find("type")) {
    auto type = t->is_scalar() ? type_from(t->text()) : std::nullopt;
    if (!type) throw ConfigError(t->origin(), "'type' must be one of object, array, string, integer, number, boolean");
    s.type_ = *type;
  }
  if (const Value* d = v.find("description")) s.description_ = d->text();
  if (const Value* d = v.find("default")) s.default_ = stamped(*d, Origin{"<default>", 0, 0});
  if (const Value* p = v.find("properties")) {
    if (!p->is_map()) throw ConfigError(p->origin(), "'properties' must be an object");
    for (auto& [name, sub] : p->entries()) s.properties_.push_back(Property{name, from_value(sub)});
  }
  if (const Value* r = v.find("required")) {
    if (!r->is_sequence()) throw ConfigError(r->origin(), "'required' must be a list of names");
    for (auto& name : r->items()) s.required_.push_back(name.text());
  }
  if (const Value* a = v.find("additionalProperties")) {
    auto b = a->as_bool();
    if (!b) throw ConfigError(a->origin(), "'additionalProperties' must be true or false");
    s.additional_ = *b;
  }
  if (const Value* i = v.find("items")) s.items_ = std::make_shared<Schema>(from_value(*i));
  if (const Value* e = v.find("enum")) {
    if (!e->is_sequence() || e->items().empty()) throw ConfigError(e->origin(), "'enum' must be a non-empty list");
    for (auto& item : e->items()) s.enum_.push_back(item.text());
  }
  if (const Value* m = v.find("minimum")) s.minimum_ = number_of(*m, "minimum");
  if (const Value* m = v.find("maximum")) s.maximum_ = number_of(*m, "maximum");
  if (const Value* m = v.find("minLength")) s.min_length_ = count_of(*m, "minLength");
  if (const Value* m = v.find("maxLength")) s.max_length_ = count_of(*m, "maxLength");
  if (const Value* m = v.find("minItems")) s.min_items_ = count_of(*m, "minItems");
  if (const Value* m = v.find("maxItems")) s.max_items_ = count_of(*m, "maxItems");
  if (const Value* p = v.find("pattern")) {
    s.pattern_text_ = p->text();
    try {
      s.pattern_ = std::make_shared<std::regex>(s.pattern_text_, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      throw ConfigError(p->origin(), "'pattern' is not a valid regular expression");
    }
  }
  if (s.default_) {
    std::vector<std::string> errors;
    s.apply(&*s.default_, "default", Origin{}, errors);
    if (!errors.empty())
      throw ConfigError(v.find("default")->origin(), "the default does not fit the schema: " + errors[0]);
  }
  return s;
}

std::string Schema::type_text() const {
  std::string t;
  switch (type_) {
    case Type::Any: t = "any"; break;
    case Type::Object: t = "map"; break;
    case Type::Array: t = items_ ? "list of " + items_->type_text() : "list"; break;
    case Type::String: t = "string"; break;
    case Type::Integer: t = "integer"; break;
    case Type::Number: t = "number"; break;
    case Type::Boolean: t = "boolean"; break;
  }
  if (!enum_.empty()) {
    t = "one of";
    for (std::size_t i = 0; i < enum_.size(); ++i) t += (i ? ", " : " ") + enum_[i];
  }
  if (minimum_ || maximum_)
    t += " " + (minimum_ ? format_number(*minimum_) : std::string()) + ".." +
         (maximum_ ? format_number(*maximum_) : std::string());
  return t;
}

Value Schema::apply(const Value* value, const std::string& path, const Origin& parent,
                    std::vector<std::string>& errors) const {
  auto fail = [&](const Origin& where, const std::string& what) {
    const std::string place = where.str();
    errors.push_back((place.empty() ? std::string() : place + ": ") + "'" + path + "': " + what);
  };
  const bool absent = value == nullptr || value->is_null();
  if (absent) {
    if (default_) return *default_;
    if (type_ == Type::Object && !properties_.empty()) {
      // Build the object from its properties' defaults, so nested defaults reach the plugin too.
      Value empty = Value::map(parent);
      return apply(&empty, path, parent, errors);
    }
    return Value::null(parent);
  }
  const Value& v = *value;
  auto expected = [&](const std::string& what) { fail(v.origin(), "expected " + what + ", found " + v.describe()); };

  switch (type_) {
    case Type::Any: return v;
    case Type::Boolean:
      if (!v.as_bool()) expected("true or false");
      return v;
    case Type::Integer:
    case Type::Number: {
      auto d = type_ == Type::Integer ? (v.as_int() ? std::optional<double>(double(*v.as_int())) : std::nullopt)
                                      : v.as_double();
      if (!d) {
        expected(type_ == Type::Integer ? "an integer" : "a number");
        return v;
      }
      if ((minimum_ && *d < *minimum_) || (maximum_ && *d > *maximum_))
        fail(v.origin(), "expected " + type_text() + ", found " + v.text());
      return v;
    }
    case Type::String: {
      if (!v.is_scalar()) {
        expected("a string");
        return v;
      }
      if (!enum_.empty() && std::find(enum_.begin(), enum_.end(), v.text()) == enum_.end())
        fail(v.origin(), "expected " + type_text() + ", found '" + v.text() + "'");
      if (min_length_ && v.text().size() < *min_length_)
        fail(v.origin(), "expected at least " + std::to_string(*min_length_) + " characters");
      if (max_length_ && v.text().size() > *max_length_)
        fail(v.origin(), "expected at most " + std::to_string(*max_length_) + " characters");
      if (pattern_ && !std::regex_search(v.text(), *pattern_))
        fail(v.origin(), "'" + v.text() + "' does not match the pattern " + pattern_text_);
      return v;
    }
    case Type::Array: {
      if (!v.is_sequence()) {
        expected("a list");
        return v;
      }
      if (min_items_ && v.items().size() < *min_items_)
        fail(v.origin(), "expected at least " + std::to_string(*min_items_) + " items");
      if (max_items_ && v.items().size() > *max_items_)
        fail(v.origin(), "expected at most " + std::to_string(*max_items_) + " items");
      Value out = Value::sequence(v.origin());
      for (std::size_t i = 0; i < v.items().size(); ++i)
        out.push_back(items_ ? items_->apply(&v.items()[i], path + "." + std::to_string(i), v.origin(), errors)
                             : v.items()[i]);
      return out;
    }
    case Type::Object: {
      if (!v.is_map()) {
        expected("a map");
        return v;
      }
      Value out = Value::map(v.origin());
      for (auto& entry : v.entries()) {
        const std::string& key = entry.first;  // a plain reference: lambdas may capture it (a binding may not)
        const Value& item = entry.second;
        auto it = std::find_if(properties_.begin(), properties_.end(), [&](auto& p) { return p.name == key; });
        if (it != properties_.end() || additional_) {
          if (it == properties_.end()) out.set(key, item);
          continue;
        }
        std::string hint;
        std::size_t best = 3;  // suggest only near misses
        for (auto& p : properties_) {
          std::size_t d = distance(key, p.name);
          if (d < best) {
            best = d;
            hint = " (did you mean '" + p.name + "'?)";
          }
        }
        errors.push_back((item.origin().str().empty() ? std::string() : item.origin().str() + ": ") + "unknown key '" +
                         join(path, key) + "'" + hint);
      }
      for (auto& p : properties_) {
        Value applied = p.schema.apply(v.find(p.name), join(path, p.name), v.origin(), errors);
        if (!applied.is_null()) out.set(p.name, std::move(applied));
      }
      for (auto& name : required_)
        if (v.find(name) == nullptr) fail(v.origin(), "missing required key '" + name + "'");
      return out;
    }
  }
  return v;
}

void Schema::describe(std::string& out, const std::string& name, int depth) const {
  out += std::string(std::size_t(depth) * 2, ' ') + name + ": " + type_text();
  if (default_ && !default_->is_map()) out += " (default " + default_->to_json() + ")";
  if (!description_.empty()) out += " - " + description_;
  out += '\n';
  for (auto& p : properties_) p.schema.describe(out, p.name, depth + 1);
}

void Schema::markdown(std::string& out, const std::string& prefix) const {
  if (type_ == Type::Object && !properties_.empty()) {
    for (auto& p : properties_) p.schema.markdown(out, join(prefix, p.name));
    return;
  }
  std::string def = default_ ? "`" + default_->to_json() + "`" : "";
  std::string desc = description_;
  std::replace(desc.begin(), desc.end(), '|', '/');
  out += "| `" + prefix + "` | " + type_text() + " | " + def + " | " + desc + " |\n";
}

}  // namespace telepane::core::config
