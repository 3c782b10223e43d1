// The model directory: write, load back, predict the same; load errors; no partial directory on failure.
#include "serving/model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "serving/dataset.hpp"
#include "serving/evaluation.hpp"
#include "serving/model_dir.hpp"
#include "serving/trainer.hpp"
#include "test_util.hpp"

using namespace cicada::serving;
using test::entries;
using test::read_text;
using test::ScratchDir;
using test::write_text;

namespace {

struct Written {
  Dataset data;
  Split split;
  FittedPipeline fitted;
};

Written train_and_write(const std::filesystem::path& out, const std::string& booster) {
  Written w;
  w.data = std::move(read_csv(test::heart_csv(), DatasetSpec::heart_disease())).value();
  w.split = train_validation_split(w.data.rows(), 0.2, 42);
  TrainParams p;
  p.booster = booster;
  w.fitted = std::move(fit_pipeline(w.data, w.split.train, p.resolved().value())).value();
  auto model =
      Model::from_parts("heart-disease", "1", schema_of(w.data), w.fitted.preprocessing, w.fitted.evaluator);
  EXPECT_TRUE(model.ok());
  auto ok = write_model_dir(out, {model->manifest_json(R"({"training": {"booster": "x"}})"),
                                  w.fitted.booster_json, "{\"acc\": 1}\n"});
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  return w;
}

void expect_round_trip(const std::string& booster) {
  ScratchDir dir;
  const auto out = dir / "model";
  Written w = train_and_write(out, booster);
  EXPECT_EQ(entries(out), (std::vector<std::string>{"booster.json", "metrics.json", "model.json"}));
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"model"}));  // no temporary left over
  auto m = Model::load(out);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name(), "heart-disease");
  EXPECT_EQ(m->version(), "1");
  EXPECT_EQ(m->positive_label(), "heart-disease");
  EXPECT_EQ(m->negative_label(), "clear");
  EXPECT_EQ(m->schema().fields.size(), 13u);
  // Every row of the file: the loaded model predicts exactly what the in-memory pipeline does.
  std::vector<std::size_t> all(w.data.rows());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  auto expected = predict_rows(w.fitted, w.data, all);
  for (std::size_t r = 0; r < w.data.rows(); ++r) {
    double p = m->predict_proba(std::span<const double>(w.data.row(r), w.data.fields()));
    ASSERT_EQ(p, expected[r]) << booster << " row " << r;
    ASSERT_GT(p, 0.0);
    ASSERT_LT(p, 1.0);
  }
  // The extra keys are kept in model.json.
  EXPECT_NE(read_text(out / "model.json").find("\"training\""), std::string::npos);
}

}  // namespace

TEST(ModelDir, GblinearRoundTripPredictsIdentically) { expect_round_trip("gblinear"); }
TEST(ModelDir, GbtreeRoundTripPredictsIdentically) { expect_round_trip("gbtree"); }

TEST(Model, MissingValuesAreImputedLikeInTraining) {
  ScratchDir dir;
  Written w = train_and_write(dir / "m", "gblinear");
  auto m = Model::load(dir / "m").value();
  std::vector<double> row(w.data.row(0), w.data.row(0) + 13);
  const int chol = m.schema().index_of("chol");
  row[static_cast<std::size_t>(chol)] = NAN;
  std::vector<double> imputed = row;
  imputed[static_cast<std::size_t>(chol)] = m.preprocessing().fields()[static_cast<std::size_t>(chol)].median;
  EXPECT_EQ(m.predict_proba(row), m.predict_proba(imputed));
  // The wrong number of values is not a prediction.
  EXPECT_TRUE(std::isnan(m.predict_proba(std::span<const double>(row.data(), 12))));
}

TEST(Model, PredictsFromManyThreadsAtOnce) {
  ScratchDir dir;
  Written w = train_and_write(dir / "m", "gbtree");
  auto m = Model::load(dir / "m").value();
  std::vector<double> expected(w.data.rows());
  for (std::size_t r = 0; r < w.data.rows(); ++r) expected[r] = m.predict_proba({w.data.row(r), 13});
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 50; ++rep) {
        for (std::size_t r = 0; r < w.data.rows(); ++r)
          mismatches[t] += m.predict_proba({w.data.row(r), 13}) != expected[r];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, (std::vector<int>{0, 0, 0, 0}));
}

TEST(ModelLoad, ErrorsNameTheFileAndTheProblem) {
  ScratchDir dir;
  auto none = Model::load(dir / "absent");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, (dir / "absent").string() +
                                      ": no such directory (a model directory is what `cicada-model train "
                                      "--out DIR` writes)");

  std::filesystem::create_directory(dir / "empty");
  auto empty = Model::load(dir / "empty");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, (dir / "empty/model.json").string() + ": cannot open");

  train_and_write(dir / "m", "gblinear");
  const std::string manifest = read_text(dir / "m/model.json");
  write_text(dir / "m/model.json", "{ not json");
  auto bad = Model::load(dir / "m");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, (dir / "m/model.json").string() + ": not valid JSON");

  // One one-hot category fewer than the booster's features.
  std::string fewer = manifest;
  auto at = fewer.find("\"one_hot\": [");
  ASSERT_NE(at, std::string::npos);
  auto first = fewer.find_first_of("0123456789", at);
  auto comma = fewer.find(',', first);
  fewer.erase(first, comma + 1 - first);
  write_text(dir / "m/model.json", fewer);
  auto mismatch = Model::load(dir / "m");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().message,
            (dir / "m/model.json").string() + ": preprocessing makes 27 features but the booster expects 28");

  write_text(dir / "m/model.json", manifest);
  std::filesystem::remove(dir / "m/booster.json");
  auto no_booster = Model::load(dir / "m");
  ASSERT_FALSE(no_booster.ok());
  EXPECT_EQ(no_booster.error().message, (dir / "m/booster.json").string() + ": cannot open");
}

TEST(WriteModelDir, ReplacesAModelButNeverOtherFolders) {
  ScratchDir dir;
  ModelDirFiles files{"{\"v\": 1}", "{}", "{}"};
  ASSERT_TRUE(write_model_dir(dir / "a/b/model", files).ok());  // parents created
  files.model_json = "{\"v\": 2}";
  ASSERT_TRUE(write_model_dir(dir / "a/b/model", files).ok());  // a model directory is replaced
  EXPECT_EQ(read_text(dir / "a/b/model/model.json"), "{\"v\": 2}");
  EXPECT_EQ(entries(dir / "a/b"), (std::vector<std::string>{"model"}));

  std::filesystem::create_directory(dir / "precious");
  write_text(dir / "precious/notes.txt", "keep me");
  auto r = write_model_dir(dir / "precious", files);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a model directory"), std::string::npos);
  EXPECT_EQ(read_text(dir / "precious/notes.txt"), "keep me");
  EXPECT_EQ(entries(dir / "precious"), (std::vector<std::string>{"notes.txt"}));

  write_text(dir / "file", "x");
  EXPECT_FALSE(write_model_dir(dir / "file", files).ok());
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"a", "file", "precious"}));  // no temporaries
}
