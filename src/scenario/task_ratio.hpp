#pragma once
// Locust's task ratio table (`--show-task-ratio`, `--show-task-ratio-json`, locust/user/inspectuser.py):
// each user type's share of the users, and each task's share of its type's (or, in the total table, of
// all) task picks, task sets opened into their own tasks.
#include <map>
#include <string>
#include <vector>

#include "cicada/user.hpp"

namespace cicada::scenario {

// A task set's own tasks (a locustfile's TaskSet), as a task's description: the name and how many times
// it is listed in its set's tasks (its weight), and a nested set's tasks.
struct TaskTree {
  std::string name;
  double count = 1;
  std::vector<TaskTree> tasks;
};
// "UserType/task" -> the tasks of that task when it is a task set.
using TaskSets = std::map<std::string, std::vector<TaskTree>>;

struct TaskRatio {
  std::string name;
  double ratio = 0;     // 0..1
  bool is_set = false;  // a user type or a task set: `tasks` is listed (Locust prints "tasks" only then)
  std::vector<TaskRatio> tasks;
};

// As Locust: users spread over the types by fixed_count, then weight, for `num_users` users (0: the sum of
// the weights), each count rounded half to even; a task's ratio is its count over its set's total, times
// its parent's ratio in the total table (`total`).
std::vector<TaskRatio> task_ratios(const Scenario& scenario, const TaskSets& task_sets, int num_users,
                                   bool total);

// Both tables as Locust's JSON, {"per_class": {...}, "total": {...}}, a user type or task set with "ratio"
// and "tasks", a task with "ratio": what `--show-task-ratio-json` prints (indent 4, ASCII only) and GET
// /tasks answers. indent as JSON dumps take it (-1: one line); ascii: non-ASCII text as \u escapes.
std::string task_ratios_json(const Scenario& scenario, const TaskSets& task_sets, int num_users, int indent,
                             bool ascii);

}  // namespace cicada::scenario
