#include "subcommands.hpp"

#include "capacity_command.hpp"
#include "history_commands.hpp"

namespace cicada::app {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> list = {
      {"capacity", "find the highest load within objectives (--slo 'p95 < 50ms')", run_capacity_command},
      {"history", "list, show, export and delete recorded runs", run_history_command},
      {"compare", "compare two recorded runs (exit 1 on a regression)", run_compare_command},
      {"report", "README results section (--markdown) or HTML page (--html) from recorded runs",
       run_report_command},
  };
  return list;
}

}  // namespace cicada::app
