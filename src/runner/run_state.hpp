#pragma once
// The runner's states, named as Locust names them (its UI and /stats/requests show these strings).
#include <string_view>

namespace cicada::runner {

enum class RunState { kReady, kSpawning, kRunning, kStopping, kStopped };

constexpr std::string_view to_string(RunState s) {
  switch (s) {
    case RunState::kReady:
      return "ready";
    case RunState::kSpawning:
      return "spawning";
    case RunState::kRunning:
      return "running";
    case RunState::kStopping:
      return "stopping";
    case RunState::kStopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace cicada::runner
