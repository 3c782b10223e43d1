// The capacity search's web UI on loopback: GET /capacity follows the board (steps as they end, then the
// answer with its limiting objective), GET / is the capacity page, and --web-auth guards both.
#include "webui/capacity_ui.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../http_server/raw_http.hpp"
#include "webui/basic_auth.hpp"

namespace cicada::test {
namespace {

using nlohmann::json;

runner::CapacityPoint point(int step, double load, double rps, std::int64_t p95_us,
                            const std::string& violated) {
  runner::CapacityPoint p;
  p.step = step;
  p.load = load;
  p.throughput_rps = rps;
  p.percentiles_us[5] = p95_us;
  p.within_slo = violated.empty();
  p.objectives_held = violated.empty();
  p.verdict = violated.empty() ? runner::StepVerdict::kMet : runner::StepVerdict::kCrossed;
  p.violated = violated;
  return p;
}

webui::CapacitySetup setup() {
  webui::CapacitySetup s{"fixed-predict.yaml", "http://127.0.0.1:9", {"p95 < 50ms"}, {}};
  s.plan.start = 100;
  s.plan.step = 100;
  s.plan.window = std::chrono::seconds(2);
  return s;
}

std::uint16_t port_of(const std::string& url) {
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

RawResponse get(std::uint16_t port, const std::string& target, const std::string& headers = "") {
  auto r = round_trip(port, make_request("GET", target, {}, {}, headers));
  EXPECT_TRUE(r.has_value()) << target;
  return r.value_or(RawResponse{});
}

// On loopback, an ephemeral port, plain HTTP.
webui::CapacityUiOptions loopback_ui(const std::string& auth = {}) {
  webui::CapacityUiOptions o;
  o.port = 0;
  o.auth = auth;
  return o;
}

TEST(CapacityUi, CapacityRouteFollowsTheSearchStepByStep) {
  webui::CapacityBoard board(setup());
  webui::CapacityUi ui(board, loopback_ui());
  ASSERT_TRUE(ui.start());
  const auto port = port_of(ui.url());

  auto j = json::parse(get(port, "/capacity").body);
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["slos"], json::array({"p95 < 50ms"}));
  EXPECT_EQ(j["mode"], "rate");
  EXPECT_EQ(j["plan"]["window_s"], 2);
  EXPECT_TRUE(j["points"].empty());
  EXPECT_TRUE(j["result"].is_null());

  const auto met = point(1, 100, 99.5, 4'000, "");
  board.add_step(met);
  j = json::parse(get(port, "/capacity").body);
  ASSERT_EQ(j["points"].size(), 1u);
  EXPECT_DOUBLE_EQ(j["points"][0]["throughput_rps"].get<double>(), 99.5);
  EXPECT_DOUBLE_EQ(j["points"][0]["p95_ms"].get<double>(), 4.0);

  // A step shown met that a later probe judged again (past the knee) changes in place, before the end.
  auto revised = met;
  revised.within_slo = false;
  revised.verdict = runner::StepVerdict::kPlateau;
  revised.violated = "past the knee";
  board.revise_step(revised);
  j = json::parse(get(port, "/capacity").body);
  ASSERT_EQ(j["points"].size(), 1u);
  EXPECT_EQ(j["points"][0]["within_slo"], false);
  board.revise_step(met);

  const auto crossed = point(2, 200, 150, 80'000, "p95 < 50ms (measured 80.0 ms)");
  board.add_step(crossed);
  runner::CapacityResult result;
  result.found = true;
  result.best = met;
  result.curve = {met, crossed};
  result.stop_reason = "limit crossed at 200/s: p95 < 50ms (measured 80.0 ms)";
  board.finish(result);
  j = json::parse(get(port, "/capacity").body);
  EXPECT_EQ(j["state"], "done");
  ASSERT_EQ(j["points"].size(), 2u);
  EXPECT_EQ(j["points"][1]["within_slo"], false);
  EXPECT_EQ(j["points"][0]["outcome"], "met");
  EXPECT_EQ(j["points"][1]["outcome"], "crossed: p95 < 50ms (measured 80.0 ms)");
  EXPECT_EQ(j["result"]["found"], true);
  EXPECT_EQ(j["result"]["max_load_text"], "100/s");
  EXPECT_EQ(j["result"]["limit"], "p95 < 50ms (measured 80.0 ms)");
  EXPECT_FALSE(j["result"].contains("points"));
  EXPECT_DOUBLE_EQ(j["result"]["saturated_bound_rps"].get<double>(), 0);
  EXPECT_EQ(j["result"]["saturated_bound_text"], "");  // the generator did not saturate
  EXPECT_EQ(j["result"]["answer_label"], "Maximum sustainable load");
  EXPECT_EQ(j["result"]["no_answer_text"], "No step met every objective: lower --start");

  const auto page = get(port, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("capacity.js"), std::string::npos);
  EXPECT_EQ(get(port, "/static/capacity.js").status, 200);
}

TEST(CapacityUi, ASaturatedGeneratorsHigherMetThroughputIsInTheResult) {
  webui::CapacityBoard board(setup());
  webui::CapacityUi ui(board, loopback_ui());
  ASSERT_TRUE(ui.start());
  const auto port = port_of(ui.url());
  const auto met = point(1, 100, 99.5, 4'000, "");
  auto saturated = point(2, 200, 180, 6'000, "the load generator saturated at 180 req/s");
  saturated.verdict = runner::StepVerdict::kGeneratorSaturated;
  saturated.objectives_held = true;  // every objective held at the step
  saturated.goodput_rps = 180;
  board.add_step(met);
  board.add_step(saturated);
  runner::CapacityResult result;
  result.found = true;
  result.generator_saturated = true;
  result.best = met;
  result.curve = {met, saturated};
  result.stop_reason = "the load generator saturated at 180 req/s";
  board.finish(result);
  const auto j = json::parse(get(port, "/capacity").body);
  EXPECT_DOUBLE_EQ(j["result"]["saturated_bound_rps"].get<double>(), 180);
  EXPECT_EQ(j["result"]["saturated_bound_text"].get<std::string>().find(
                "180.0 req/s at 200/s, where the generator saturated"),
            0u)
      << j["result"].dump();
  EXPECT_EQ(j["result"]["answer_label"], "Highest load measured before the generator saturated");
  EXPECT_EQ(j["result"]["no_answer_text"], "No step met every objective with the generator keeping up");
}

TEST(CapacityUi, WebAuthGuardsThePageAndTheData) {
  webui::CapacityBoard board(setup());
  webui::CapacityUi ui(board, loopback_ui("admin:s3cret"));
  ASSERT_TRUE(ui.start());
  const auto port = port_of(ui.url());
  EXPECT_EQ(get(port, "/capacity").status, 401);
  EXPECT_EQ(get(port, "/").status, 401);
  EXPECT_EQ(
      get(port, "/capacity", "Authorization: " + webui::basic_auth_header("admin:s3cret") + "\r\n").status,
      200);
  EXPECT_EQ(get(port, "/static/capacity.js").status, 200);  // the login prompt needs no script
}

}  // namespace
}  // namespace cicada::test
