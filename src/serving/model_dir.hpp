#pragma once
// Writing a model directory all at once: the files go to a hidden temporary directory next to the target,
// which is then renamed into place, so a failure leaves nothing behind and a reader never sees half a model.
#include <filesystem>
#include <string>

#include "base/result.hpp"

namespace cicada::serving {

struct ModelDirFiles {
  std::string model_json;    // model.json: schema, preprocessing, names (Model::manifest_json)
  std::string booster_json;  // booster.json: the XGBoost model
  std::string metrics_json;  // metrics.json: training metrics
};

// Where a model directory would be written, checked before any work (training takes minutes): the absolute
// path, and whether a model (or an empty folder) there is replaced; an error for anything else there.
struct ModelDirTarget {
  std::filesystem::path path;
  bool replace = false;
};
Result<ModelDirTarget> check_model_dir_target(const std::filesystem::path& out);

// Writes `out` (creating its parent folders). An existing `out` is replaced only if it is a model
// directory (holds model.json) or empty; anything else there is an error and is left untouched.
Result<void> write_model_dir(const std::filesystem::path& out, const ModelDirFiles& files);

}  // namespace cicada::serving
