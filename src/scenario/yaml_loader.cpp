#include "scenario/yaml_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/ascii.hpp"
#include "base/host_url.hpp"
#include "scenario/wait_time_parse.hpp"
#include "scenario/yaml_client.hpp"
#include "scenario/yaml_context.hpp"
#include "scenario/yaml_payloads.hpp"
#include "scenario/yaml_requests.hpp"
#include "scenario/yaml_stages.hpp"
#include "scenario/yaml_user.hpp"

namespace cicada::scenario {

namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// User-type headers override scenario-wide ones of the same (case-insensitive) name.
HeaderList merge_headers(HeaderList base, const HeaderList& overrides) {
  for (const auto& [name, value] : overrides) {
    bool replaced = false;
    for (auto& [n, v] : base) {
      if (equals_nocase(n, name)) {
        v = value;
        replaced = true;
      }
    }
    if (!replaced) base.emplace_back(name, value);
  }
  return base;
}

double positive(const YamlContext& ctx, const YAML::Node& node, std::string_view what) {
  double v = ctx.number(node, what);
  if (!(v > 0)) ctx.fail(node, std::string(what) + " above 0");
  return v;
}

std::string parse_host(const YamlContext& ctx, const YAML::Node& node) {
  std::string host = ctx.string(node, "a host URL");
  if (!is_host_url(host)) ctx.fail(node, "a host URL starting with " + std::string(kHostSchemes));
  while (host.size() > 8 && host.back() == '/') host.pop_back();
  return host;
}

// Remembers the entries a sequence's requests record, for validating thresholds by entry.
void note_entries(const RequestSequence& sequence, std::vector<RequestEntry>& entries) {
  for (const auto& r : sequence.requests) {
    RequestEntry e{r.method, r.name.empty() ? r.target : r.name};
    if (std::find(entries.begin(), entries.end(), e) == entries.end()) entries.push_back(std::move(e));
  }
}

TaskSpec parse_task(const YamlContext& ctx, const std::string& name, const YAML::Node& node,
                    const PayloadTable& payloads, std::vector<RequestEntry>& entries) {
  TaskSpec task;
  task.name = name;
  std::shared_ptr<RequestSequence> sequence;
  if (node.IsSequence()) {
    // Shorthand: a task written as its list of requests, weight 1, no tags.
    sequence = parse_sequence(ctx, node, payloads, "the requests of task " + name);
  } else {
    ctx.require_keys(node, "task " + name, {"weight", "tags", "requests"});
    if (auto weight = YamlContext::find(node, "weight"))
      task.weight = positive(ctx, *weight, "a task weight");
    if (auto tags = YamlContext::find(node, "tags")) task.tags = ctx.strings(*tags, "tags");
    auto requests = YamlContext::find(node, "requests");
    if (!requests) ctx.fail(node.Mark(), "`requests:` in task " + name, "no requests");
    sequence = parse_sequence(ctx, *requests, payloads, "the requests of task " + name);
  }
  note_entries(*sequence, entries);
  task.fn = make_sequence_task(std::move(sequence));
  return task;
}

UserType parse_user_type(const YamlContext& ctx, const std::string& name, const YAML::Node& node,
                         const PayloadTable& payloads, const HeaderList& scenario_headers,
                         const ClientSettings& scenario_client, std::vector<RequestEntry>& entries) {
  ctx.require_keys(
      node, "user type " + name,
      {"weight", "fixed_count", "wait_time", "host", "headers", "client", "on_start", "on_stop", "tasks"});
  UserType type;
  type.name = name;
  auto weight = YamlContext::find(node, "weight");
  auto fixed = YamlContext::find(node, "fixed_count");
  if (weight && fixed) ctx.fail(fixed->Mark(), "either weight or fixed_count", "both");
  if (weight) type.weight = positive(ctx, *weight, "a user type weight");
  if (fixed) {
    auto count = ctx.integer(*fixed, "a fixed user count");
    if (count < 1 || count > 10'000'000) ctx.fail(*fixed, "a fixed user count of at least 1");
    type.fixed_count = static_cast<int>(count);
  }
  if (auto wait = YamlContext::find(node, "wait_time")) {
    auto parsed = parse_wait_time(ctx.string(*wait, "a wait time"));
    if (!parsed) throw ScenarioFileError{ctx.position(wait->Mark()) + ": expected " + parsed.error().message};
    type.wait_time = *parsed;
  }
  if (auto host = YamlContext::find(node, "host")) type.host = parse_host(ctx, *host);
  HeaderList own;
  if (auto headers = YamlContext::find(node, "headers")) own = parse_headers(ctx, *headers);
  type.default_headers = merge_headers(scenario_headers, own);
  type.client = scenario_client;
  if (auto client = YamlContext::find(node, "client"))
    type.client = scenario_client.overridden_by(parse_client_settings(ctx, *client));

  std::shared_ptr<const RequestSequence> on_start, on_stop;
  if (auto n = YamlContext::find(node, "on_start")) on_start = parse_sequence(ctx, *n, payloads, "on_start");
  if (auto n = YamlContext::find(node, "on_stop")) on_stop = parse_sequence(ctx, *n, payloads, "on_stop");
  for (const auto& seq : {on_start, on_stop})
    if (seq) note_entries(*seq, entries);
  type.factory = [on_start, on_stop]() -> std::unique_ptr<User> {
    return std::make_unique<YamlUser>(on_start, on_stop);
  };

  auto tasks = YamlContext::find(node, "tasks");
  if (!tasks) ctx.fail(node.Mark(), "`tasks:` in user type " + name, "no tasks");
  if (!tasks->IsMap() || tasks->size() == 0) ctx.fail(*tasks, "a non-empty mapping of task names to tasks");
  for (const auto& entry : *tasks) {
    type.tasks.push_back(
        parse_task(ctx, ctx.string(entry.first, "a task name"), entry.second, payloads, entries));
  }
  return type;
}

LoadedScenario parse_document(const YamlContext& ctx, const YAML::Node& root) {
  ctx.require_keys(root, "the scenario",
                   {"host", "users", "spawn_rate", "run_time", "headers", "client", "payloads", "user_types",
                    "stages", "arrival_rate", "max_inflight", "arrival_distribution", "thresholds"});
  LoadedScenario out;
  out.scenario.source = ctx.file().string();
  if (auto host = YamlContext::find(root, "host")) out.scenario.default_host = parse_host(ctx, *host);
  if (auto users = YamlContext::find(root, "users")) {
    auto n = ctx.integer(*users, "a number of users");
    if (n < 1 || n > 10'000'000) ctx.fail(*users, "a number of users of at least 1");
    out.settings.users = static_cast<int>(n);
  }
  if (auto rate = YamlContext::find(root, "spawn_rate"))
    out.settings.spawn_rate = positive(ctx, *rate, "a spawn rate");
  if (auto run_time = YamlContext::find(root, "run_time"))
    out.settings.run_time = ctx.duration(*run_time, "run_time");
  parse_shape_settings(ctx, root, out.settings);
  HeaderList headers;
  if (auto h = YamlContext::find(root, "headers")) headers = parse_headers(ctx, *h);
  ClientSettings client;
  if (auto c = YamlContext::find(root, "client")) client = parse_client_settings(ctx, *c);
  PayloadTable payloads;
  if (auto p = YamlContext::find(root, "payloads")) payloads = parse_payloads(ctx, *p);
  if (auto t = YamlContext::find(root, "thresholds")) out.thresholds = ctx.strings(*t, "thresholds");

  auto types = YamlContext::find(root, "user_types");
  if (!types) ctx.fail(root.Mark(), "`user_types:` with at least one user type", "none");
  if (!types->IsMap() || types->size() == 0)
    ctx.fail(*types, "a non-empty mapping of user type names to user types");
  for (const auto& entry : *types) {
    std::string name = ctx.string(entry.first, "a user type name");
    out.scenario.user_types.push_back(
        parse_user_type(ctx, name, entry.second, payloads, headers, client, out.entries));
  }
  return out;
}

}  // namespace

Result<LoadedScenario> load_yaml_scenario_text(std::string_view text, const std::filesystem::path& file) {
  YamlContext ctx(file);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return parse_document(ctx, root);
  } catch (const ScenarioFileError& e) {
    return make_error(e.message);
  } catch (const YAML::Exception& e) {
    // Syntax errors: yaml-cpp knows where, and its message says what it expected.
    return make_error(ctx.position(e.mark) + ": expected valid YAML, got " + e.msg);
  }
}

Result<LoadedScenario> load_yaml_scenario(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(file.string() + ": cannot read the scenario file: " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return load_yaml_scenario_text(buffer.str(), file);
}

}  // namespace cicada::scenario
