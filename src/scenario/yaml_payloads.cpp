#include "scenario/yaml_payloads.hpp"

#include "scenario/payload_fixed.hpp"
#include "scenario/payload_invalid.hpp"
#include "scenario/payload_random.hpp"
#include "scenario/yaml_json.hpp"

namespace cicada::scenario {

namespace {

constexpr std::string_view kFieldKinds =
    "a field spec: {int: [LO, HI]}, {float: [LO, HI]}, {choice: [...]} or {constant: X}";

const YAML::Node& pair_of(const YamlContext& ctx, const YAML::Node& node, std::string_view what) {
  if (!node.IsSequence() || node.size() != 2) ctx.fail(node, std::string(what) + " as [LO, HI]");
  return node;
}

FieldSpec parse_field(const YamlContext& ctx, const std::string& name, const YAML::Node& node) {
  if (!node.IsMap() || node.size() != 1) ctx.fail(node, kFieldKinds);
  ctx.require_keys(node, "a field spec", {"int", "float", "choice", "constant"});
  const auto& entry = *node.begin();
  const std::string kind = entry.first.Scalar();
  const YAML::Node& value = entry.second;
  FieldSpec f;
  f.name = name;
  if (kind == "int") {
    pair_of(ctx, value, "an int range");
    f.kind = FieldSpec::Kind::kInt;
    f.int_lo = ctx.integer(value[0], "the lowest value");
    f.int_hi = ctx.integer(value[1], "the highest value");
    if (f.int_lo > f.int_hi) ctx.fail(value[1], "HI >= LO (" + std::to_string(f.int_lo) + ")");
  } else if (kind == "float") {
    pair_of(ctx, value, "a float range");
    f.kind = FieldSpec::Kind::kFloat;
    f.float_lo = ctx.number(value[0], "the lowest value");
    f.float_hi = ctx.number(value[1], "the highest value");
    if (f.float_lo > f.float_hi) ctx.fail(value[1], "HI >= LO");
  } else if (kind == "choice") {
    if (!value.IsSequence() || value.size() == 0)
      ctx.fail(value, "a non-empty list of values to choose from");
    f.kind = FieldSpec::Kind::kChoice;
    for (const auto& item : value) {
      std::string json;
      append_yaml_as_json(ctx, item, json);
      f.choices_json.push_back(std::move(json));
    }
  } else {
    f.kind = FieldSpec::Kind::kConstant;
    append_yaml_as_json(ctx, value, f.constant_json);
  }
  return f;
}

std::shared_ptr<RandomPayload> parse_random(const YamlContext& ctx, const YAML::Node& fields) {
  if (!fields.IsMap() || fields.size() == 0) ctx.fail(fields, "a mapping of field names to field specs");
  std::vector<FieldSpec> specs;
  for (const auto& entry : fields) {
    std::string name = ctx.string(entry.first, "a field name");
    for (const auto& earlier : specs) {
      if (earlier.name == name) ctx.fail(entry.first.Mark(), "each field once", "\"" + name + "\" again");
    }
    specs.push_back(parse_field(ctx, name, entry.second));
  }
  return std::make_shared<RandomPayload>(std::move(specs));
}

}  // namespace

PayloadTable parse_payloads(const YamlContext& ctx, const YAML::Node& section) {
  ctx.require_map(section, "payloads");
  PayloadTable table;
  std::map<std::string, std::shared_ptr<const RandomPayload>, std::less<>> randoms;
  // Two passes, so that `of:` may name a payload written further down.
  for (const auto& entry : section) {
    const std::string name = ctx.string(entry.first, "a payload name");
    if (table.count(name) || randoms.count(name))
      ctx.fail(entry.first.Mark(), "each payload name once", "\"" + name + "\" again");
    const YAML::Node& spec = entry.second;
    if (!spec.IsMap() || spec.size() == 0)
      ctx.fail(spec, "a payload: {random: ...}, {file: ...} or {invalid: ..., of: ...}");
    if (auto random = YamlContext::find(spec, "random")) {
      ctx.require_keys(spec, "a random payload", {"random"});
      auto payload = parse_random(ctx, *random);
      randoms.emplace(name, payload);
      table.emplace(name, payload);
    } else if (auto file = YamlContext::find(spec, "file")) {
      ctx.require_keys(spec, "a file payload", {"file"});
      auto loaded = load_fixed_payload(ctx.resolve(ctx.string(*file, "a payload file path")));
      if (!loaded) ctx.fail(file->Mark(), "a readable JSON payload file", loaded.error().message);
      table.emplace(name, std::move(*loaded));
    } else if (!YamlContext::find(spec, "invalid")) {
      ctx.require_keys(spec, "a payload", {"random", "file", "invalid", "of"});
      ctx.fail(spec, "a payload: {random: ...}, {file: ...} or {invalid: ..., of: ...}");
    }
  }
  for (const auto& entry : section) {
    const YAML::Node& spec = entry.second;
    auto invalid = YamlContext::find(spec, "invalid");
    if (!invalid) continue;
    if (table.count(entry.first.Scalar())) {
      ctx.fail(entry.first.Mark(), "each payload name once", "\"" + entry.first.Scalar() + "\" again");
    }
    ctx.require_keys(spec, "an invalid payload", {"invalid", "of"});
    auto kind = parse_invalid_kind(ctx.string(*invalid, "an invalid variant"));
    if (!kind) ctx.fail(*invalid, "an invalid variant (" + std::string(invalid_kind_names()) + ")");
    auto of = YamlContext::find(spec, "of");
    if (!of) ctx.fail(spec.Mark(), "`of: PAYLOAD` naming the random payload to break", "no `of`");
    auto base = randoms.find(ctx.string(*of, "a random payload name"));
    if (base == randoms.end()) ctx.fail(*of, "the name of a random payload defined under payloads");
    auto made = InvalidPayload::make(*kind, base->second);
    if (!made) ctx.fail(of->Mark(), made.error().message, "\"" + base->first + "\"");
    table.emplace(entry.first.Scalar(), std::move(*made));
  }
  return table;
}

}  // namespace cicada::scenario
