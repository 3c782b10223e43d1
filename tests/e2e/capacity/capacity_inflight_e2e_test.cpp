// `cicada capacity` against a slow, highly parallel target: every request answered after 100 ms, each
// connection served by a thread of its own (ScriptedServer), so the target keeps up with any rate given
// connections enough: 900/s needs about 90 requests in flight. The open-model search caps iterations in
// flight from the floor (64, capacity_inflight.hpp) and raises the cap as the target's latency shows it
// needs more (Little's law, four times over): the 900/s step must be met, with a cap of at least 4 x 900/s
// x 100 ms. With the cap left at the floor it could serve only 640/s, and the step would be a plateau.
//
// Nothing here depends on the machine's speed: the target's threads sleep, the objective is loose, and
// --max-steps 3 ends the search after the three steps (exit 4: no step failed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::ScriptedReply;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

TEST(CapacityE2e, TheInFlightCapFollowsASlowParallelTargetFromItsFloor) {
  cicada::testing::ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::respond(200, "OK").after(100ms));
  TempDir dir;
  ChildProcess search({binary("apps/cicada/cicada").string(),
                       "capacity",
                       "-f",
                       source("examples/health.yaml").string(),
                       "--host",
                       server.url(),
                       "--slo",
                       "p95 < 2s",
                       "--start",
                       "100",
                       "--factor",
                       "3",
                       "--max-steps",
                       "3",
                       "--window",
                       "1s",
                       "--threads",
                       "1",
                       "--headless",
                       "--no-history",
                       "--json",
                       "curve.json"},
                      dir.path());
  const auto code = search.wait(120s);
  ASSERT_TRUE(code.has_value()) << search.out() << search.err();
  EXPECT_EQ(*code, 4) << "--max-steps before any step failed\n" << search.out() << search.err();

  const auto read = cicada::testing::read_json_file(dir.path() / "curve.json");
  ASSERT_TRUE(read) << "no curve.json, or not JSON";
  const auto& points = read->at("points");
  ASSERT_EQ(points.size(), 3u) << read->dump();
  EXPECT_EQ(points[0].at("inflight_cap").get<std::size_t>(), 64u) << "the floor: nothing measured yet";
  const auto& last = points[2];
  EXPECT_EQ(last.at("load").get<double>(), 900) << last.dump();
  EXPECT_TRUE(last.at("within_slo").get<bool>()) << last.dump();
  EXPECT_GE(last.at("inflight_cap").get<std::size_t>(), 360u) << last.dump();
  EXPECT_NEAR(last.at("throughput_rps").get<double>(), 900, 90) << last.dump();
  // The console shows each step's cap.
  EXPECT_NE(search.out().find(" cap   64"), std::string::npos) << search.out();
}

}  // namespace
