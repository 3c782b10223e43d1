#include "user_listing.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "runner/tag_filter.hpp"
#include "scenario/task_ratio.hpp"
#include "scenario_source.hpp"

namespace cicada::app {
namespace {

using scenario::TaskRatio;

// Locust's _print_task_ratio: " %-10s %-50s" of the percentage and the name, two spaces per level.
void print_table(const std::vector<TaskRatio>& rows, int level = 0) {
  const std::string padding(2 * static_cast<std::size_t>(level), ' ');
  for (const auto& r : rows) {
    char percent[64];
    std::snprintf(percent, sizeof percent, "%-6.1f", r.ratio * 100);
    std::cout << fmt::format(" {:<10} {:<50}\n", padding + percent, padding + r.name);
    if (r.is_set) print_table(r.tasks, level + 1);
  }
}

}  // namespace

bool wants_user_listing(const CliOptions& o) {
  return o.list_user_types || o.show_task_ratio || o.show_task_ratio_json;
}

int print_user_listing(const CliOptions& o) {
  // -l lists every user type of the file, as Locust's does; the ratio tables only the chosen ones.
  const std::vector<std::string> chosen = o.list_user_types ? std::vector<std::string>{} : o.user_classes;
  auto loaded = load_scenario_file(o.scenario_file,
                                   {chosen, o.run.tags, o.run.exclude_tags, o.run.host, o.extra_args, &o});
  if (!loaded) {
    std::cerr << "cicada: " << loaded.error().message << "\n";
    return 2;
  }
  // The tables show what a run would: its tag filter applied (a YAML or C++ scenario's tasks carry their
  // tags; a locustfile's are filtered in Python as well).
  auto s = loaded->scenario;
  if (!o.list_user_types) {
    if (auto r = runner::apply_tag_filter(s, o.run.tags, o.run.exclude_tags); !r) {
      std::cerr << "cicada: " << r.error().message << "\n";
      return 2;
    }
  }
  if (o.list_user_types) {
    std::cout << "Available Users:\n";
    for (const auto& t : s.user_types) std::cout << "    " << t.name << "\n";
    return 0;
  }
  // Locust spreads -u users over the types (the sum of the weights when -u is not given).
  const int users = o.was_given("users") ? o.run.users : 0;
  if (o.show_task_ratio) {
    std::cout << "\n Task ratio per User class\n" << std::string(80, '-') << "\n";
    print_table(scenario::task_ratios(s, loaded->task_sets, users, false));
    std::cout << "\n Total task ratio\n" << std::string(80, '-') << "\n";
    print_table(scenario::task_ratios(s, loaded->task_sets, users, true));
    return 0;
  }
  // Python's json.dumps(indent=4): ASCII only, floats as their shortest repr.
  std::cout << scenario::task_ratios_json(s, loaded->task_sets, users, 4, true) << "\n";
  return 0;
}

}  // namespace cicada::app
