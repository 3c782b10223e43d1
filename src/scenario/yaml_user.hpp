#pragma once
// The user a YAML scenario's UserType::factory creates: a cicada::User with per-user scratch state (the
// payload buffer and the check runner), so tasks generate bodies and check responses without allocating.
#include <memory>
#include <string>

#include "cicada/user.hpp"
#include "scenario/checks.hpp"
#include "scenario/request_plan.hpp"

namespace cicada::scenario {

class YamlUser : public User {
 public:
  YamlUser(std::shared_ptr<const RequestSequence> on_start, std::shared_ptr<const RequestSequence> on_stop)
      : on_start_(std::move(on_start)), on_stop_(std::move(on_stop)) {}

  Task<> on_start() override;
  Task<> on_stop() override;

  std::string& payload_buffer() { return payload_buffer_; }
  std::string& batch_buffer() { return batch_buffer_; }
  CheckRunner& check_runner() { return check_runner_; }

 private:
  std::shared_ptr<const RequestSequence> on_start_;
  std::shared_ptr<const RequestSequence> on_stop_;
  std::string payload_buffer_;
  std::string batch_buffer_;  // a gRPC batch: the rows drawn into payload_buffer_, joined as a JSON array
  CheckRunner check_runner_;
};

// Sends the sequence's requests in order through user.client(), applying each request's checks.
// `user` must be a YamlUser (made by the scenario's factory); `sequence` must outlive the task (the
// Scenario owns it).
Task<> run_sequence(User& user, const RequestSequence& sequence);

// A TaskFn running `sequence` (which the returned function keeps alive).
TaskFn make_sequence_task(std::shared_ptr<const RequestSequence> sequence);

}  // namespace cicada::scenario
