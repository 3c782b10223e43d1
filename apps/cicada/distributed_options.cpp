#include "distributed_options.hpp"

#include <CLI/CLI.hpp>

#include "cli_options.hpp"
#include "positive_check.hpp"

namespace cicada::app {

void add_distributed_flags(CLI::App& app, CliOptions& o) {
  auto& d = o.distributed;
  auto* master = app.add_flag(
      "--master", d.master,
      "Run as the master of a distributed test: workers run the users; the web UI (or --headless) drives it");
  auto* worker = app.add_flag("--worker", d.worker,
                              "Run as a worker: connect to --master-host and run the users it sends "
                              "(needs no -f: the master sends the scenario)");
  master->excludes(worker);
  app.add_option("--processes", d.processes,
                 "Run as a master with N local worker processes of this program on 127.0.0.1 (-1: one per "
                 "CPU): how a locustfile uses more than one core")
      ->excludes(master)
      ->excludes(worker)
      ->check(CLI::Range(-1, 1024));
  add_master_flags(app, d);
  app.add_option("--master-host", d.master_host, "Worker: host of the master (default 127.0.0.1)");
  app.add_option("--master-port", d.master_port, "Worker: port of the master (default 5557)")
      ->check(CLI::Range(1, 65535));
  app.add_option("--master-timeout", d.master_timeout_s,
                 "Worker: stop the users and exit after this many seconds without a word from the master "
                 "(default 60)")
      ->check(kAboveZero);
}

void add_master_flags(CLI::App& app, DistributedOptions& d) {
  app.add_option("--master-bind-host", d.master_bind_host,
                 "Interface the master listens on (default *: all)");
  app.add_option("--master-bind-port", d.master_bind_port, "Port the master listens on (default 5557)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--expect-workers", d.expect_workers,
                 "Workers the master waits for before it starts (default 1)")
      ->check(kAboveZero);
  app.add_option("--expect-workers-max-wait", d.expect_workers_max_wait_s,
                 "Seconds to wait for --expect-workers before giving up with exit code 1 (default: forever)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--worker-timeout", d.worker_timeout_s,
                 "Master: a worker silent this many seconds is missing and its users go to the others "
                 "(default 3; workers send a heartbeat every second)")
      ->check(kAboveZero);
  // Locust's master moves users only when this is set; cicada's always does (docs/protocol.md): taken, so
  // a Locust command line with it runs, and changes nothing.
  app.add_flag(
      "--enable-rebalancing", d.enable_rebalancing,
      "Master: share the users again when workers join or leave (Locust's flag; cicada always does)");
}

}  // namespace cicada::app
