#pragma once
// Training data: a CSV with a header (optionally starting with a UTF-8 BOM) read into a numeric matrix of
// the configured feature columns plus a 0/1 label. Empty cells are missing values (NaN). Every error is one
// line naming the file, the line (the header is line 1) and the column: "FILE:LINE:COLUMN: what is wrong".
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "serving/progress.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

// Which columns are features of which kind, and which is the label.
struct DatasetSpec {
  std::vector<std::string> numeric;
  std::vector<std::string> categorical;
  std::string label;

  // The reference pipeline's columns (shared/anchors/seed_api/features.py).
  static DatasetSpec heart_disease();
  // Error if a column is listed twice, or the label is also a feature.
  Result<void> validate() const;
};

struct Dataset {
  std::string source;              // the file, as given
  std::vector<std::string> names;  // feature fields: spec.numeric then spec.categorical
  std::vector<FieldKind> kinds;    // per field
  std::vector<double> values;      // row-major, names.size() per row, NaN = missing
  std::vector<float> labels;       // 0 or 1 per row
  std::vector<std::size_t> lines;  // the file line of each row

  std::size_t rows() const { return labels.size(); }
  std::size_t fields() const { return names.size(); }
  const double* row(std::size_t r) const { return values.data() + r * names.size(); }
};

// progress, when given, reports the rows read (serving/progress.hpp).
Result<Dataset> read_csv(const std::filesystem::path& file, const DatasetSpec& spec,
                         Progress* progress = nullptr);

// The schema of a data set: observed ranges and categories over all its rows, accept ranges by the rule.
InputSchema schema_of(const Dataset& data);

}  // namespace cicada::serving
