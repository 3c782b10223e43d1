#include "scenario/yaml_json.hpp"

#include <charconv>
#include <cmath>

#include "scenario/json_text.hpp"

namespace cicada::scenario {

namespace {

template <class T>
bool parse_whole(const std::string& s, T& out) {
  if (s.empty()) return false;
  // from_chars rejects a leading '+', which YAML allows on numbers.
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

JsonScalar classify_scalar(const YAML::Node& scalar) {
  JsonScalar v;
  const std::string& s = scalar.Scalar();
  if (scalar.Tag() == "!" || scalar.Tag() == "tag:yaml.org,2002:str") {
    v.kind = JsonScalar::Kind::kString;
    v.text = s;
    return v;
  }
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return v;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
    v.kind = JsonScalar::Kind::kBool;
    v.boolean = s[0] == 't' || s[0] == 'T';
    return v;
  }
  if (parse_whole(s, v.integer)) {
    v.kind = JsonScalar::Kind::kInt;
    return v;
  }
  // Only digit-led forms count as floats: "inf", "nan" and ".inf" stay strings (JSON cannot carry them).
  char first = s[0] == '-' || s[0] == '+' ? (s.size() > 1 ? s[1] : ' ') : s[0];
  if (first >= '0' && first <= '9' && parse_whole(s, v.real) && std::isfinite(v.real)) {
    v.kind = JsonScalar::Kind::kDouble;
    return v;
  }
  v.kind = JsonScalar::Kind::kString;
  v.text = s;
  return v;
}

void append_scalar_json(std::string& out, const JsonScalar& value) {
  switch (value.kind) {
    case JsonScalar::Kind::kNull:
      out.append("null");
      break;
    case JsonScalar::Kind::kBool:
      out.append(value.boolean ? "true" : "false");
      break;
    case JsonScalar::Kind::kInt:
      append_json_int(out, value.integer);
      break;
    case JsonScalar::Kind::kDouble:
      append_json_double(out, value.real);
      break;
    case JsonScalar::Kind::kString:
      append_json_string(out, value.text);
      break;
  }
}

void append_yaml_as_json(const YamlContext& ctx, const YAML::Node& node, std::string& out) {
  if (!node.IsDefined() || node.IsNull()) {
    out.append("null");
  } else if (node.IsScalar()) {
    append_scalar_json(out, classify_scalar(node));
  } else if (node.IsSequence()) {
    out.push_back('[');
    bool first = true;
    for (const auto& item : node) {
      if (!first) out.push_back(',');
      first = false;
      append_yaml_as_json(ctx, item, out);
    }
    out.push_back(']');
  } else {
    out.push_back('{');
    bool first = true;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) ctx.fail(entry.first, "a plain key (JSON object keys are strings)");
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, entry.first.Scalar());
      out.push_back(':');
      append_yaml_as_json(ctx, entry.second, out);
    }
    out.push_back('}');
  }
}

}  // namespace cicada::scenario
