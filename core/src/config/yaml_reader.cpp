#include <telepane/core/config/yaml_reader.hpp>

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace telepane::core::config {
namespace {

constexpr int kMaxDepth = 64;  // deeper is not a config; stops a hostile file from exhausting the stack

Origin origin_of(const YAML::Node& node, const std::string& source) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return Origin{source, 0, 0};
  return Origin{source, m.line + 1, m.column + 1};
}

Value convert(const YAML::Node& node, const std::string& source, int depth) {
  const Origin origin = origin_of(node, source);
  if (depth > kMaxDepth) throw ConfigError(origin, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return Value::null(origin);
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!": a quoted "8" is the string 8, not the number.
      return Value::scalar(node.Scalar(), node.Tag() == "!", origin);
    case YAML::NodeType::Sequence: {
      Value seq = Value::sequence(origin);
      for (const auto& item : node) seq.push_back(convert(item, source, depth + 1));
      return seq;
    }
    case YAML::NodeType::Map: {
      Value map = Value::map(origin);
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) throw ConfigError(origin_of(kv.first, source), "a map key must be a plain name");
        const std::string key = kv.first.Scalar();
        if (map.find(key) != nullptr)
          throw ConfigError(origin_of(kv.first, source), "key '" + key + "' appears twice in the same map");
        Value v = convert(kv.second, source, depth + 1);
        // A key with no value has no position of its own; point at the key instead.
        if (v.is_null() && v.origin().line == 0) v.set_origin(origin_of(kv.first, source));
        map.set(key, std::move(v));
      }
      return map;
    }
  }
  return Value::null(origin);
}

void stamp(Value& v, const Origin& o) {
  v.set_origin(o);
  for (auto& item : v.items()) stamp(item, o);
  for (auto& entry : v.entries()) stamp(entry.second, o);
}

}  // namespace

Value read_yaml_text(const std::string& text, const std::string& source_name) {
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) return Value::map(Origin{source_name, 1, 1});
    return convert(root, source_name, 0);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Origin{source_name, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
}

Value read_yaml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(Origin{path, 0, 0}, "cannot read the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return read_yaml_text(buf.str(), path);
}

Override parse_override(const std::string& assignment) {
  const Origin origin{"--set " + assignment, 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw ConfigError(origin, "expected key.path=value");
  const std::string path = assignment.substr(0, eq);
  if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string::npos)
    throw ConfigError(origin, "empty part in key '" + path + "'");
  Value leaf;
  try {
    leaf = convert(YAML::Load(assignment.substr(eq + 1)), origin.source, 1);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin, "the value is not valid YAML: " + e.msg);
  }
  stamp(leaf, origin);  // an override has no lines: every node in it points at the --set argument
  return Override{path, std::move(leaf), origin};
}

Value nest(const std::vector<std::string>& keys, Value leaf, const Origin& origin) {
  Value tree = std::move(leaf);
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    Value parent = Value::map(origin);
    parent.set(*it, std::move(tree));
    tree = std::move(parent);
  }
  return tree;
}

}  // namespace telepane::core::config
