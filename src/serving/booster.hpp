#pragma once
// Our own evaluator of a saved XGBoost model (JSON, as written by XGBoosterSaveModel or Python's
// save_model("x.json")): gblinear (dot product + bias) and gbtree (walk each tree, sum the leaves), plus
// the base score, for binary:logistic / reg:logistic. Computes in float in XGBoost's order, so its
// results match XGBoost's own predictions.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace cicada::serving {

class BoosterEvaluator {
 public:
  enum class Kind { kLinear, kTree };

  // `source` names the file in error messages.
  static Result<BoosterEvaluator> from_json(std::string_view json_text, const std::string& source);
  static Result<BoosterEvaluator> load(const std::filesystem::path& file);

  Kind kind() const { return kind_; }
  std::size_t num_features() const { return num_features_; }
  std::size_t num_trees() const { return roots_.size(); }
  float base_margin() const { return base_margin_; }

  // The raw score for a row whose feature j is feature(j) (a float; NaN = missing).
  template <class FeatureFn>
  float margin(FeatureFn&& feature) const {
    if (kind_ == Kind::kLinear) {
      float psum = bias_ + base_margin_;
      for (std::uint32_t j = 0; j < num_features_; ++j) {
        float f = feature(j);
        if (!std::isnan(f)) psum += f * weights_[j];
      }
      return psum;
    }
    float psum = base_margin_;
    for (std::uint32_t root : roots_) {
      std::uint32_t i = root;
      while (nodes_[i].left >= 0) {
        const Node& n = nodes_[i];
        float f = feature(n.feature);
        bool left = std::isnan(f) ? n.default_left : f < n.value;
        i = static_cast<std::uint32_t>(left ? n.left : n.right);
      }
      psum += nodes_[i].value;
    }
    return psum;
  }
  float margin_dense(std::span<const float> features) const {
    return margin([&](std::uint32_t j) { return j < features.size() ? features[j] : NAN; });
  }

  // XGBoost's sigmoid (src/common/math.h), in float.
  static float sigmoid(float x) {
    constexpr float kEps = 1e-16f;
    float e = std::exp(-x);
    return 1.0f / (e + 1.0f + kEps);
  }

 private:
  struct Node {
    std::int32_t left = -1, right = -1;  // children; -1 for a leaf
    std::uint32_t feature = 0;
    float value = 0;  // split condition, or the leaf value
    bool default_left = false;
  };
  Kind kind_ = Kind::kLinear;
  std::uint32_t num_features_ = 0;
  float base_margin_ = 0;
  // linear
  std::vector<float> weights_;
  float bias_ = 0;
  // trees: every tree's nodes in one array, roots_ holds each tree's first node
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> roots_;
};

}  // namespace cicada::serving
