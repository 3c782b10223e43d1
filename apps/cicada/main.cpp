// cicada: load test an HTTP API. Thin main: a subcommand (history, compare, ...) if the first word names
// one, else the load test itself with the layered config (flags > CICADA_* env > cicada.conf > defaults).
#include <string_view>

#include "cli_options.hpp"
#include "local_workers.hpp"
#include "run_command.hpp"
#include "subcommands.hpp"

int main(int argc, char** argv) {
  if (argc > 1) {
    const std::string_view word = argv[1];
    for (const auto& sub : cicada::app::subcommands()) {
      if (sub.name == word) return sub.run(argc - 1, argv + 1);
    }
  }
  auto parsed = cicada::app::parse_cli(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  cicada::app::become_local_master(*parsed.options);  // --processes N
  return cicada::app::run_load_test(*parsed.options);
}
