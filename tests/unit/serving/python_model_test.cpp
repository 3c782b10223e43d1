// A model trained by Debian's python3-xgboost and saved as JSON loads into our Model / evaluator and
// predicts what Python predicts, on every row. Skipped only when /usr/bin/python3 lacks xgboost.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "serving/booster.hpp"
#include "serving/model.hpp"
#include "serving/model_dir.hpp"
#include "test_util.hpp"

using namespace cicada::serving;
using nlohmann::json;

namespace {

class PythonModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("/usr/bin/python3 -c 'import xgboost' >/dev/null 2>&1") != 0) return;
    dir_ = new test::ScratchDir();
    const std::string script = std::string(CICADA_SOURCE_DIR) + "/tests/unit/serving/python_model.py";
    const std::string cmd = "/usr/bin/python3 '" + script + "' '" + test::heart_csv().string() + "' '" +
                            dir_->path().string() + "' 2>'" + (dir_->path() / "stderr.txt").string() + "'";
    status_ = std::system(cmd.c_str());
    if (status_ == 0) expected_ = json::parse(test::read_text(dir_->path() / "expected.json"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (dir_ == nullptr) GTEST_SKIP() << "/usr/bin/python3 has no xgboost module";
    ASSERT_EQ(status_, 0) << "python_model.py failed: " << test::read_text(dir_->path() / "stderr.txt");
  }

  // Our model directory around Python's booster: every CSV column a numeric field with identity scaling.
  static Model model_around(const std::string& booster_name) {
    const auto booster_file = dir_->path() / (booster_name + ".json");
    auto evaluator = BoosterEvaluator::load(booster_file);
    EXPECT_TRUE(evaluator.ok()) << evaluator.error().message;
    InputSchema schema;
    std::vector<FieldPreprocess> pre;
    for (const auto& name : expected_["features"]) {
      FieldSchema f;
      f.name = name.get<std::string>();
      schema.fields.push_back(f);
      FieldPreprocess p;
      p.name = f.name;
      p.mean = 0;
      p.scale = 1;
      pre.push_back(p);
    }
    auto model = Model::from_parts("python", "7", schema, Preprocessing(pre), std::move(evaluator).value());
    EXPECT_TRUE(model.ok()) << model.error().message;
    const auto out = dir_->path() / ("dir_" + booster_name);
    auto written = write_model_dir(out, {model->manifest_json(), test::read_text(booster_file), "{}"});
    EXPECT_TRUE(written.ok()) << written.error().message;
    auto loaded = Model::load(out);
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    return std::move(loaded).value();
  }

  static void expect_same_predictions(const std::string& booster_name) {
    Model m = model_around(booster_name);
    const json& rows = expected_["rows"];
    const json& want = expected_[booster_name];
    ASSERT_EQ(rows.size(), 303u);
    std::size_t exact = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::vector<double> raw = rows[r].get<std::vector<double>>();
      double p = m.predict_proba(raw);
      ASSERT_NEAR(p, want[r].get<double>(), 1e-6) << booster_name << " row " << r;
      exact += p == want[r].get<double>();
    }
    EXPECT_EQ(exact, rows.size()) << booster_name << ": not bit-identical on every row";
  }

  static test::ScratchDir* dir_;
  static int status_;
  static json expected_;
};

test::ScratchDir* PythonModel::dir_ = nullptr;
int PythonModel::status_ = -1;
json PythonModel::expected_;

}  // namespace

TEST_F(PythonModel, GbtreePredictsLikePython) { expect_same_predictions("gbtree"); }

TEST_F(PythonModel, GblinearPredictsLikePython) { expect_same_predictions("gblinear"); }

TEST_F(PythonModel, GbtreeWithMissingValuesPredictsLikePython) {
  auto e = BoosterEvaluator::load(dir_->path() / "gbtree_missing.json");
  ASSERT_TRUE(e.ok()) << e.error().message;
  const json& rows = expected_["rows_missing"];
  const json& want = expected_["gbtree_missing"];
  std::size_t missing_cells = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<float> x;
    for (const auto& v : rows[r]) {
      x.push_back(v.is_null() ? NAN : static_cast<float>(v.get<double>()));
      missing_cells += v.is_null();
    }
    double p = BoosterEvaluator::sigmoid(e->margin_dense(x));
    ASSERT_NEAR(p, want[r].get<double>(), 1e-6) << "row " << r;
  }
  EXPECT_GT(missing_cells, 300u);
}
