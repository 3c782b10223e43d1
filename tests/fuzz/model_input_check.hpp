#pragma once
// What the /predict and v2 fuzz targets check after reading a body: the heart-disease schema they read
// against, and that a refusal is a bounded, valid UTF-8, parseable JSON error naming what is wrong.
#include <simdjson.h>

#include "fuzz_support.hpp"
#include "serving/api_errors.hpp"
#include "serving/schema.hpp"

namespace cicada::fuzz {

// The heart-disease schema (data/heart-disease.csv): 5 numeric fields, 8 categorical.
inline const serving::InputSchema& heart_schema() {
  static const serving::InputSchema schema = [] {
    serving::InputSchema s;
    auto add = [&](const char* name, bool categorical, double lo, double hi) {
      serving::FieldSchema f;
      f.name = name;
      f.kind = categorical ? serving::FieldKind::kCategorical : serving::FieldKind::kNumeric;
      f.observed_min = lo;
      f.observed_max = hi;
      if (categorical) {
        for (double c = lo; c <= hi; ++c) f.categories.push_back(c);
      }
      serving::set_accept_range(f);
      s.fields.push_back(std::move(f));
    };
    add("age", false, 29, 77);
    add("sex", true, 0, 1);
    add("cp", true, 0, 3);
    add("trestbps", false, 94, 200);
    add("chol", false, 126, 564);
    add("fbs", true, 0, 1);
    add("restecg", true, 0, 2);
    add("thalach", false, 71, 202);
    add("exang", true, 0, 1);
    add("oldpeak", false, 0, 6.2);
    add("slope", true, 0, 2);
    add("ca", true, 0, 4);
    add("thal", true, 0, 3);
    return s;
  }();
  return schema;
}

// ok: what the reader returned. A refusal must say why and write a small, valid JSON body.
inline void check_outcome(bool ok, const serving::ApiError& error) {
  if (ok) return require(!error.any(), "an accepted body has no problem");
  require(!error.message.empty(), "a refusal says what is wrong");
  require(error.fields.size() <= serving::ApiError::kMaxFields, "at most kMaxFields entries");
  http::ServerResponse out;
  serving::write_error(out, error);
  // 50 entries of clipped name and problem, JSON-escaped (at most 6 bytes per byte), plus the message.
  require(out.body.size() <= 200 * 1024, "an error body stays bounded");
  require(valid_utf8(out.body), "an error body is UTF-8");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  require(parser.parse(out.body).get(root) == simdjson::SUCCESS, "an error body is JSON");
}

}  // namespace cicada::fuzz
