#include "serving/booster.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cicada::serving {
namespace {

using nlohmann::json;

// learner_model_param values are strings in XGBoost 1.x ("5E-1") and one-element lists in 2.x ("[5E-1]").
double number_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (!s.empty() && s.front() == '[') s = s.substr(1, s.size() - 2);
    std::size_t used = 0;
    double d = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument("not a number: " + v.get<std::string>());
    return d;
  }
  throw std::invalid_argument("not a number: " + v.dump());
}

bool truthy(const json& v) { return v.is_boolean() ? v.get<bool>() : v.get<int>() != 0; }

}  // namespace

Result<BoosterEvaluator> BoosterEvaluator::from_json(std::string_view json_text, const std::string& source) {
  auto fail = [&](const std::string& what) { return make_error(fmt::format("{}: {}", source, what)); };
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) return fail("not valid JSON");
  try {
    const json& learner = doc.at("learner");
    const json& param = learner.at("learner_model_param");
    const std::string objective = learner.at("objective").at("name").get<std::string>();
    if (objective != "binary:logistic" && objective != "reg:logistic") {
      return fail(
          fmt::format("objective \"{}\" is not supported (binary:logistic or reg:logistic)", objective));
    }
    if (param.contains("num_class") && number_of(param.at("num_class")) > 1) {
      return fail("multi-class models are not supported");
    }
    if (param.contains("num_target") && number_of(param.at("num_target")) > 1) {
      return fail("multi-target models are not supported");
    }
    BoosterEvaluator e;
    double nf = number_of(param.at("num_feature"));
    if (nf < 0 || nf > 1e7) return fail("implausible num_feature");
    e.num_features_ = static_cast<std::uint32_t>(nf);
    double base_score = number_of(param.at("base_score"));
    if (!(base_score > 0 && base_score < 1))
      return fail("base_score must be in (0, 1) for a logistic objective");
    // ProbToMargin of the logistic objectives (src/objective/regression_loss.h), in float.
    float bs = static_cast<float>(base_score);
    e.base_margin_ = -std::log(1.0f / bs - 1.0f);

    const json& gb = learner.at("gradient_booster");
    const std::string name = gb.at("name").get<std::string>();
    if (name == "gblinear") {
      e.kind_ = Kind::kLinear;
      const json& w = gb.at("model").at("weights");
      if (!w.is_array() || w.size() != e.num_features_ + 1) {
        return fail(
            fmt::format("gblinear weights: expected {} numbers, found {}", e.num_features_ + 1, w.size()));
      }
      for (std::size_t j = 0; j < e.num_features_; ++j)
        e.weights_.push_back(static_cast<float>(w[j].get<double>()));
      e.bias_ = static_cast<float>(w[e.num_features_].get<double>());
      return e;
    }
    if (name != "gbtree")
      return fail(fmt::format("booster \"{}\" is not supported (gbtree or gblinear)", name));
    e.kind_ = Kind::kTree;
    const json& model = gb.at("model");
    const json& trees = model.at("trees");
    const json& info = model.at("tree_info");
    for (std::size_t t = 0; t < trees.size(); ++t) {
      if (info.at(t).get<int>() != 0) return fail(fmt::format("tree {}: output group is not 0", t));
      const json& tree = trees[t];
      const json& left = tree.at("left_children");
      const json& right = tree.at("right_children");
      const json& index = tree.at("split_indices");
      const json& cond = tree.at("split_conditions");
      const json& dleft = tree.at("default_left");
      std::size_t n = left.size();
      if (n == 0 || right.size() != n || index.size() != n || cond.size() != n || dleft.size() != n) {
        return fail(fmt::format("tree {}: node arrays differ in length", t));
      }
      if (tree.contains("split_type")) {
        for (const auto& st : tree.at("split_type")) {
          if (st.get<int>() != 0)
            return fail(fmt::format("tree {}: categorical splits are not supported", t));
        }
      }
      auto offset = static_cast<std::int32_t>(e.nodes_.size());
      e.roots_.push_back(static_cast<std::uint32_t>(offset));
      for (std::size_t i = 0; i < n; ++i) {
        Node node;
        int l = left[i].get<int>(), r = right[i].get<int>();
        if (l >= 0) {
          if (l >= static_cast<int>(n) || r < 0 || r >= static_cast<int>(n)) {
            return fail(fmt::format("tree {} node {}: child index out of range", t, i));
          }
          node.left = offset + l;
          node.right = offset + r;
          auto feature = index[i].get<std::int64_t>();
          if (feature < 0 || feature >= static_cast<std::int64_t>(e.num_features_)) {
            return fail(fmt::format("tree {} node {}: split feature {} out of range", t, i, feature));
          }
          node.feature = static_cast<std::uint32_t>(feature);
          node.default_left = truthy(dleft[i]);
        }
        node.value = static_cast<float>(cond[i].get<double>());
        e.nodes_.push_back(node);
      }
      // Every node reachable at most once from the root: no cycles, so evaluation always ends at a leaf.
      std::vector<char> seen(n, 0);
      std::vector<std::size_t> stack{0};
      while (!stack.empty()) {
        std::size_t i = stack.back();
        stack.pop_back();
        if (seen[i]) return fail(fmt::format("tree {}: node {} is reached twice", t, i));
        seen[i] = 1;
        const Node& node = e.nodes_[static_cast<std::size_t>(offset) + i];
        if (node.left >= 0) {
          stack.push_back(static_cast<std::size_t>(node.left - offset));
          stack.push_back(static_cast<std::size_t>(node.right - offset));
        }
      }
    }
    return e;
  } catch (const std::exception& ex) {
    return fail(fmt::format("not an XGBoost model: {}", ex.what()));
  }
}

Result<BoosterEvaluator> BoosterEvaluator::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(fmt::format("{}: cannot open", file.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return from_json(buffer.str(), file.string());
}

}  // namespace cicada::serving
