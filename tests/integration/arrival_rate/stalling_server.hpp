#pragma once
// Loopback servers with a known latency for the coordinated-omission proof (docs/metrics.md):
// - a stalling server: answers in service_time, except that once every period it freezes for `stall`
//   (every request arriving in [stall_at, stall_at + stall) of a period is answered when the stall ends);
// - a server whose delays are drawn from a known distribution, and whose real time per request (from
//   reading it to writing its body, oversleeping included) is recorded, so the reported percentiles can
//   be compared with the true ones.
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

// Delays uniform in [low, high] (whole microseconds), drawn with a fixed seed. The truth is what the
// server really waited per request (ScriptedServer::delayed_reply_times): a busy machine's late wake-up
// is in it, not in the measuring error.
class KnownDelays {
 public:
  KnownDelays(ScriptedServer& server, std::chrono::microseconds low, std::chrono::microseconds high)
      : server_(server) {
    server.set_recording(false);
    server.set_handler([this, low, high](const RecordedRequest&) {
      const auto d = std::chrono::microseconds(rng_.integer(low.count(), high.count()));
      return ScriptedReply::respond(200, "ok").after(
          std::chrono::duration_cast<std::chrono::milliseconds>(d));
    });
  }
  // Per request answered: from the request read to the start of its answer's write, in microseconds.
  std::vector<std::int64_t> served_us() const {
    std::vector<std::int64_t> out;
    for (const auto t : server_.delayed_reply_times()) out.push_back(t.count());
    return out;
  }

 private:
  ScriptedServer& server_;
  Random rng_{42};  // called under the server's lock
};

}  // namespace cicada::testing
