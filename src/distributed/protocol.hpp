#pragma once
// The master/worker protocol, version 2 (docs/protocol.md is the reference; keep the two in step).
//
// Every message is one ZeroMQ frame holding a msgpack array [version, type, sender, body]. The master
// binds a ROUTER socket, workers connect DEALER sockets whose routing id is their worker id. Bodies are
// plain structs here; codec.hpp turns them into bytes and back. A receiver ignores body fields it does
// not know, so adding a field is a compatible change; removing or retyping one bumps kProtocolVersion.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runner/run_options.hpp"
#include "stats/delta.hpp"

namespace cicada::distributed {

// Version 2: `start` carries the run's options as one nested map (`options`) instead of a copy of some
// of them, so every option reaches the workers (version 1 lost --max-lateness).
inline constexpr std::uint32_t kProtocolVersion = 2;
inline constexpr int kDefaultMasterPort = 5557;

// Worker -> master, once when it connects (and again if the master does not know it).
struct Hello {
  std::string hostname;
  std::uint32_t pid = 0;
  std::uint32_t threads = 0;  // event loops the worker will run users on
  // Added within version 2: the run options this worker knows (runner::visit_run_options' names). A
  // worker ignores an option it does not know, so the master refuses to start a test that sets one
  // (worker_option_support.hpp). Absent from an older worker: nullopt, not an empty list.
  std::optional<std::vector<std::string>> known_options = std::nullopt;
};

// Both ways, every second. The worker reports its state and live users; the master's body is empty
// apart from its state, so a worker knows the master is alive.
struct Heartbeat {
  std::string state;   // runner state name (runner/run_state.hpp): "ready", "running", ...
  int user_count = 0;  // worker: users running now; master: total users
  // Worker only (added in version 1, absent from older workers: 0): its process's CPU time over the last
  // interval in % of one core, and its resident memory in bytes (Locust's cpu_usage, memory_usage).
  double cpu_usage = 0;
  std::uint64_t memory_usage = 0;
};

// What a worker needs to run users: the scenario as text, so workers need only the binary.
struct ScenarioPayload {
  std::string kind;       // "yaml", "cpp" or "py" (a locustfile)
  std::string file_name;  // the master's path (messages, payload files resolved relative to it)
  std::string text;       // the whole file
  // A locustfile's environment.parsed_options on the master, as a JSON object (its own arguments from
  // init_command_line_parser included): a worker sets them over its own, as Locust's workers take the
  // master's parsed_options. Empty for YAML and C++ scenarios (and from an older master).
  std::string parsed_options;
};

// Master -> worker: load the scenario and start ramping to `users`.
struct Start {
  std::uint64_t test_id = 0;  // a new id per test; messages of an older test are ignored
  ScenarioPayload scenario;
  // The run's options as the master has them, every field runner::visit_run_options lists (a nested
  // map). The worker takes them as they are except the few the master owns (worker_test.hpp
  // worker_run_options: its share of users, the seed it derives, the run time...).
  runner::RunOptions options;
  std::uint32_t worker_index = 0;
  int users = 0;                            // this worker's share
  double spawn_rate = 1;                    // this worker's share of the spawn rate (users/s)
  bool open_model = false;                  // an arrival-rate test: users are ignored
  double arrival_rate = 0;                  // open model: this worker's share of the iterations per second
  std::uint64_t max_inflight = 0;           // open model: this worker's share of --max-inflight; 0: its own
  std::map<std::string, int> fixed_counts;  // user type -> this worker's share of its fixed count
  // Added within version 2 (an older master sends none: the worker's weights decide): weighted user type
  // -> this worker's users of it (dispatch.hpp split_weighted_counts).
  std::map<std::string, int> weighted_counts;
  // Added within version 2 (an older master sends none: the worker runs every type of its scenario): the
  // user types of this test (the master's positional user classes, or its web UI's class picker); the
  // worker keeps only these.
  std::vector<std::string> user_types;
};

// Master -> worker: a new share of users (a ramp, or a rebalance after a worker joined or left).
struct Spawn {
  std::uint64_t test_id = 0;
  int users = 0;
  double spawn_rate = 1;
  double arrival_rate = 0;  // open model: this worker's new share of the iterations per second
  // Added in version 1 (absent from older masters: the worker keeps what it has).
  std::uint64_t max_inflight = 0;           // open model: this worker's new share of --max-inflight; 0: keep
  std::map<std::string, int> fixed_counts;  // user type -> this worker's new share; empty: keep
  std::map<std::string, int> weighted_counts;  // as Start's, new; empty: keep (added within version 2)
};

// Master -> worker: stop the users of this test (honouring the stop timeout), send the last stats.
struct Stop {
  std::uint64_t test_id = 0;
};

// Master -> worker: exit (after stopping any test).
struct Quit {};

// Worker -> master: the deltas of one second. seq counts 1, 2, 3... per worker and test, so a
// message that arrives twice is merged once.
struct Stats {
  std::uint64_t test_id = 0;
  std::uint64_t seq = 0;
  int user_count = 0;
  std::vector<stats::StatsDelta> deltas;
};

// Worker -> master: the test's users are stopped and every stats message was sent (last_seq).
struct Stopped {
  std::uint64_t test_id = 0;
  std::uint64_t last_seq = 0;
};

// Worker -> master: the worker cannot run the test (bad scenario, compile error...).
struct WorkerError {
  std::uint64_t test_id = 0;
  std::string message;
};

// Worker -> master: the worker is leaving (Ctrl-C, master gone); its users are gone with it.
struct Goodbye {};

// Both ways, added within version 2: a locustfile's custom message (environment.runner.send_message), its
// data as JSON text. The master sends it to one worker or to each; a worker's goes to the master, which
// hands its listener the sender's id. A cicada older than this message logs it as unknown and drops it.
struct Custom {
  std::string type;
  std::string data;  // JSON text; "null" when the message has no data
};

using Body =
    std::variant<Hello, Heartbeat, Start, Spawn, Stop, Quit, Stats, Stopped, WorkerError, Goodbye, Custom>;

struct Message {
  std::string sender;  // worker id, or "master"
  Body body;
};

// The wire name of each message type ("hello", "heartbeat", ...).
const char* type_name(const Body& body);

}  // namespace cicada::distributed
