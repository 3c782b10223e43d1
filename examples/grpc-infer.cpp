// OIP v2 ModelInfer over gRPC with fresh random rows, 4 valid : 1 invalid (the server must answer
// INVALID_ARGUMENT), no think time: the C++ twin of examples/grpc-infer.yaml (docs/protocols.md).
//   cicada -f examples/grpc-infer.cpp --headless -u 20 -r 20 -t 30s --host grpc://127.0.0.1:8001
#include <cicada/cicada.hpp>

using cicada::Task;

// Categorical features are choices among the model's categories; out_of_range breaks a numeric one.
static const auto kHeart = cicada::JsonPayload()
                               .choice("sex", {"0", "1"})
                               .choice("cp", {"0", "1", "2", "3"})
                               .choice("restecg", {"0", "1"})
                               .choice("ca", {"0", "1", "2", "3"})
                               .choice("slope", {"0", "1", "2"})
                               .choice("thal", {"0", "1", "2", "3"})
                               .integer("age", 0, 120)
                               .integer("trestbps", 90, 200)
                               .integer("chol", 100, 600)
                               .choice("fbs", {"0", "1"})
                               .integer("thalach", 60, 200)
                               .choice("exang", {"0", "1"})
                               .real("oldpeak", 0, 7);

class InferUser : public cicada::User {
 public:
  Task<> on_start() override { co_await grpc().model_ready("heart-disease"); }

  // One row as FP64 tensors: the server must answer OK with a probability and a diagnosis.
  Task<> infer() {
    auto r = co_await grpc().model_infer("heart-disease", kHeart.valid(random(), body_));
    (void)r;  // a status other than OK is already recorded as a failure, with its name
  }

  // One feature far out of its range: only INVALID_ARGUMENT counts as a success.
  Task<> infer_invalid() {
    static constexpr cicada::GrpcStatus kRefused[] = {cicada::GrpcStatus::kInvalidArgument};
    co_await grpc().model_infer("heart-disease",
                                kHeart.invalid(cicada::Invalid::kOutOfRange, random(), body_),
                                {.name = "ModelInfer (invalid)", .expect = kRefused});
  }

 private:
  std::string body_;  // this user's row buffer: reused, so drawing a row does not allocate
};

CICADA_SCENARIO(scenario) {
  scenario.host("grpc://127.0.0.1:8001");
  scenario.user<InferUser>("InferUser")
      .task("infer", &InferUser::infer, 4)
      .task("infer_invalid", &InferUser::infer_invalid, 1);
}
