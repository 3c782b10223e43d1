// `cicada -f scenario.cpp` as a user runs it: compiled by the system compiler, cached, loaded, run against
// the real model server, with the same CSV checks as the YAML examples.
#include <fstream>

#include "cpp_fixture.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cicada::testing::CppScenarioTest;
using cicada::testing::find_row;
using cicada::testing::read_csv;
using cicada::testing::source;

namespace {

std::uint64_t column(const std::vector<std::string>* row, std::size_t i) {
  return row ? std::stoull((*row)[i]) : 0;
}

// Every part of the public API a locustfile author reaches for, each leaving a trace in the CSVs.
constexpr const char* kApiTour =
    R"cpp(#include <cicada/cicada.hpp>
#include <stdexcept>

          using cicada::Task;

          static const auto kPatient = cicada::JsonPayload()
                                           .integer("age", 30, 70)
                                           .constant("sex", "1")
                                           .choice("cp", {"0", "1", "2", "3"})
                                           .integer("trestbps", 90, 200)
                                           .integer("chol", 100, 600)
                                           .constant("fbs", "0")
                                           .choice("restecg", {"0", "1"})
                                           .integer("thalach", 60, 200)
                                           .constant("exang", "0")
                                           .real("oldpeak", 0, 7)
                                           .integer("slope", 0, 2)
                                           .integer("ca", 0, 3)
                                           .integer("thal", 0, 3);

          class TourUser : public cicada::User {
           public:
            Task<> on_start() override {
              auto r = co_await client().get("/health", {.name = "on_start"});
              started_ = r.ok();
            }
            Task<> predict() {
              auto r = co_await client().post_json("/predict", kPatient.valid(random(), body_),
                                                   {.catch_response = true});
              auto j = r.json();
              const bool positive = j["diagnosis"].as_string() == "heart-disease";
              if (!started_)
                r.failure("on_start did not run first");
              else if (positive != (j["probability"].as_double() >= 0.5))
                r.failure("diagnosis disagrees with probability");
              else
                r.success();
            }
            Task<> grouped() {
              co_await client().get("/health?user=" + std::to_string(id()), {.name = "/health?user=[id]"});
            }
            Task<> wrong_check() {
              auto r = co_await client().get("/health", {.name = "expects NOPE", .catch_response = true});
              if (r.text() != "NOPE") r.failure("body was " + std::string(r.text()));
            }
            Task<> not_json() {
              auto r = co_await client().get("/health", {.name = "health as json"});
              (void)r.json()["x"];
            }

           private:
            bool started_ = false;
            std::string body_;
          };

          CICADA_SCENARIO(scenario) {
            scenario.user<TourUser>("TourUser")
                .wait(cicada::constant(0.05))
                .task("predict", &TourUser::predict, 3, {"predict"})
                .task("grouped", &TourUser::grouped)
                .task("wrong_check", &TourUser::wrong_check)
                .task("not_json", &TourUser::not_json)
                .task("lambda",
                      [](TourUser& u) -> Task<> { co_await u.client().get("/health", {.name = "lambda"}); },
                      1, {"lambda"});
          }
    )cpp";

}  // namespace

TEST_F(CppScenarioTest, HealthCompilesOnceThenStartsFromTheCache) {
  fresh_cache_ = true;
  auto first = run_scenario(source("examples/health.cpp").string(), {"-u", "5", "-r", "5", "-t", "2s"});
  ASSERT_EQ(first->wait(60s), 0) << first->err();
  const double compile_ms = load_ms(first->err(), "compiled");
  ASSERT_GT(compile_ms, 0) << first->err();

  auto rows = stats();
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[0].size(), 22u);
  EXPECT_EQ(rows.back()[1], "Aggregated");
  auto* health = find_row(rows, "GET", "/health");
  ASSERT_NE(health, nullptr);
  EXPECT_GT(column(health, 2), 0u);
  EXPECT_EQ(column(health, 3), 0u);

  auto second = run_scenario(source("examples/health.cpp").string(), {"-u", "1", "-r", "1", "-t", "1s"});
  ASSERT_EQ(second->wait(30s), 0) << second->err();
  const double cached_ms = load_ms(second->err(), "cached");
  ASSERT_GE(cached_ms, 0) << second->err();
  // A cache hit skips the compiler: against the compile measured in this run (both slow down together on
  // a loaded machine) it is well under a third, where compiling again would cost about as much. The goals
  // (< 5 s, < 100 ms on an idle machine) are speed claims, not bounds for a test on a shared machine.
  EXPECT_LT(cached_ms * 3, compile_ms);
  std::cout << "compile+load " << compile_ms << " ms, cached load " << cached_ms << " ms\n";
}

TEST_F(CppScenarioTest, RandomizedMixHasNoFailuresAndInvalidPayloadsGet400) {
  auto mix = run_scenario(source("examples/randomized.cpp").string(), {"-u", "20", "-r", "20", "-t", "3s"});
  ASSERT_EQ(mix->wait(60s), 0) << mix->err();
  auto rows = stats();
  auto* predict = find_row(rows, "POST", "/predict");
  ASSERT_NE(predict, nullptr);
  EXPECT_GT(column(predict, 2), 15u);
  EXPECT_EQ(column(predict, 3), 0u);

  // Only the invalid task: had the API answered anything but 400, catch_response would count failures.
  auto invalid = run_scenario(source("examples/randomized.cpp").string(),
                              {"-u", "10", "-r", "10", "-t", "2s", "-T", "invalid"});
  ASSERT_EQ(invalid->wait(60s), 0) << invalid->err();
  rows = stats();
  predict = find_row(rows, "POST", "/predict");
  ASSERT_NE(predict, nullptr);
  EXPECT_GT(column(predict, 2), 5u);
  EXPECT_EQ(column(predict, 3), 0u);
}

TEST_F(CppScenarioTest, ApiTourLeavesEachTraceInTheCsvs) {
  std::ofstream(dir_.path() / "tour.cpp") << kApiTour;
  auto run = run_scenario("tour.cpp", {"-u", "4", "-r", "4", "-t", "3s", "--exit-code-on-error", "7"});
  ASSERT_EQ(run->wait(60s), 7) << run->err();  // wrong_check fails and not_json raises, on purpose
  auto rows = stats();
  EXPECT_EQ(column(find_row(rows, "GET", "on_start"), 2), 4u);  // once per user, named with name=
  auto* predict = find_row(rows, "POST", "/predict");
  EXPECT_GT(column(predict, 2), 10u);
  EXPECT_EQ(column(predict, 3), 0u);  // json() read diagnosis and probability, on_start ran first
  EXPECT_GT(column(find_row(rows, "GET", "/health?user=[id]"), 2), 0u);
  EXPECT_GT(column(find_row(rows, "GET", "lambda"), 2), 0u);
  auto* wrong = find_row(rows, "GET", "expects NOPE");
  EXPECT_GT(column(wrong, 2), 0u);
  EXPECT_EQ(column(wrong, 3), column(wrong, 2));

  auto failures = read_csv(dir_.path() / "out_failures.csv");
  auto* failure = find_row(failures, "GET", "expects NOPE");
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ((*failure)[2], "CatchResponseError('body was OK')");  // Locust writes it so
  const auto exceptions = cicada::testing::read_file(dir_.path() / "out_exceptions.csv");
  EXPECT_NE(exceptions.find("response is not JSON"), std::string::npos) << exceptions;
  EXPECT_NE(exceptions.find("TourUser.not_json"), std::string::npos) << exceptions;
  // The trace names the exception's C++ type, as a Python traceback ends with it.
  EXPECT_NE(exceptions.find("  cicada::JsonError: response is not JSON"), std::string::npos) << exceptions;

  // Tags filter C++ tasks as they do YAML ones.
  auto tagged = run_scenario("tour.cpp", {"-u", "2", "-r", "2", "-t", "1s", "-T", "lambda"});
  ASSERT_EQ(tagged->wait(60s), 0) << tagged->err();
  rows = stats();
  EXPECT_GT(column(find_row(rows, "GET", "lambda"), 2), 0u);
  EXPECT_EQ(find_row(rows, "POST", "/predict"), nullptr);
}

TEST_F(CppScenarioTest, CompileErrorShowsTheCompilerMessageAndExits2BeforeAnyLoad) {
  std::ofstream(dir_.path() / "bad.cpp") << "#include <cicada/cicada.hpp>\n"
                                            "class U : public cicada::User {\n"
                                            " public:\n"
                                            "  cicada::Task<> t() { co_await client().get(42); }\n"
                                            "};\n"
                                            "CICADA_SCENARIO(s) { s.user<U>(\"U\").task(\"t\", &U::t); }\n";
  auto run = run_scenario("bad.cpp", {"-t", "5s"});
  ASSERT_EQ(run->wait(60s), 2) << run->err();
  EXPECT_NE(run->err().find("bad.cpp:4:"), std::string::npos) << run->err();
  EXPECT_NE(run->err().find("error:"), std::string::npos) << run->err();
  EXPECT_EQ(run->err().find("Ramping"), std::string::npos) << run->err();
  EXPECT_FALSE(fs::exists(dir_.path() / "out_stats.csv"));
}

TEST_F(CppScenarioTest, FileWithoutScenarioOrUserTypesIsAUsageError) {
  std::ofstream(dir_.path() / "empty.cpp") << "#include <cicada/cicada.hpp>\nint unused() { return 1; }\n";
  auto none = run_scenario("empty.cpp", {"-t", "1s"});
  ASSERT_EQ(none->wait(60s), 2) << none->err();
  EXPECT_NE(none->err().find("defines no scenario"), std::string::npos) << none->err();

  std::ofstream(dir_.path() / "throws.cpp")
      << "#include <cicada/cicada.hpp>\n#include <stdexcept>\n"
         "CICADA_SCENARIO(s) { throw std::runtime_error(\"no config\"); }\n";
  auto throws = run_scenario("throws.cpp", {"-t", "1s"});
  ASSERT_EQ(throws->wait(60s), 2) << throws->err();
  EXPECT_NE(throws->err().find("CICADA_SCENARIO body failed: no config"), std::string::npos) << throws->err();
}
