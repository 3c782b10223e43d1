// Locust's --class-picker: the start form (POST /swarm) picks the user classes each test runs and
// whether the scenario's own shape runs ("Default": the form's users). Real tests against a real target:
// which classes ran is read from the requests each made.
#include <nlohmann/json.hpp>

#include "webui_fixture.hpp"

namespace cicada::test {
namespace {

using nlohmann::json;

// Two classes, each with its own path: Healthy GETs /health, Lost GETs /missing (404, so a failure);
// Lost's task carries `lost_tags` ("[gone]"), if any.
std::string two_classes(const std::string& lost_tags = "") {
  return "user_types:\n"
         "  Healthy:\n    wait_time: constant(0.01)\n    tasks:\n      health:\n        - get: /health\n"
         "  Lost:\n    wait_time: constant(0.01)\n    tasks:\n      lost:\n" +
         (lost_tags.empty() ? "" : "        tags: " + lost_tags + "\n") +
         "        requests:\n          - get: /missing\n";
}
const std::string kTwoClasses = two_classes();

// The requests of the entry named `name` in a /stats/requests body; 0 when it has none.
int requests_of(const json& stats, const std::string& name) {
  for (const auto& e : stats["stats"])
    if (e["name"] == name) return e["num_requests"].get<int>();
  return 0;
}

class ClassPickerTest : public WebUiTest {
 protected:
  void SetUp() override {}  // each test starts the UI with its own settings
  void start_picker() {
    class_picker_ = true;
    // Steps: 3 users for a minute, then the end.
    scenario_shape_ = [](std::chrono::duration<double> t) -> std::optional<ShapeTarget> {
      if (t.count() >= 60) return std::nullopt;
      return ShapeTarget{3, 10, std::nullopt, "steps", std::nullopt};
    };
    start("", {}, kTwoClasses.c_str());
  }
  json wait_requests(const std::string& name, int at_least) {
    return json::parse(
        wait_stats([&](const std::string& b) { return requests_of(json::parse(b), name) >= at_least; }));
  }
};

TEST_F(ClassPickerTest, ConfigListsTheClassesAndShapesToPickFrom) {
  start_picker();
  const auto config = json::parse(get("/config").body);
  EXPECT_EQ(config["class_picker"], true);
  EXPECT_EQ(config["available_user_classes"], json::array({"Healthy", "Lost"}));
  EXPECT_EQ(config["available_shape_classes"], json::array({"Default", "Steps"}));
  // Locust's default shape choice is "Default": the form's users drive, not the scenario's shape.
  EXPECT_EQ(config["shape_controlled"], false);
}

TEST_F(ClassPickerTest, EachTestRunsTheClassesItsSwarmPicks) {
  start_picker();
  auto r = post_form("/swarm", "user_count=2&spawn_rate=10&user_classes=Lost&shape_class=Default");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["user_classes"], json::array({"Lost"}));
  auto stats = wait_requests("/missing", 20);
  EXPECT_EQ(requests_of(stats, "/health"), 0) << stats.dump();
  EXPECT_EQ(health_served_.load(), 0u);
  EXPECT_EQ(json::parse(get("/config").body)["user_types"], json::array({"Lost"}));
  // The running test's classes are its own: another pick is refused, the same one (an edit) is taken.
  r = post_form("/swarm", "user_count=1&spawn_rate=10&user_classes=Healthy");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("user classes of a running test cannot change"), std::string::npos) << r.body;
  EXPECT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10&user_classes=Lost").status, 200);
  get("/stop");
  ASSERT_TRUE(ui_->controller().wait_idle(10s));
  // The next test picks both, by sending the field once per class, as the form's multiple select does.
  r = post_form("/swarm", "user_count=2&spawn_rate=10&user_classes=Healthy&user_classes=Lost");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["user_classes"], json::array({"Healthy", "Lost"}));
  stats = wait_requests("/health", 20);
  stats = wait_requests("/missing", 20);
  EXPECT_GT(requests_of(stats, "/health"), 0);
  get("/stop");
}

TEST_F(ClassPickerTest, NoPickRunsEveryClassAndAnUnknownOneIsRefused) {
  start_picker();
  auto r = post_form("/swarm", "user_count=1&spawn_rate=10&user_classes=Nobody");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("Unknown User(s): Nobody"),
            std::string::npos)
      << r.body;
  r = post_form("/swarm", "shape_class=Nothing");  // said before the missing users
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("Default, Steps"), std::string::npos) << r.body;
  EXPECT_FALSE(ui_->controller().started());              // a refusal started nothing
  r = post_form("/swarm", "user_count=2&spawn_rate=10");  // Locust's: every class
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["user_classes"], json::array({"Healthy", "Lost"}));
  wait_requests("/health", 20);
  wait_requests("/missing", 20);
  get("/stop");
}

TEST_F(ClassPickerTest, TheScenariosShapeRunsOnlyWhenPicked) {
  start_picker();
  // Picked: the shape's 3 users, whatever the form's count (none given: the shape needs none).
  auto r = post_form("/swarm", "shape_class=Steps&user_classes=Healthy");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["load_mode"], "shape");
  const auto body = wait_stats([](const std::string& b) { return json::parse(b)["user_count"] == 3; });
  EXPECT_EQ(json::parse(body)["user_count"], 3) << body;
  get("/stop");
  ASSERT_TRUE(ui_->controller().wait_idle(10s));
  // "Default": the form's users, and without them the form is incomplete.
  r = post_form("/swarm", "shape_class=Default&user_classes=Healthy");
  EXPECT_EQ(r.status, 400) << r.body;
  r = post_form("/swarm", "shape_class=Default&user_classes=Healthy&user_count=1&spawn_rate=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["load_mode"], "users");
  get("/stop");
}

// The answer names the classes that run: one whose every task the tag filter drops is not among them.
TEST_F(ClassPickerTest, TheAnswerListsOnlyTheClassesLeftByTheTagFilter) {
  class_picker_ = true;
  exclude_tags_ = {"gone"};
  start("", {}, two_classes("[gone]").c_str());
  const auto r = post_form("/swarm", "user_count=2&spawn_rate=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["user_classes"], json::array({"Healthy"}));
  get("/stop");
}

// Without --class-picker the fields are a mistake to say, not to ignore: the test would run all classes.
// (Locust's own default, shape_class=Default, is harmless and taken.)
TEST_F(WebUiTest, UserClassesWithoutTheClassPickerAreRefused) {
  auto r = post_form("/swarm", "user_count=1&spawn_rate=10&user_classes=HealthUser");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("--class-picker"), std::string::npos) << r.body;
  EXPECT_FALSE(ui_->controller().started());
  r = post_form("/swarm", "user_count=1&spawn_rate=10&shape_class=Default");
  EXPECT_EQ(r.status, 200) << r.body;
  get("/stop");
}

// A shape from the command line is not the scenario's to pick: it runs, and only Default is offered.
TEST_F(ClassPickerTest, ACommandLineShapeRunsWhateverIsPicked) {
  class_picker_ = true;
  start(
      "",
      [](std::chrono::duration<double> t) -> std::optional<ShapeTarget> {
        if (t.count() >= 60) return std::nullopt;
        return ShapeTarget{2, 10, std::nullopt, "cli", std::nullopt};
      },
      kTwoClasses.c_str());
  EXPECT_EQ(json::parse(get("/config").body)["available_shape_classes"], json::array({"Default"}));
  auto r = post_form("/swarm", "user_classes=Healthy&shape_class=Default");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["load_mode"], "shape");
  const auto body = wait_stats([](const std::string& b) { return json::parse(b)["user_count"] == 2; });
  EXPECT_EQ(json::parse(body)["user_count"], 2) << body;
  EXPECT_EQ(post_form("/swarm", "user_classes=Healthy&shape_class=Default").status, 200);  // an edit
  get("/stop");
}

}  // namespace
}  // namespace cicada::test
