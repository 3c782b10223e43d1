#pragma once
// --processes N (Locust's all-in-one distributed mode): this process becomes a master on loopback and
// starts N worker processes of this same binary that connect to it. One process per core is how a
// locustfile uses more than one core (one interpreter lock per process), as Locust does.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace cicada::app {

struct CliOptions;

// Turns `o` into the master of its local workers: --master on 127.0.0.1, any free port, expecting N.
// -1 means one worker per usable CPU. Nothing to do when --processes was not given.
void become_local_master(CliOptions& o);

class LocalWorkers {
 public:
  LocalWorkers() = default;
  ~LocalWorkers();  // waits for the workers a while (they quit when the master says so), then kills them
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;

  // Starts `count` workers of /proc/self/exe connecting to 127.0.0.1:`master_port`.
  Result<void> start(int count, int master_port, const std::string& loglevel);

 private:
  std::vector<pid_t> pids_;
};

}  // namespace cicada::app
