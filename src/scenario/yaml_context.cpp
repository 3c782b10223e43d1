#include "scenario/yaml_context.hpp"

#include <charconv>
#include <set>

#include "base/duration.hpp"

namespace cicada::scenario {

namespace {

bool is_plain(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

}  // namespace

std::string describe_node(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  std::string text = node.Scalar();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return "\"" + text + "\"";
}

std::filesystem::path YamlContext::resolve(std::string_view relative) const {
  std::filesystem::path p(relative);
  if (p.is_absolute()) return p;
  return file_.parent_path() / p;
}

std::string YamlContext::position(const YAML::Mark& at) const {
  // yaml-cpp counts lines and columns from 0; editors and compilers count from 1.
  if (at.is_null()) return file_.string();
  return file_.string() + ":" + std::to_string(at.line + 1) + ":" + std::to_string(at.column + 1);
}

void YamlContext::fail(const YAML::Mark& at, std::string_view expected, std::string_view got) const {
  throw ScenarioFileError{position(at) + ": expected " + std::string(expected) + ", got " + std::string(got)};
}

void YamlContext::fail(const YAML::Node& at, std::string_view expected) const {
  fail(at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), expected, describe_node(at));
}

void YamlContext::require_map(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) fail(node, std::string(what) + " (a mapping)");
}

void YamlContext::require_keys(const YAML::Node& node, std::string_view what,
                               std::initializer_list<std::string_view> allowed) const {
  require_map(node, what);
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) fail(key, "a key name in " + std::string(what));
    const std::string& name = key.Scalar();
    bool known = false;
    for (auto a : allowed) known = known || a == name;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(key.Mark(), "one of the keys of " + std::string(what) + " (" + list + ")", "\"" + name + "\"");
    }
    if (!seen.insert(name).second)
      fail(key.Mark(), "each key once in " + std::string(what), "\"" + name + "\" again");
  }
}

std::optional<YAML::Node> YamlContext::find(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return std::nullopt;
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return std::nullopt;
}

std::string YamlContext::string(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) fail(node, std::string(what) + " (a string)");
  return node.Scalar();
}

double YamlContext::number(const YAML::Node& node, std::string_view what) const {
  if (is_plain(node)) {
    const std::string& s = node.Scalar();
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && !s.empty()) return v;
  }
  fail(node, std::string(what) + " (a number)");
}

std::int64_t YamlContext::integer(const YAML::Node& node, std::string_view what) const {
  if (is_plain(node)) {
    const std::string& s = node.Scalar();
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && !s.empty()) return v;
  }
  fail(node, std::string(what) + " (a whole number)");
}

bool YamlContext::boolean(const YAML::Node& node, std::string_view what) const {
  if (is_plain(node)) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  fail(node, std::string(what) + " (true or false)");
}

std::chrono::microseconds YamlContext::duration(const YAML::Node& node, std::string_view what) const {
  if (node.IsScalar()) {
    auto parsed = parse_duration(node.Scalar());
    if (parsed) return *parsed;
  }
  fail(node, std::string(what) + " (a duration such as 200ms, 30s, 5m, 1h30m)");
}

std::vector<std::string> YamlContext::strings(const YAML::Node& node, std::string_view what) const {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) fail(node, std::string(what) + " (a string or a list of strings)");
  for (const auto& item : node) out.push_back(string(item, what));
  return out;
}

}  // namespace cicada::scenario
