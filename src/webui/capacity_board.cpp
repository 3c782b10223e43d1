#include "webui/capacity_board.hpp"

#include "report/capacity_json.hpp"
#include "report/json_dump.hpp"

namespace cicada::webui {

using Json = nlohmann::json;  // `json` is the board's method

CapacityBoard::CapacityBoard(CapacitySetup setup) : setup_(std::move(setup)) {}

void CapacityBoard::add_step(const runner::CapacityPoint& point) {
  std::lock_guard lock(mutex_);
  points_.push_back(point);
}

void CapacityBoard::revise_step(const runner::CapacityPoint& point) {
  std::lock_guard lock(mutex_);
  for (auto& p : points_)
    if (p.step == point.step) p = point;
}

void CapacityBoard::finish(const runner::CapacityResult& result) {
  std::lock_guard lock(mutex_);
  result_ = result;
  points_ = result.curve;  // the final word, should a step have been judged without a progress call
}

std::string CapacityBoard::json() const {
  const auto& plan = setup_.plan;
  Json out{{"scenario", setup_.scenario},
           {"host", setup_.host},
           {"slos", setup_.slos},
           {"mode", plan.open_model ? "rate" : "users"},
           {"plan", report::capacity_plan_json(plan)}};
  std::lock_guard lock(mutex_);
  out["state"] = result_ ? "done" : "running";
  Json points = Json::array();
  for (const auto& p : points_) points.push_back(report::capacity_point_json(p));
  out["points"] = std::move(points);
  if (!result_) {
    out["result"] = nullptr;
  } else {
    Json result = report::capacity_curve_json(plan, *result_);
    result.erase("points");  // the same as out["points"]
    result["max_load_text"] = result_->found ? runner::format_load(plan, result_->best.load) : "";
    result["answer_label"] = runner::answer_label(*result_);
    result["answer_text"] = runner::answer_text(plan, *result_);
    result["saturated_bound_text"] = runner::saturated_bound_text(plan, *result_);
    result["no_answer_text"] = runner::no_answer_text(*result_);
    out["result"] = std::move(result);
  }
  return report::dump_json(out);
}

}  // namespace cicada::webui
