// The reference system's locustfiles (shared/anchors/locustfiles, copied verbatim to
// tests/locustfiles/anchors) run unchanged under `cicada -f`, with Locust's stats rows and failure texts.
#include "locustfile_fixture.hpp"

using cicada::testing::find_row;
using cicada::testing::LocustfileTest;

namespace {

std::uint64_t count(const std::vector<std::string>* row, std::size_t column) {
  return row ? std::stoull((*row)[column]) : 0;
}

}  // namespace

TEST_F(LocustfileTest, GoldenRunsUnchangedWithLocustsRowsAndFailureTexts) {
  // Failures are part of golden.py, so the exit code is --exit-code-on-error's 1.
  EXPECT_EQ(run("anchors/golden.py", {"GoldenUser"}, 8, 4), 1) << log();
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  const auto* expect201 = find_row(stats, "GET", "/health (expect 201)");
  const auto* missing = find_row(stats, "GET", "/missing/[id]");
  const auto* predict = find_row(stats, "POST", "/predict");
  ASSERT_TRUE(health && expect201 && missing && predict) << log();
  EXPECT_GT(count(health, 2), 0u);
  EXPECT_EQ(count(health, 3), 0u);
  EXPECT_GT(count(expect201, 2), 0u);
  EXPECT_EQ(count(expect201, 3), count(expect201, 2));  // marked failed by catch_response
  EXPECT_GT(count(missing, 2), 0u);
  EXPECT_EQ(count(missing, 3), count(missing, 2));  // 404s, three URLs grouped by name=
  EXPECT_GT(count(predict, 2), 0u);
  EXPECT_EQ(count(predict, 3), 0u);  // the invalid payloads' 400 is the expected answer
  const auto failures = csv("failures");
  const auto* catch_row = find_row(failures, "GET", "/health (expect 201)");
  const auto* http_row = find_row(failures, "GET", "/missing/[id]");
  ASSERT_TRUE(catch_row && http_row);
  EXPECT_EQ((*catch_row)[2], "CatchResponseError('Expected status code 201, got 200')");
  EXPECT_EQ((*http_row)[2], "HTTPError('404 Client Error: Not Found for url: /missing/[id]')");
}

TEST_F(LocustfileTest, EveryAnchorUserClassRunsWithoutFailures) {
  const std::vector<std::pair<std::string, std::string>> classes{
      {"anchors/health.py", "HealthMaxUser"},
      {"anchors/health.py", "HealthMaxFastUser"},
      {"anchors/randomized.py", "RandomizedMaxUser"},
      {"anchors/randomized.py", "RandomizedMaxFastUser"},
      {"anchors/fixed_predict.py", "PredictMaxUser"},
      {"anchors/fixed_predict.py", "PredictMaxFastUser"},
      {"anchors/health.py", "HealthUser"},
      {"anchors/randomized.py", "RandomizedUser"}};
  for (const auto& [file, cls] : classes) {
    SCOPED_TRACE(file + " " + cls);
    // --stop-timeout: a request in flight at the end finishes. Without it one held for 1 s or more counts
    // as NoResponse, a failure: a machine loaded by other builds once held the server that long.
    EXPECT_EQ(run(file, {cls}, 2, 2, {"--stop-timeout", "10"}), 0) << log();
    const auto stats = csv("stats");
    const auto* total = find_row(stats, "", "Aggregated");
    ASSERT_TRUE(total);
    EXPECT_GT(count(total, 2), 0u);
    EXPECT_EQ(count(total, 3), 0u);
    EXPECT_EQ(stats.size(), 3u);  // header, the one request row, Aggregated
  }
}

TEST_F(LocustfileTest, ExceptionsLandInTheTableWithThePythonTraceback) {
  const auto file = write("raising.py", R"py(from locust import HttpUser, task, constant


class Raising(HttpUser):
    wait_time = constant(0.05)

    @task
    def fail_later(self):
        self.client.get("/health")
        self.helper()

    def helper(self):
        try:
            {}["missing"]
        except KeyError as e:
            raise ValueError("bad value from the task") from e
)py");
  EXPECT_EQ(run(file, {}, 1, 2), 1) << log();
  const auto rows = csv("exceptions");
  ASSERT_EQ(rows.size(), 2u) << log();
  EXPECT_GT(std::stoull(rows[1][0]), 0u);
  EXPECT_EQ(rows[1][1], "bad value from the task");
  // The table keeps the frames only, as Locust's.
  EXPECT_NE(rows[1][2].find("raising.py\", line 10, in fail_later"), std::string::npos) << rows[1][2];
  EXPECT_NE(rows[1][2].find("raising.py\", line 16, in helper"), std::string::npos) << rows[1][2];
  EXPECT_EQ(rows[1][2].find("Traceback"), std::string::npos) << rows[1][2];
  // The log says it as Locust's logging.error("%s\n%s", e, traceback.format_exc()) does: the message, then
  // Python's own text with what was raised (its type on the last line) and its cause; no frame of
  // cicada's own machinery.
  const std::string logged = log();
  const auto at = logged.find("ERROR/cicada: bad value from the task\nTraceback (most recent call last):\n");
  ASSERT_NE(at, std::string::npos) << logged;
  // In this order (Python 3.11 may add a line of carets under a frame's code).
  std::size_t from = at;
  for (const std::string part :
       {"line 14, in helper\n    {}[\"missing\"]\n", "\nKeyError: 'missing'\n",
        "\nThe above exception was the direct cause of the following exception:\n\n"
        "Traceback (most recent call last):\n",
        "line 10, in fail_later\n",
        "line 16, in helper\n    raise ValueError(\"bad value from the task\") from e\n",
        "\nValueError: bad value from the task\n"}) {
    const auto found = logged.find(part, from);
    ASSERT_NE(found, std::string::npos) << "no " << part << " after " << logged.substr(from, 600);
    from = found + part.size();
  }
  EXPECT_EQ(logged.find("<cicada>"), std::string::npos) << logged;
  // The user went on after each exception: every task made its request.
  const auto stats = csv("stats");
  EXPECT_EQ(std::stoull(rows[1][0]), count(find_row(stats, "GET", "/health"), 2));
}

TEST_F(LocustfileTest, AnUnknownUserClassOrABrokenFileIsAUsageError) {
  EXPECT_EQ(run("anchors/health.py", {"NoSuchUser"}, 1, 1), 2);
  EXPECT_NE(log().find("Unknown User(s): NoSuchUser"), std::string::npos) << log();
  const auto broken = write("broken.py", "from locust import HttpUser\n\nclass Broken(HttpUser)\n    pass\n");
  EXPECT_EQ(run(broken, {}, 1, 1), 2);
  EXPECT_NE(log().find("broken.py"), std::string::npos) << log();
  EXPECT_NE(log().find("line 3"), std::string::npos) << log();
}
