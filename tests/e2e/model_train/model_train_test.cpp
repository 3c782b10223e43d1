// `cicada-model train` as a user runs it: the printed figures, the model directory, and bad input
// (exit 2, one line on stderr naming file, line and column, nothing written).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/child_process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::read_file;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

struct TrainRun {
  int code = -1;
  std::string out, err;
};

class ModelTrain : public ::testing::Test {
 protected:
  TrainRun train(std::vector<std::string> args) {
    args.insert(args.begin(), {binary("apps/cicada-model/cicada-model").string(), "train"});
    ChildProcess p(args, dir_.path());
    auto code = p.wait(120s);
    return TrainRun{code.value_or(-1), p.out(), p.err()};
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_.path())) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_.path() / name) << text; }
  // The first `n` lines of the repository's data file (header included).
  std::string head(int n) {
    std::string text = read_file(source("data/heart-disease.csv")), out;
    std::size_t pos = 0;
    for (int i = 0; i < n; ++i) {
      std::size_t nl = text.find('\n', pos);
      out += text.substr(pos, nl + 1 - pos);
      pos = nl + 1;
    }
    return out;
  }
  // Bad input: exit 2, exactly one line on stderr equal to `message`, and no model directory or temporary.
  void expect_bad_input(const std::vector<std::string>& extra, const std::string& message) {
    auto before = entries();
    std::vector<std::string> args{"--out", "model"};
    args.insert(args.end(), extra.begin(), extra.end());
    TrainRun r = train(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(r.err, "cicada-model train: " + message + "\n");
    EXPECT_EQ(entries(), before) << "something was left behind";
  }
  TempDir dir_;
};

}  // namespace

TEST_F(ModelTrain, TrainsPrintsFiguresAndWritesAModelDirectory) {
  const std::string data = source("data/heart-disease.csv").string();
  TrainRun r = train({"--data", data, "--out", "models/heart", "--cv", "5"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* line :
       {"Training accuracy: ", "Validation accuracy: ", "ROC AUC score: ", "fold 1/5: accuracy",
        "fold 5/5: accuracy", "reference (sklearn LR)", "Wrote model \"heart-disease\""}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  }
  const fs::path model = dir_.path() / "models/heart";
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(model)) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"booster.json", "metrics.json", "model.json"}));
  auto metrics = nlohmann::json::parse(read_file(model / "metrics.json"));
  for (const char* key : {"elapsed", "acc", "val_acc", "roc_auc", "timestamp", "cv_acc", "cv_roc_auc"}) {
    EXPECT_TRUE(metrics.contains(key)) << key;
  }
  EXPECT_GT(metrics["cv_acc"].get<double>(), 82.2);  // reference 85.2, within 3 points
  EXPECT_GT(metrics["cv_roc_auc"].get<double>(), 0.885);
  EXPECT_EQ(metrics["cv_per_fold"].size(), 5u);
  auto manifest = nlohmann::json::parse(read_file(model / "model.json"));
  EXPECT_EQ(manifest["format"], "cicada-model/1");
  EXPECT_EQ(manifest["fields"].size(), 13u);

  // Training again into the same folder replaces the model; gbtree works too.
  TrainRun again = train({"--data", data, "--out", "models/heart", "--booster", "gbtree", "--seed", "7"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(model / "model.json"))["booster"], "gbtree");
  EXPECT_FALSE(nlohmann::json::parse(read_file(model / "metrics.json")).contains("cv_acc"));
  std::vector<std::string> siblings;
  for (const auto& e : fs::directory_iterator(dir_.path() / "models"))
    siblings.push_back(e.path().filename().string());
  EXPECT_EQ(siblings, (std::vector<std::string>{"heart"}));
}

// A file of 8 MB or more reports its long phases on stderr (rows read, the rounds), each phase at least
// once when it ends; smaller ones print nothing there (TrainsPrintsFiguresAndWritesAModelDirectory).
TEST_F(ModelTrain, ABigFileReportsProgressOnStderr) {
  const std::string rows = head(304).substr(head(1).size());  // the 303 data rows
  std::string text = head(1);
  while (text.size() < 8'000'000) text += rows;
  write("big.csv", text);
  TrainRun r = train({"--data", "big.csv", "--out", "model", "--rounds", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::size_t data_rows = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) - 1;
  EXPECT_NE(r.err.find(fmt::format("cicada-model train: reading big.csv: {} rows, {:.1f} MB, ", data_rows,
                                   static_cast<double>(text.size()) / 1e6)),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(": 3 rounds done, "), std::string::npos) << r.err;
}

TEST_F(ModelTrain, MissingFile) {
  expect_bad_input({"--data", "missing.csv"}, "missing.csv: cannot open: No such file or directory");
}

TEST_F(ModelTrain, EmptyFile) {
  write("empty.csv", "");
  expect_bad_input({"--data", "empty.csv"},
                   "empty.csv:1: empty file: expected a header row naming the columns");
}

TEST_F(ModelTrain, MissingColumn) {
  write("cols.csv", "age,sex,cp\n63,1,3\n");
  expect_bad_input({"--data", "cols.csv"}, "cols.csv:1:trestbps: column not found in the header");
  expect_bad_input({"--data", "cols.csv", "--numeric", "age", "--categorical", "sex,cp", "--label", "y"},
                   "cols.csv:1:y: column not found in the header");
}

TEST_F(ModelTrain, NonNumericCell) {
  write("bad.csv", head(5) + "50,1,2,120,abc,0,1,150,0,1.0,1,0,2,1\n");
  expect_bad_input({"--data", "bad.csv"}, "bad.csv:6:chol: not a number: \"abc\"");
}

TEST_F(ModelTrain, LabelNotZeroOrOne) {
  write("label.csv", head(8) + "50,1,2,120,200,0,1,150,0,1.0,1,0,2,2\n");
  expect_bad_input({"--data", "label.csv"}, "label.csv:9:target: label must be 0 or 1, found \"2\"");
}

TEST_F(ModelTrain, BadOptions) {
  const std::string data = source("data/heart-disease.csv").string();
  expect_bad_input({"--data", data, "--booster", "dart"},
                   "--booster must be gblinear or gbtree, not \"dart\"");
  expect_bad_input({"--data", data, "--cv", "1"},
                   "--cv must be 0 (off) or between 2 and 138 (the rows of the smaller class)");
}

TEST_F(ModelTrain, ParametersGivenOutOfRangeAreUsageErrors) {
  const std::string data = source("data/heart-disease.csv").string();
  expect_bad_input({"--data", data, "--eta", "0"}, "--eta must be in (0, 1]");
  expect_bad_input({"--data", data, "--rounds", "0"}, "--rounds must be in 1..100000");
  expect_bad_input({"--data", data, "--lambda", "-1"}, "--lambda must be >= 0");
  expect_bad_input({"--data", data, "--booster", "gbtree", "--max-depth", "0"},
                   "--max-depth must be in 1..32");
}

// A negative or huge seed wrapped into the unsigned seed and failed inside XGBoost (exit 1).
TEST_F(ModelTrain, ASeedOutsideZeroTo2To63Minus1IsAUsageError) {
  const std::string data = source("data/heart-disease.csv").string();
  for (const char* seed : {"-1", "9223372036854775808", "99999999999999999999"}) {
    TrainRun r = train({"--data", data, "--out", "model", "--seed", seed});
    EXPECT_EQ(r.code, 2) << seed << ": " << r.err;
    EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("9223372036854775807"), std::string::npos) << r.err;  // the range is named
    EXPECT_FALSE(fs::exists(dir_.path() / "model"));
  }
}

// A numeric column with no value trained silently, with an accept range of [0, 0]: the served model then
// refused every real value of it.
TEST_F(ModelTrain, ANumericColumnWithNoValueInAnyRowIsBadInput) {
  std::string text = "age,sex,cp,trestbps,chol,fbs,restecg,thalach,exang,oldpeak,slope,ca,thal,target\n";
  for (int i = 0; i < 6; ++i) text += fmt::format("{},1,3,145,,1,0,150,0,2.3,0,0,1,{}\n", 50 + i, i % 2);
  write("nochol.csv", text);
  expect_bad_input({"--data", "nochol.csv"},
                   "nochol.csv:1:chol: numeric column has no value in any row (every cell is empty)");
}

TEST_F(ModelTrain, NeverReplacesAFolderThatIsNotAModel) {
  fs::create_directory(dir_.path() / "model");
  write("model/notes.txt", "keep");
  TrainRun r = train({"--data", source("data/heart-disease.csv").string(), "--out", "model"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(
      r.err,
      "cicada-model train: model: exists and is not a model directory (no model.json); not replacing it\n");
  EXPECT_EQ(r.out, "") << "refused before training: no accuracy printed as if it had worked";
  EXPECT_EQ(read_file(dir_.path() / "model/notes.txt"), "keep");
  EXPECT_EQ(entries(), (std::vector<std::string>{"model"}));
}

// Names end up in model.json, which must be UTF-8: a name that is not is a usage error before training
// (it used to train, then abort in the JSON writer with exit 134), and the data file's path is written
// with U+FFFD for its bad bytes.
TEST_F(ModelTrain, NamesThatAreNotUtf8AreUsageErrorsBeforeTraining) {
  const std::string data = source("data/heart-disease.csv").string();
  expect_bad_input({"--data", data, "--numeric", "ag\xff,trestbps"},
                   "--numeric: column name \"ag\xEF\xBF\xBD\" is not valid UTF-8");
  expect_bad_input({"--data", data, "--name", "heart\xc3("},
                   "--name: value \"heart\xEF\xBF\xBD(\" is not valid UTF-8");
  expect_bad_input({"--data", data, "--positive-label", "\xed\xa0\x80"},
                   "--positive-label: value \"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\" is not valid UTF-8");
}

// A name or version is a URL path segment the router matches as sent: one a client would percent-encode
// or drop (a dot segment) trained a model no route could reach. Refused before training now.
TEST_F(ModelTrain, NamesTheRoutesCannotMatchAreRefusedBeforeTraining) {
  const std::string data = source("data/heart-disease.csv").string();
  const std::string rule =
      "cannot be served: it is part of the URL (/v2/models/<name>/versions/<version>), so it must be 1 to "
      "128 characters among A-Z a-z 0-9 . _ ~ - and not \".\" or \"..\"";
  expect_bad_input({"--data", data, "--name", "heart disease"}, "--name: \"heart disease\" " + rule);
  expect_bad_input({"--data", data, "--name", "a/b"}, "--name: \"a/b\" " + rule);
  expect_bad_input({"--data", data, "--name", ""}, "--name: \"\" " + rule);
  expect_bad_input({"--data", data, "--model-version", ".."}, "--model-version: \"..\" " + rule);
  expect_bad_input({"--data", data, "--name", "c\xc3\xa9"}, "--name: \"c\xc3\xa9\" " + rule);
  TrainRun ok =
      train({"--data", data, "--out", "model", "--name", "Heart_v2.1~x-y", "--model-version", "2.0"});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

TEST_F(ModelTrain, ADataPathThatIsNotUtf8IsRecordedWithReplacementCharacters) {
  write("heart\xff.csv", read_file(source("data/heart-disease.csv")));
  TrainRun r = train({"--data", "heart\xff.csv", "--out", "model"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto manifest = nlohmann::json::parse(read_file(dir_.path() / "model/model.json"));
  EXPECT_EQ(manifest["training"]["data"], "heart\xEF\xBF\xBD.csv");
}
