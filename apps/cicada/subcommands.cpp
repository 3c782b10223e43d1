#include "subcommands.hpp"

#include "capacity_command.hpp"

namespace cicada::app {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> list = {
      {"capacity", "find the highest load within objectives (--slo 'p95 < 50ms')", run_capacity_command},
      // {"history", "list, show, export and delete recorded runs", run_history_command},
  };
  return list;
}

}  // namespace cicada::app
