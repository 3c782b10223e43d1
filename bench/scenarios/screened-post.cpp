// Benchmark: a client that does heavy work per request. Each iteration draws 2048 random heart-disease
// records, keeps the one with the highest cholesterol and POSTs it (~200 bytes), as fast as the users can go
// (no think time). The screening costs the generator ~1 ms of CPU per request, against ~30 us in nginx, so
// the generator is the bottleneck by far: what bench/distributed/run.sh needs to show how workers scale on
// a box whose target shares the cores (the script measures both sides' CPU per request).
//   cicada -f bench/scenarios/screened-post.cpp --headless -u 20 -r 20 -t 20s --host http://127.0.0.1:8080
#include <cicada/cicada.hpp>
#include <cstdlib>
#include <string_view>

using cicada::Task;

// The ranges of examples/randomized.cpp (UCI heart-disease data description).
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

constexpr int kCandidates = 2048;

// "chol": NNN in a record written by JsonPayload (fields in declaration order, no spaces).
long cholesterol(std::string_view record) {
  const auto at = record.find("\"chol\":");
  return at == std::string_view::npos ? 0 : std::strtol(record.data() + at + 7, nullptr, 10);
}

class ScreeningUser : public cicada::User {
 public:
  Task<> post_screened() {
    long best = -1;
    for (int i = 0; i < kCandidates; ++i) {
      const auto record = kHeart.valid(random(), candidate_);
      if (const long chol = cholesterol(record); chol > best) {
        best = chol;
        chosen_.assign(record);
      }
    }
    co_await client().post_json("/health", chosen_);
  }

 private:
  std::string candidate_, chosen_;  // reused buffers: screening does not allocate once warm
};

CICADA_SCENARIO(scenario) {
  scenario.host("http://127.0.0.1:8080");
  scenario.user<ScreeningUser>("ScreeningUser")
      .wait(cicada::constant(0))
      .task("post_screened", &ScreeningUser::post_screened);
}
