// cicada-model train: read a CSV, fit the preprocessing + XGBoost pipeline on an 80/20 split, print
// training/validation accuracy and ROC AUC (and K-fold cross-validated ones with --cv), and write one
// model directory (docs/model.md). Bad input exits 2 with one line on stderr and writes nothing.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/utf8.hpp"
#include "commands.hpp"
#include "serving/dataset.hpp"
#include "serving/evaluation.hpp"
#include "serving/model.hpp"
#include "serving/model_dir.hpp"
#include "serving/trainer.hpp"

namespace cicada::model_app {
namespace {

using namespace cicada::serving;
using json = nlohmann::ordered_json;

// The reference pipeline's 5-fold stratified CV on heart-disease.csv (shared/anchors/README.md).
constexpr double kReferenceCvAccuracy = 85.2;
constexpr double kReferenceCvAuc = 0.915;

struct TrainOptions {
  std::string data;
  std::string out;
  TrainParams params;
  int cv = 0;
  double validation_fraction = 0.2;
  DatasetSpec spec = DatasetSpec::heart_disease();
  std::string name = "heart-disease";
  std::string version = "1";
  std::string positive_label = "heart-disease";
  std::string negative_label = "clear";
};

int fail_input(const std::string& message) {
  fmt::print(stderr, "cicada-model train: {}\n", message);
  return 2;
}
int fail_internal(const std::string& message) {
  fmt::print(stderr, "cicada-model train: {}\n", message);
  return 1;
}

std::string auc_text(double auc) { return std::isnan(auc) ? std::string("n/a") : fmt::format("{:.3f}", auc); }
json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

std::string local_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%m-%d-%Y, %H:%M:%S", &tm);
  return buf;
}

// The names written into model.json must be UTF-8 (JSON text is; nlohmann throws on anything else at the
// very end, after training). A usage error before training instead, naming the option and the value (its
// bad bytes shown as U+FFFD). The data file's path is only recorded, so it is written with U+FFFD instead.
std::optional<std::string> not_utf8_problem(const TrainOptions& o) {
  const auto bad = [](std::string_view option, std::string_view what, const std::string& value) {
    return fmt::format("{}: {} \"{}\" is not valid UTF-8", option, what, utf8_or_replacement(value));
  };
  for (const auto& [option, columns] :
       {std::pair{"--numeric", &o.spec.numeric}, std::pair{"--categorical", &o.spec.categorical}}) {
    for (const std::string& column : *columns) {
      if (!is_utf8(column)) return bad(option, "column name", column);
    }
  }
  for (const auto& [option, value] :
       {std::pair{"--label", &o.spec.label}, std::pair{"--name", &o.name},
        std::pair{"--model-version", &o.version}, std::pair{"--positive-label", &o.positive_label},
        std::pair{"--negative-label", &o.negative_label}}) {
    if (!is_utf8(*value))
      return bad(option, option == std::string_view("--label") ? "column name" : "value", *value);
  }
  return std::nullopt;
}

// The model's name and version are URL path segments (/v2/models/<name>/versions/<version>), matched as
// sent: a character a client percent-encodes (a space, '/', '%', '?', non-ASCII...) or a dot segment it
// removes ("." and "..") made a model that trained but that no route could reach. Refused before training.
std::optional<std::string> unservable_name_problem(const TrainOptions& o) {
  constexpr std::size_t kMaxBytes = 128;
  const auto servable = [](const std::string& v) {
    if (v.empty() || v.size() > kMaxBytes || v == "." || v == "..") return false;
    return std::all_of(v.begin(), v.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
             c == '_' || c == '~' || c == '-';
    });
  };
  for (const auto& [option, value] :
       {std::pair{"--name", &o.name}, std::pair{"--model-version", &o.version}}) {
    if (!servable(*value)) {
      return fmt::format(
          "{}: \"{}\" cannot be served: it is part of the URL (/v2/models/<name>/versions/<version>), so it "
          "must be 1 to {} characters among A-Z a-z 0-9 . _ ~ - and not \".\" or \"..\"",
          option, *value, kMaxBytes);
    }
  }
  return std::nullopt;
}

// `--categorical ''` (or `--numeric ''`) trains with no columns of that kind. CLI11 reads the empty value
// as one empty name, which validate() would refuse as "an empty column name".
void drop_empty_lists(DatasetSpec& spec) {
  for (auto* list : {&spec.numeric, &spec.categorical}) {
    if (list->size() == 1 && list->front().empty()) list->clear();
  }
}

// Progress lines on stderr (serving/progress.hpp) for a data file of this size or more: smaller ones read
// and train in a few seconds at most, and print nothing.
constexpr std::uintmax_t kProgressBytes = 8'000'000;

bool big_file(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(path, ec);
  return !ec && bytes >= kProgressBytes;
}

struct FoldScore {
  double accuracy = 0, auc = 0;
};

int run_train(const TrainOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  auto params = o.params.resolved();
  if (!params) return fail_input(params.error().message);
  if (!(o.validation_fraction > 0 && o.validation_fraction < 1))
    return fail_input("--val-fraction must be in (0, 1)");
  if (auto problem = not_utf8_problem(o)) return fail_input(*problem);
  if (auto problem = unservable_name_problem(o)) return fail_input(*problem);
  // Before reading and training: a --out that would be refused at the end wasted the whole training, and
  // its accuracy lines on stdout read like a success.
  if (auto target = check_model_dir_target(o.out); !target) return fail_input(target.error().message);

  Progress progress(big_file(o.data));
  auto data = read_csv(o.data, o.spec, &progress);
  if (!data) return fail_input(data.error().message);
  std::size_t positives = 0;
  for (float y : data->labels) positives += y != 0 ? 1 : 0;
  const std::size_t minority = std::min(positives, data->rows() - positives);
  if (minority == 0) {
    return fail_input(fmt::format("{}: label column \"{}\" has only one class (every row is {})", o.data,
                                  o.spec.label, positives == 0 ? 0 : 1));
  }
  if (o.cv != 0 && (o.cv < 2 || static_cast<std::size_t>(o.cv) > minority)) {
    return fail_input(
        fmt::format("--cv must be 0 (off) or between 2 and {} (the rows of the smaller class)", minority));
  }
  const Split split = train_validation_split(data->rows(), o.validation_fraction, params->seed);
  if (split.train.empty() || split.validation.empty()) {
    return fail_input(
        fmt::format("{}: {} rows are too few for a train/validation split", o.data, data->rows()));
  }
  fmt::print("Read {} rows x {} fields from {} ({} positive)\n", data->rows(), data->fields(), o.data,
             positives);
  const TrainParams& p = *params;
  if (p.booster == "gblinear") {
    fmt::print("Training gblinear: {} rounds, eta {}, lambda {}, seed {}; {} train / {} validation rows\n",
               *p.rounds, *p.eta, *p.lambda, p.seed, split.train.size(), split.validation.size());
  } else {
    fmt::print(
        "Training gbtree: {} rounds, eta {}, lambda {}, max_depth {}, seed {}; {} train / {} validation "
        "rows\n",
        *p.rounds, *p.eta, *p.lambda, *p.max_depth, p.seed, split.train.size(), split.validation.size());
  }
  std::fflush(stdout);

  progress.start(fmt::format("training {} on {} rows", p.booster, split.train.size()));
  auto fitted = fit_pipeline(*data, split.train, p, &progress);
  if (!fitted) return fail_internal(fitted.error().message);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const auto train_probs = predict_rows(*fitted, *data, split.train);
  const auto val_probs = predict_rows(*fitted, *data, split.validation);
  const double acc = 100.0 * accuracy(labels_of(*data, split.train), train_probs);
  const auto val_labels = labels_of(*data, split.validation);
  const double val_acc = 100.0 * accuracy(val_labels, val_probs);
  const double auc = roc_auc(val_labels, val_probs);
  fmt::print("Training accuracy: {:.2f}%\n", acc);
  fmt::print("Validation accuracy: {:.2f}%\n", val_acc);
  fmt::print("ROC AUC score: {}\n", auc_text(auc));

  json metrics = {{"elapsed", elapsed},
                  {"acc", acc},
                  {"val_acc", val_acc},
                  {"roc_auc", number_or_null(auc)},
                  {"n_train", split.train.size()},
                  {"n_val", split.validation.size()},
                  {"timestamp", local_timestamp()},
                  {"booster", p.booster},
                  {"seed", p.seed}};

  if (o.cv > 0) {
    const auto cv_started = std::chrono::steady_clock::now();
    fmt::print("{}-fold stratified cross-validation (shuffled, seed {}):\n", o.cv, p.seed);
    std::fflush(stdout);
    const auto folds = stratified_folds(data->labels, o.cv, p.seed);
    std::vector<FoldScore> scores;
    json per_fold = json::array();
    for (std::size_t f = 0; f < folds.size(); ++f) {
      const auto train_rows = rows_except(folds, f);
      progress.start(fmt::format("fold {}/{}: training on {} rows", f + 1, folds.size(), train_rows.size()));
      auto fold_fit = fit_pipeline(*data, train_rows, p, &progress);
      if (!fold_fit) return fail_internal(fold_fit.error().message);
      const auto probs = predict_rows(*fold_fit, *data, folds[f]);
      const auto labels = labels_of(*data, folds[f]);
      FoldScore s{100.0 * accuracy(labels, probs), roc_auc(labels, probs)};
      scores.push_back(s);
      per_fold.push_back(
          {{"acc", s.accuracy}, {"roc_auc", number_or_null(s.auc)}, {"n_val", folds[f].size()}});
      fmt::print("  fold {}/{}: accuracy {:.2f}%, ROC AUC {} ({} train / {} validation rows)\n", f + 1,
                 folds.size(), s.accuracy, auc_text(s.auc), train_rows.size(), folds[f].size());
      std::fflush(stdout);
    }
    double mean_acc = 0, mean_auc = 0;
    for (const auto& s : scores) {
      mean_acc += s.accuracy / static_cast<double>(scores.size());
      mean_auc += s.auc / static_cast<double>(scores.size());
    }
    const bool reference_data = o.spec.numeric == DatasetSpec::heart_disease().numeric &&
                                o.spec.categorical == DatasetSpec::heart_disease().categorical &&
                                o.spec.label == DatasetSpec::heart_disease().label;
    if (reference_data) {
      fmt::print("{:<26}{:>18}{:>26}\n", "cross-validated (mean)", fmt::format("cicada {}", p.booster),
                 "reference (sklearn LR)");
      fmt::print("{:<26}{:>18}{:>26}\n", "  accuracy", fmt::format("{:.2f}%", mean_acc),
                 fmt::format("{:.1f}%", kReferenceCvAccuracy));
      fmt::print("{:<26}{:>18}{:>26}\n", "  ROC AUC", auc_text(mean_auc),
                 fmt::format("{:.3f}", kReferenceCvAuc));
    } else {
      fmt::print("Cross-validated accuracy: {:.2f}%\nCross-validated ROC AUC: {}\n", mean_acc,
                 auc_text(mean_auc));
    }
    metrics["cv_folds"] = o.cv;
    metrics["cv_acc"] = mean_acc;
    metrics["cv_roc_auc"] = number_or_null(mean_auc);
    metrics["cv_per_fold"] = std::move(per_fold);
    metrics["cv_elapsed"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - cv_started).count();
  }

  auto model =
      Model::from_parts(o.name, o.version, schema_of(*data), fitted->preprocessing, fitted->evaluator);
  if (!model) return fail_internal(model.error().message);
  model->set_labels(o.positive_label, o.negative_label);
  json training = {{"data", utf8_or_replacement(o.data)},
                   {"label", o.spec.label},
                   {"booster", p.booster},
                   {"rounds", *p.rounds},
                   {"eta", *p.eta},
                   {"lambda", *p.lambda},
                   {"seed", p.seed},
                   {"validation_fraction", o.validation_fraction},
                   {"n_train", split.train.size()}};
  if (p.booster == "gbtree") training["max_depth"] = *p.max_depth;
  ModelDirFiles files{model->manifest_json(json{{"training", training}}.dump()), fitted->booster_json,
                      metrics.dump(2, ' ', false, json::error_handler_t::replace) + "\n"};
  if (auto ok = write_model_dir(o.out, files); !ok) return fail_input(ok.error().message);
  auto reloaded = Model::load(o.out);
  if (!reloaded) return fail_internal("the written model does not load back: " + reloaded.error().message);
  fmt::print("Wrote model \"{}\" version {} to {}\n", o.name, o.version, o.out);
  return 0;
}

}  // namespace

std::function<int()> add_train_command(CLI::App& app) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train the model on a CSV and write a model directory");
  cmd->add_option("--data", options->data, "CSV with a header row (a UTF-8 BOM is fine)")->required();
  cmd->add_option("--out", options->out, "Model directory to write (replaced if it already holds a model)")
      ->required();
  cmd->add_option("--booster", options->params.booster,
                  "gblinear (logistic regression, like the reference) or gbtree")
      ->capture_default_str();
  cmd->add_option("--cv", options->cv,
                  "Also report K-fold stratified cross-validated accuracy and ROC AUC (0 = off)")
      ->capture_default_str();
  // Checked as a signed 64-bit integer, as XGBoost reads it: "-1" would otherwise wrap to 2^64-1 in the
  // unsigned seed and fail inside XGBoost (exit 1) instead of here (exit 2).
  cmd->add_option("--seed", options->params.seed, "Seed of the split, the folds and XGBoost (0..2^63-1)")
      ->check(CLI::Range(std::int64_t{0}, static_cast<std::int64_t>(TrainParams::kMaxSeed)))
      ->capture_default_str();
  cmd->add_option("--numeric", options->spec.numeric,
                  "Numeric feature columns (median impute, standard scale); '' for none")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--categorical", options->spec.categorical,
                  "Categorical feature columns (constant impute, one-hot; serving refuses a category not "
                  "seen in training); --categorical '' trains on numeric columns only")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--label", options->spec.label, "Label column (0/1)")->capture_default_str();
  cmd->add_option("--val-fraction", options->validation_fraction, "Fraction of rows held out for validation")
      ->capture_default_str();
  // Into optionals: a value given, even 0, is range-checked (TrainParams::resolved); only absence means the
  // booster's default.
  cmd->add_option_function<int>(
      "--rounds", [options](int v) { options->params.rounds = v; },
      "Boosting rounds, 1..100000 (default: 60 gblinear, 100 gbtree)");
  cmd->add_option_function<double>(
      "--eta", [options](double v) { options->params.eta = v; },
      "Learning rate, in (0, 1] (default: 0.5 gblinear, 0.1 gbtree)");
  cmd->add_option_function<double>(
      "--lambda", [options](double v) { options->params.lambda = v; },
      "L2 penalty, >= 0 (default: 0.05 gblinear, 1 gbtree)");
  cmd->add_option_function<int>(
      "--max-depth", [options](int v) { options->params.max_depth = v; },
      "gbtree tree depth, 1..32 (default: 1)");
  cmd->add_option("--name", options->name,
                  "Model name (Open Inference Protocol; in URLs, so 1-128 of A-Z a-z 0-9 . _ ~ -)")
      ->capture_default_str();
  cmd->add_option("--model-version", options->version, "Model version (the same characters as --name)")
      ->capture_default_str();
  cmd->add_option("--positive-label", options->positive_label, "Name of label 1")->capture_default_str();
  cmd->add_option("--negative-label", options->negative_label, "Name of label 0")->capture_default_str();
  return [options] {
    drop_empty_lists(options->spec);
    return run_train(*options);
  };
}

}  // namespace cicada::model_app
