#include "subcommands.hpp"

namespace cicada::app {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> list = {
      // {"history", "list, show, export and delete recorded runs", run_history_command},
  };
  return list;
}

}  // namespace cicada::app
