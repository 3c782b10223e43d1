#pragma once
// Distributed-mode flags of `cicada` (Locust's names and defaults; docs/protocol.md):
//   --master [--master-bind-host * --master-bind-port 5557] [--expect-workers 1]
//            [--expect-workers-max-wait S] [--worker-timeout S]
//   --worker [--master-host 127.0.0.1 --master-port 5557] [--master-timeout S]
#include <string>

namespace CLI {
class App;
}

namespace cicada::app {

struct DistributedOptions {
  bool master = false;
  bool worker = false;
  std::string master_bind_host = "*";
  int master_bind_port = 5557;
  int expect_workers = 1;
  double expect_workers_max_wait_s = 0;  // 0: wait forever
  double worker_timeout_s = 3;           // master: a worker silent this long is missing
  std::string master_host = "127.0.0.1";
  int master_port = 5557;
  double master_timeout_s = 60;     // worker: exit after this long without a word from the master
  int processes = 0;                // --processes N: a master with N local worker processes (-1: one per CPU)
  bool enable_rebalancing = false;  // Locust's --enable-rebalancing: what cicada's master always does
};

struct CliOptions;
void add_distributed_flags(CLI::App& app, CliOptions& o);
// The master's settings only (--master-bind-host/-port, --expect-workers[-max-wait], --worker-timeout),
// for commands that can run as a master (`cicada capacity --master`).
void add_master_flags(CLI::App& app, DistributedOptions& d);

}  // namespace cicada::app
