// Benchmark: POST /predict with fresh random payloads, 4 valid : 1 invalid (400 expected), no think time:
// the C++ twin of examples/randomized-max.yaml, for the C++ vs YAML per-request overhead.
#include <cicada/cicada.hpp>

using cicada::Task;

static const auto kHeart = cicada::JsonPayload()
                               .integer("sex", 0, 1)
                               .integer("cp", 0, 3)
                               .integer("restecg", 0, 1)
                               .integer("ca", 0, 3)
                               .integer("slope", 0, 2)
                               .integer("thal", 0, 3)
                               .integer("age", 0, 120)
                               .integer("trestbps", 90, 200)
                               .integer("chol", 100, 600)
                               .integer("fbs", 0, 1)
                               .integer("thalach", 60, 200)
                               .integer("exang", 0, 1)
                               .real("oldpeak", 0, 7);

class RandomizedMaxUser : public cicada::User {
 public:
  Task<> predict_valid() { co_await client().post_json("/predict", kHeart.valid(random(), body_)); }
  Task<> predict_invalid() {
    auto r = co_await client().post_json(
        "/predict", kHeart.invalid(cicada::Invalid::kDropField, random(), body_), {.catch_response = true});
    if (r.status() == 400)
      r.success();
    else
      r.failure("Wrong response.");
  }

 private:
  std::string body_;
};

CICADA_SCENARIO(scenario) {
  scenario.host("http://127.0.0.1:8080");
  scenario.user<RandomizedMaxUser>("RandomizedMaxUser")
      .wait(cicada::constant(0))
      .task("predict_valid", &RandomizedMaxUser::predict_valid, 4, {"predict"})
      .task("predict_invalid", &RandomizedMaxUser::predict_invalid, 1, {"predict", "invalid"});
}
