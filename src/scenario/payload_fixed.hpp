#pragma once
// The same body on every request, read once from a file at load time (Locust's fixed_predict.py, wrk's
// post_predict.lua): the run then measures the client and the server, not payload generation.
#include <filesystem>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "scenario/payload_generator.hpp"

namespace cicada::scenario {

class FixedPayload final : public PayloadGenerator {
 public:
  explicit FixedPayload(std::string body) : body_(std::move(body)) {}
  std::string_view generate(Random&, std::string&) const override { return body_; }
  const std::string& body() const { return body_; }

 private:
  std::string body_;
};

// Reads `file` and checks that it is one valid JSON document; the error names the file and why.
Result<std::shared_ptr<FixedPayload>> load_fixed_payload(const std::filesystem::path& file);

}  // namespace cicada::scenario
