#include "scenario/task_ratio.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace cicada::scenario {
namespace {

// Locust's dict keyed by task name: a second task of the same name replaces the first in its place.
void put(std::vector<TaskRatio>& out, TaskRatio r) {
  for (auto& existing : out) {
    if (existing.name == r.name) {
      existing = std::move(r);
      return;
    }
  }
  out.push_back(std::move(r));
}

std::vector<TaskRatio> tree_ratios(const std::vector<TaskTree>& tasks, bool total, double parent_ratio) {
  const double parent = total ? parent_ratio : 1.0;
  double listed = 0;
  for (const auto& t : tasks) listed += t.count;
  std::vector<TaskRatio> out;
  for (const auto& t : tasks) {
    TaskRatio r{t.name, listed > 0 ? t.count * parent / listed : 0.0, !t.tasks.empty(), {}};
    if (r.is_set) r.tasks = tree_ratios(t.tasks, total, r.ratio);
    put(out, std::move(r));
  }
  return out;
}

nlohmann::ordered_json to_json(const std::vector<TaskRatio>& rows) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& r : rows) {
    nlohmann::ordered_json one{{"ratio", r.ratio}};
    if (r.is_set) one["tasks"] = to_json(r.tasks);
    out[r.name] = std::move(one);
  }
  return out;
}

}  // namespace

std::string task_ratios_json(const Scenario& scenario, const TaskSets& task_sets, int num_users, int indent,
                             bool ascii) {
  const nlohmann::ordered_json data{
      {"per_class", to_json(task_ratios(scenario, task_sets, num_users, false))},
      {"total", to_json(task_ratios(scenario, task_sets, num_users, true))}};
  return data.dump(indent, ' ', ascii);
}

std::vector<TaskRatio> task_ratios(const Scenario& scenario, const TaskSets& task_sets, int num_users,
                                   bool total) {
  double fixed = 0, weights = 0;
  for (const auto& t : scenario.user_types) {
    if (t.fixed_count && *t.fixed_count > 0)
      fixed += *t.fixed_count;
    else
      weights += t.weight;
  }
  const double users = num_users > 0 ? num_users : (fixed == 0 ? weights : 1);
  const double weighted = std::max(0.0, users - fixed);
  std::vector<double> spawned;
  double spawned_sum = 0;
  for (const auto& t : scenario.user_types) {
    const double count = t.fixed_count && *t.fixed_count > 0
                             ? *t.fixed_count
                             : (weights > 0 ? t.weight / weights * weighted : 0.0);
    spawned.push_back(std::nearbyint(count));  // Python's round(): half to even
    spawned_sum += spawned.back();
  }
  if (spawned_sum == 0) spawned_sum = 1;
  std::vector<TaskRatio> out;
  for (std::size_t i = 0; i < scenario.user_types.size(); ++i) {
    const UserType& type = scenario.user_types[i];
    std::vector<TaskTree> tasks;
    for (const auto& task : type.tasks) {
      TaskTree tree{task.name, task.weight, {}};
      if (auto it = task_sets.find(type.name + "/" + task.name); it != task_sets.end())
        tree.tasks = it->second;
      tasks.push_back(std::move(tree));
    }
    TaskRatio r{type.name, spawned[i] / spawned_sum, true, {}};
    r.tasks = tree_ratios(tasks, total, r.ratio);
    put(out, std::move(r));
  }
  return out;
}

}  // namespace cicada::scenario
