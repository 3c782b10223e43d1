#include "scenario/yaml_user.hpp"

#include <stdexcept>

namespace cicada::scenario {

Task<> YamlUser::on_start() {
  if (on_start_) co_await run_sequence(*this, *on_start_);
}

Task<> YamlUser::on_stop() {
  if (on_stop_) co_await run_sequence(*this, *on_stop_);
}

namespace {

// One gRPC call of a sequence. Its record is made by the user's gRPC client; the check, if any, is the
// statuses it counts as a success.
Task<GrpcResult> run_grpc(User& user, YamlUser& yaml_user, const RequestPlan& plan) {
  const GrpcPlan& grpc = *plan.grpc;
  std::string_view rows = plan.body;
  if (plan.payload && grpc.rows == 1) {
    rows = plan.payload->generate(user.random(), yaml_user.payload_buffer());
  } else if (plan.payload) {
    std::string& batch = yaml_user.batch_buffer();
    batch.assign(1, '[');
    for (int i = 0; i < grpc.rows; ++i) {
      if (i > 0) batch.push_back(',');
      batch.append(plan.payload->generate(user.random(), yaml_user.payload_buffer()));
    }
    batch.push_back(']');
    rows = batch;
  }
  GrpcOptions options;
  options.name = plan.name;
  options.target = grpc.target;
  options.model_version = grpc.version;
  options.numbers_as = grpc.numbers_as;
  options.timeout = plan.timeout;
  options.expect = grpc.expect;
  options.outputs = grpc.outputs;
  return user.grpc().call(grpc.call, grpc.model, rows, options);
}

}  // namespace

Task<> run_sequence(User& user, const RequestSequence& sequence) {
  // A checked cast: an engine that ignores UserType::factory would otherwise corrupt memory here. The
  // cost is a few nanoseconds against microseconds for the request.
  auto* yaml_user = dynamic_cast<YamlUser*>(&user);
  if (!yaml_user) throw std::logic_error("a YAML task ran on a user not made by its UserType::factory");
  for (const RequestPlan& plan : sequence.requests) {
    if (plan.grpc) {
      co_await run_grpc(user, *yaml_user, plan);
      continue;
    }
    RequestOptions options;
    options.name = plan.name;
    options.headers = plan.headers;
    options.content_type = plan.content_type;
    options.body = plan.payload ? plan.payload->generate(user.random(), yaml_user->payload_buffer())
                                : std::string_view(plan.body);
    options.catch_response = plan.checks.has_value();
    options.timeout = plan.timeout;
    options.follow_redirects = plan.follow_redirects;
    options.stream_tokens = plan.stream_tokens;
    Response response = co_await user.client().request(plan.method, plan.target, options);
    if (plan.checks) yaml_user->check_runner().apply(*plan.checks, response);
  }
}

TaskFn make_sequence_task(std::shared_ptr<const RequestSequence> sequence) {
  // The lambda is not a coroutine itself (captures of coroutine lambdas die with the lambda call); it
  // returns run_sequence's task, which refers to the sequence the std::function keeps alive.
  return [sequence = std::move(sequence)](User& user) { return run_sequence(user, *sequence); };
}

}  // namespace cicada::scenario
