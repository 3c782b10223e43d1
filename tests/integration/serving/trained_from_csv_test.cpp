// Models trained by the built `cicada-model train` on small CSVs written here, then served by the built
// `cicada-model serve` over loopback: shapes of data the heart-disease tests never have (no categorical
// column, a constant column). Skipped when the binary is not built in this tree.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "raw_http.hpp"
#include "support/child_process.hpp"

namespace cicada::serving::test {
namespace {

using namespace std::chrono_literals;

// 200 rows: x from 0 to 199 decides the label (with a few exceptions, so both classes overlap a little),
// k is 5 in every row.
std::string constant_column_csv() {
  std::string csv = "x,k,y\n";
  for (int i = 0; i < 200; ++i) {
    const int y = (i >= 100) != (i % 17 == 0) ? 1 : 0;
    csv += std::to_string(i) + ",5," + std::to_string(y) + "\n";
  }
  return csv;
}

TEST(TrainedFromCsv, ANumericOnlyModelWithAConstantColumnTrainsAndServes) {
  const auto model_app = testing::binary("apps/cicada-model/cicada-model");
  if (!std::filesystem::exists(model_app)) GTEST_SKIP() << "not built: " << model_app;
  testing::TempDir dir;
  std::ofstream(dir.path() / "d.csv") << constant_column_csv();
  const auto model_dir = dir.path() / "model";
  // --categorical '' : no categorical column. It used to be refused as "an empty column name".
  testing::ChildProcess train({model_app.string(), "train", "--data", (dir.path() / "d.csv").string(),
                               "--out", model_dir.string(), "--numeric", "x,k", "--categorical", "",
                               "--label", "y", "--name", "numbers"});
  ASSERT_EQ(train.wait(60s), 0) << train.err();
  const auto manifest = nlohmann::json::parse(testing::read_file(model_dir / "model.json"));
  ASSERT_EQ(manifest["fields"].size(), 2u);
  // The constant column's range is widened by max(|5|, 1) each way (the lower end clamped at 0): it used
  // to be [5, 5], so any other value was refused.
  EXPECT_EQ(manifest["fields"][1]["accept_min"], 0.0);
  EXPECT_EQ(manifest["fields"][1]["accept_max"], 10.0);

  testing::ChildProcess serve(
      {model_app.string(), "serve", "--model", model_dir.string(), "--port", "0", "--threads", "1"});
  auto out = serve.wait_for_output("serving numbers on", 20s);
  ASSERT_TRUE(out) << serve.out() << serve.err();
  std::smatch port_text;
  ASSERT_TRUE(std::regex_search(*out, port_text, std::regex("on http://127\\.0\\.0\\.1:(\\d+)"))) << *out;
  const auto port = static_cast<std::uint16_t>(std::stoi(port_text[1].str()));
  auto predict = [&](std::string_view body) {
    return cicada::test::round_trip(port,
                                    cicada::test::make_request("POST", "/predict", body, "application/json"));
  };
  auto low = predict(R"({"x": 3, "k": 7})");
  ASSERT_TRUE(low);
  EXPECT_EQ(low->status, 200) << low->body;
  EXPECT_NE(low->body.find("\"diagnosis\":\"clear\""), std::string::npos) << low->body;
  auto high = predict(R"({"x": 180, "k": 5})");
  ASSERT_TRUE(high);
  EXPECT_EQ(high->status, 200) << high->body;
  EXPECT_NE(high->body.find("\"diagnosis\":\"heart-disease\""), std::string::npos) << high->body;
  auto beyond = predict(R"({"x": 3, "k": 11})");
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->status, 400) << beyond->body;
  EXPECT_NE(beyond->body.find(R"("k":"out of range [0, 10]")"), std::string::npos) << beyond->body;

  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(20s), 0) << serve.err();
}

TEST(TrainedFromCsv, HelpSaysHowToTrainWithoutCategoricalColumns) {
  const auto model_app = testing::binary("apps/cicada-model/cicada-model");
  if (!std::filesystem::exists(model_app)) GTEST_SKIP() << "not built: " << model_app;
  testing::ChildProcess help({model_app.string(), "train", "--help"});
  ASSERT_EQ(help.wait(20s), 0) << help.err();
  EXPECT_NE(help.out().find("--categorical '' trains on numeric columns only"), std::string::npos)
      << help.out();
}

}  // namespace
}  // namespace cicada::serving::test
