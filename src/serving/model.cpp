#include "serving/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cicada::serving {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kFormat = "cicada-model/1";
constexpr std::string_view kBoosterFile = "booster.json";

const char* kind_name(FieldKind k) { return k == FieldKind::kNumeric ? "numeric" : "categorical"; }

}  // namespace

Result<Model> Model::from_parts(std::string name, std::string version, InputSchema schema,
                                Preprocessing preprocessing, BoosterEvaluator booster) {
  if (schema.fields.size() != preprocessing.num_fields()) {
    return make_error(fmt::format("model: schema has {} fields but preprocessing has {}",
                                  schema.fields.size(), preprocessing.num_fields()));
  }
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    auto& f = schema.fields[i];
    const auto& p = preprocessing.fields()[i];
    if (f.name != p.name || f.kind != p.kind) {
      return make_error(
          fmt::format("model: field {} is \"{}\" ({}) in the schema but \"{}\" ({}) in preprocessing", i,
                      f.name, kind_name(f.kind), p.name, kind_name(p.kind)));
    }
    // The categories the API accepts (check_field_value): those seen in the CSV and every one the model
    // encodes (the fill value, when training rows lacked the field), sorted for a binary search.
    if (f.kind == FieldKind::kCategorical) {
      f.categories.insert(f.categories.end(), p.categories.begin(), p.categories.end());
      std::sort(f.categories.begin(), f.categories.end());
      f.categories.erase(std::unique(f.categories.begin(), f.categories.end()), f.categories.end());
    }
  }
  if (booster.num_features() != preprocessing.num_features()) {
    return make_error(fmt::format("model: preprocessing makes {} features but the booster expects {}",
                                  preprocessing.num_features(), booster.num_features()));
  }
  Model m;
  m.name_ = std::move(name);
  m.version_ = std::move(version);
  m.schema_ = std::move(schema);
  m.preprocessing_ = std::move(preprocessing);
  m.booster_ = std::move(booster);
  return m;
}

float Model::predict_margin(std::span<const double> raw_row) const {
  if (raw_row.size() != schema_.fields.size()) return std::numeric_limits<float>::quiet_NaN();
  // Trees read features many times: compute them all once into a stack buffer when they fit (they do for
  // heart-disease: 28). Otherwise, and for linear models, compute each feature as the booster asks for it.
  constexpr std::size_t kStackFeatures = 256;
  const std::size_t nf = preprocessing_.num_features();
  if (booster_.kind() == BoosterEvaluator::Kind::kTree && nf <= kStackFeatures) {
    float features[kStackFeatures];
    preprocessing_.transform(raw_row, std::span<float>(features, nf));
    return booster_.margin([&](std::uint32_t j) { return features[j]; });
  }
  return booster_.margin([&](std::uint32_t j) { return preprocessing_.feature(j, raw_row); });
}

double Model::predict_proba(std::span<const double> raw_row) const {
  if (raw_row.size() != schema_.fields.size()) return std::numeric_limits<double>::quiet_NaN();
  return BoosterEvaluator::sigmoid(predict_margin(raw_row));
}

std::string Model::manifest_json(std::string_view extra) const {
  json doc = {{"format", kFormat},
              {"name", name_},
              {"version", version_},
              {"positive_label", positive_label_},
              {"negative_label", negative_label_},
              {"booster_file", kBoosterFile},
              {"booster", booster_.kind() == BoosterEvaluator::Kind::kLinear ? "gblinear" : "gbtree"}};
  json fields = json::array();
  for (std::size_t i = 0; i < schema_.fields.size(); ++i) {
    const FieldSchema& f = schema_.fields[i];
    const FieldPreprocess& p = preprocessing_.fields()[i];
    json field = {{"name", f.name},
                  {"kind", kind_name(f.kind)},
                  {"observed_min", f.observed_min},
                  {"observed_max", f.observed_max}};
    if (f.kind == FieldKind::kNumeric) {
      field["accept_min"] = f.accept_min;
      field["accept_max"] = f.accept_max;
      field["preprocess"] = {
          {"impute", "median"}, {"median", p.median}, {"mean", p.mean}, {"scale", p.scale}};
    } else {
      field["categories"] = f.categories;
      field["preprocess"] = {{"impute", "constant"}, {"fill_value", p.fill_value}, {"one_hot", p.categories}};
    }
    fields.push_back(std::move(field));
  }
  doc["fields"] = std::move(fields);
  doc["features"] = preprocessing_.feature_names();
  json more = json::parse(extra, nullptr, false);
  if (more.is_object()) {
    for (auto it = more.begin(); it != more.end(); ++it) {
      if (!doc.contains(it.key())) doc[it.key()] = it.value();
    }
  }
  // Names are checked to be UTF-8 before training (train_command.cpp); replace rather than throw if one
  // slips through, so writing a model never ends the process.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<Model> Model::load(const std::filesystem::path& dir) {
  const std::filesystem::path manifest = dir / "model.json";
  const std::string source = manifest.string();
  auto fail = [&](const std::string& what) { return make_error(fmt::format("{}: {}", source, what)); };
  std::ifstream in(manifest, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(dir, ec);
    if (ec) return make_error(fmt::format("{}: {}", dir.string(), ec.message()));  // "Permission denied"
    if (!exists)
      return make_error(fmt::format(
          "{}: no such directory (a model directory is what `cicada-model train --out DIR` writes)",
          dir.string()));
    if (!std::filesystem::is_directory(dir, ec))
      return make_error(fmt::format("{}: not a model directory (not a directory)", dir.string()));
    return fail("cannot open");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  json doc = json::parse(buffer.str(), nullptr, false);
  if (doc.is_discarded()) return fail("not valid JSON");
  if (!doc.is_object()) return fail("expected a JSON object");
  try {
    if (doc.value("format", std::string()) != kFormat) {
      return fail(fmt::format("\"format\" must be \"{}\"", kFormat));
    }
    InputSchema schema;
    std::vector<FieldPreprocess> pre;
    const json& fields = doc.at("fields");
    if (!fields.is_array() || fields.empty()) return fail("\"fields\" must be a non-empty list");
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const json& jf = fields[i];
      FieldSchema f;
      FieldPreprocess p;
      f.name = p.name = jf.at("name").get<std::string>();
      if (schema.index_of(f.name) >= 0) return fail(fmt::format("field \"{}\" appears twice", f.name));
      const std::string kind = jf.at("kind").get<std::string>();
      if (kind == "numeric") {
        f.kind = FieldKind::kNumeric;
      } else if (kind == "categorical") {
        f.kind = FieldKind::kCategorical;
      } else {
        return fail(
            fmt::format("field \"{}\": kind must be numeric or categorical, not \"{}\"", f.name, kind));
      }
      p.kind = f.kind;
      f.observed_min = jf.at("observed_min").get<double>();
      f.observed_max = jf.at("observed_max").get<double>();
      // Categorical fields accept their categories only (older models wrote a range for them too).
      if (f.kind == FieldKind::kNumeric) {
        if (jf.contains("accept_min") && jf.contains("accept_max")) {
          f.accept_min = jf.at("accept_min").get<double>();
          f.accept_max = jf.at("accept_max").get<double>();
        } else {
          set_accept_range(f);
        }
      }
      const json& jp = jf.at("preprocess");
      if (f.kind == FieldKind::kNumeric) {
        p.median = jp.at("median").get<double>();
        p.mean = jp.at("mean").get<double>();
        p.scale = jp.at("scale").get<double>();
        if (!std::isfinite(p.median) || !std::isfinite(p.mean) || !std::isfinite(p.scale) || p.scale == 0) {
          return fail(
              fmt::format("field \"{}\": median, mean and scale must be finite and scale non-zero", f.name));
        }
      } else {
        f.categories = jf.value("categories", std::vector<double>{});
        p.fill_value = jp.at("fill_value").get<double>();
        p.categories = jp.at("one_hot").get<std::vector<double>>();
      }
      schema.fields.push_back(std::move(f));
      pre.push_back(std::move(p));
    }
    const std::string booster_file = doc.value("booster_file", std::string(kBoosterFile));
    auto booster = BoosterEvaluator::load(dir / booster_file);
    if (!booster) return booster.error();
    auto model =
        from_parts(doc.value("name", std::string("heart-disease")), doc.value("version", std::string("1")),
                   std::move(schema), Preprocessing(std::move(pre)), std::move(booster).value());
    if (!model) return fail(model.error().message.substr(7));  // drop the "model: " prefix
    model->set_labels(doc.value("positive_label", std::string("heart-disease")),
                      doc.value("negative_label", std::string("clear")));
    return model;
  } catch (const std::exception& ex) {
    return fail(ex.what());
  }
}

}  // namespace cicada::serving
