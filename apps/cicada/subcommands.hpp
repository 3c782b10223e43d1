#pragma once
// Subcommands of cicada beside the load test itself (`cicada -f ...`): `cicada history ...`,
// `cicada compare ...`, `cicada report ...`, `cicada capacity ...`. Each lives in its own file and is
// listed once in subcommands.cpp.
#include <string_view>
#include <vector>

namespace cicada::app {

struct Subcommand {
  std::string_view name;
  std::string_view summary;  // one line for `cicada --help`
  // argv[0] is the subcommand's name; returns the process exit code.
  int (*run)(int argc, char** argv);
};

const std::vector<Subcommand>& subcommands();

}  // namespace cicada::app
