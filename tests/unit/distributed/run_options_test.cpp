// Every run option reaches the workers (issue 12: --max-lateness was lost on the way): the test gives
// each field a value other than its default, sends it in a Start through the codec, and checks what the
// worker runs with. A member of RunOptions missing from visit_run_options fails the count below.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "base/field_count.hpp"
#include "distributed/codec.hpp"
#include "distributed/worker_option_support.hpp"
#include "distributed/worker_test.hpp"

namespace cicada::distributed {
namespace {

using namespace std::chrono_literals;

// Sets every visited field to a value no default has, distinct per field where the type allows.
struct NonDefault {
  int n = 0;
  void operator()(const char* key, std::string& v) { v = std::string("value of ") + key; }
  void operator()(const char*, int& v) { v = 7 + ++n; }
  void operator()(const char*, double& v) { v = 2.5 + ++n; }
  void operator()(const char*, bool& v) { v = !v; }
  template <std::unsigned_integral U>  // std::size_t, std::uint64_t (bool takes the overload above)
  void operator()(const char*, U& v) {
    v = 1234567 + static_cast<U>(++n);
  }
  void operator()(const char* key, std::vector<std::string>& v) { v = {key, "second"}; }
  void operator()(const char*, std::chrono::microseconds& v) { v = 1234ms + std::chrono::seconds(++n); }
  void operator()(const char*, std::chrono::milliseconds& v) { v = 4321ms + std::chrono::seconds(++n); }
  void operator()(const char*, std::optional<std::chrono::microseconds>& v) {
    v = 987ms + std::chrono::seconds(++n);
  }
};

// Each field as text, by name: what two option values are compared by.
struct Describe {
  std::map<std::string, std::string> out;
  template <class T>
  void operator()(const char* key, const T& v) {
    std::ostringstream s;
    if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      for (const auto& item : v) s << item << ';';
    } else if constexpr (std::is_same_v<T, std::optional<std::chrono::microseconds>>) {
      s << (v ? std::to_string(v->count()) : "none");
    } else if constexpr (requires { v.count(); }) {
      s << std::chrono::duration_cast<std::chrono::microseconds>(v).count() << "us";
    } else {
      s << v;
    }
    out[key] = s.str();
  }
};

std::map<std::string, std::string> describe(const runner::RunOptions& o) {
  Describe d;
  runner::visit_run_options(o, d);
  return d.out;
}

runner::RunOptions every_option_set() {
  runner::RunOptions o;
  runner::visit_run_options(o, NonDefault{});
  return o;
}

TEST(RunOptions, TheFieldListNamesEveryMemberButTheShape) {
  const auto fields = describe(runner::RunOptions{});
  EXPECT_EQ(fields.size() + 2,  // shape and hooks: functions, not settings
            field_count<runner::RunOptions>())
      << "a RunOptions member is missing from visit_run_options (runner/run_options.hpp), or two share a "
         "name";
  // The fixture really moves every field away from its default, or the round trip below proves nothing.
  const auto defaults = describe(runner::RunOptions{});
  for (const auto& [key, value] : describe(every_option_set()))
    EXPECT_NE(value, defaults.at(key)) << key << " kept its default";
}

TEST(RunOptions, EveryOptionRoundTripsTheStartMessage) {
  Start start;
  start.test_id = 5;
  start.options = every_option_set();
  start.options.max_lateness = 1500ms;  // the option version 1 lost
  auto decoded = decode(encode(Message{"master", start}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& got = std::get<Start>(decoded->body);
  EXPECT_EQ(describe(got.options), describe(start.options));
  EXPECT_EQ(got.options.max_lateness, 1500ms);
}

TEST(RunOptions, AWorkerRunsWithTheMastersOptionsButForItsShare) {
  Start start;
  start.options = every_option_set();
  start.worker_index = 1;
  start.users = 3;
  start.spawn_rate = 1.5;
  auto decoded = decode(encode(Message{"master", start}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto worker = describe(worker_run_options(std::get<Start>(decoded->body), 2));
  const auto master = describe(start.options);
  // The master owns the load's share, the end of the test, the stats resets and the history; the worker
  // its loops and the seed it derives. Everything else arrives as the master has it.
  const std::set<std::string> owned = {"users",       "spawn_rate",         "run_time", "warmup",
                                       "reset_stats", "keep_entry_history", "threads",  "seed"};
  for (const auto& [key, value] : master) {
    if (owned.count(key)) continue;
    EXPECT_EQ(worker.at(key), value) << "option '" << key << "' does not reach the workers";
  }
  EXPECT_EQ(worker.at("users"), "3");
  EXPECT_EQ(worker.at("threads"), "2");
  EXPECT_EQ(worker.at("run_time"), "none");
  EXPECT_NE(worker.at("seed"), master.at("seed"));
  EXPECT_EQ(worker.at("seed"), std::to_string(worker_seed(start.options.seed, 1)));
}

// The master's refusal of older workers (worker_option_support.hpp) with every option set: a worker of
// this version is never refused, and one whose hello lists nothing is refused exactly the options after
// max_lateness (the frozen list of what such workers know is visit_run_options' names up to there).
TEST(RunOptions, AWorkerWithoutAListIsRefusedEveryOptionAfterMaxLateness) {
  const auto names = known_run_options();
  EXPECT_TRUE(options_unknown_to(names, every_option_set()).empty());
  const auto last_known = std::find(names.begin(), names.end(), "max_lateness");
  ASSERT_NE(last_known, names.end());
  EXPECT_EQ(options_unknown_to(std::nullopt, every_option_set()),
            std::vector<std::string>(last_known + 1, names.end()));
}

}  // namespace
}  // namespace cicada::distributed
