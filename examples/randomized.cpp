// POST /predict with fresh random payloads, 4 valid : 1 invalid (the API must answer 400), 1-5 s of think
// time: the C++ twin of examples/randomized.yaml and of RandomizedUser in the reference randomized.py.
//   cicada -f examples/randomized.cpp --headless -u 100 -r 10 -t 60s --host http://127.0.0.1:8080
#include <cicada/cicada.hpp>

using cicada::Task;

// Ranges of the reference payloads.py (UCI heart-disease data description); every request draws anew.
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

class RandomizedUser : public cicada::User {
 public:
  // A full random payload: the API must answer 200 with a diagnosis.
  Task<> predict_valid() { auto r = co_await client().post_json("/predict", kHeart.valid(random(), body_)); }

  // One feature missing: the API must answer 400; anything else is a failure.
  Task<> predict_invalid() {
    auto r = co_await client().post_json(
        "/predict", kHeart.invalid(cicada::Invalid::kDropField, random(), body_), {.catch_response = true});
    if (r.status() == 400) {
      r.success();
    } else {
      r.failure("Wrong response. Expected status code 400, got " + std::to_string(r.status()));
    }
  }

 private:
  std::string body_;  // this user's payload buffer: reused, so drawing a payload does not allocate
};

CICADA_SCENARIO(scenario) {
  scenario.host("http://127.0.0.1:8080");
  scenario.user<RandomizedUser>("RandomizedUser")
      .wait(cicada::between(1, 5))
      .task("predict_valid", &RandomizedUser::predict_valid, 4, {"predict"})
      .task("predict_invalid", &RandomizedUser::predict_invalid, 1, {"predict", "invalid"});
}
