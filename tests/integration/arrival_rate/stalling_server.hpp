#pragma once
// Loopback servers with a known latency for the coordinated-omission proof (docs/metrics.md):
// - a stalling server: answers in service_time, except that once every period it freezes for `stall`
//   (every request arriving in [stall_at, stall_at + stall) of a period is answered when the stall ends);
// - a server whose delays are drawn from a known distribution and recorded, so the reported
//   percentiles can be compared with the true ones.
// Both are ScriptedServer handlers (thread per connection, so one delayed answer delays no other).
#include <chrono>
#include <mutex>
#include <vector>

#include "cicada/random.hpp"
#include "support/scripted_server.hpp"

namespace cicada::testing {

struct StallPlan {
  std::chrono::milliseconds service_time{1};
  std::chrono::milliseconds period{10'000};
  std::chrono::milliseconds stall_at{5'000};  // offset of the stall in each period
  std::chrono::milliseconds stall{1'000};
};

// Installs the stalling behaviour; periods count from `epoch`.
inline void make_stalling(ScriptedServer& server, StallPlan plan,
                          std::chrono::steady_clock::time_point epoch) {
  server.set_recording(false);
  server.set_handler([plan, epoch](const RecordedRequest&) {
    using namespace std::chrono;
    const auto since = duration_cast<milliseconds>(steady_clock::now() - epoch);
    const auto phase = since % plan.period;
    auto reply = ScriptedReply::respond(200, "ok");
    if (phase >= plan.stall_at && phase < plan.stall_at + plan.stall) {
      return std::move(reply).after(plan.stall_at + plan.stall - phase + plan.service_time);
    }
    return std::move(reply).after(plan.service_time);
  });
}

// Delays uniform in [low, high] (whole microseconds), drawn with a fixed seed and kept for the test.
class KnownDelays {
 public:
  KnownDelays(ScriptedServer& server, std::chrono::microseconds low, std::chrono::microseconds high) {
    server.set_recording(false);
    server.set_handler([this, low, high](const RecordedRequest&) {
      const auto d = std::chrono::microseconds(rng_.integer(low.count(), high.count()));
      std::lock_guard lock(mutex_);
      delays_us_.push_back(d.count());
      return ScriptedReply::respond(200, "ok").after(
          std::chrono::duration_cast<std::chrono::milliseconds>(d));
    });
  }
  std::vector<std::int64_t> delays_us() const {
    std::lock_guard lock(mutex_);
    return delays_us_;
  }

 private:
  Random rng_{42};
  mutable std::mutex mutex_;
  std::vector<std::int64_t> delays_us_;
};

}  // namespace cicada::testing
