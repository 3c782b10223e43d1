#pragma once
// Deliberately invalid variants of a random payload, each one a request a correct API must refuse with
// a 4xx: the point is to load-test the validation path and to catch servers that accept garbage.
#include <memory>
#include <optional>
#include <string_view>

#include "base/result.hpp"
#include "scenario/payload_random.hpp"

namespace cicada::scenario {

enum class InvalidKind {
  kDropField,      // one random field left out (the reference's invalid_payload)
  kWrongType,      // one random numeric field sent as a string ("57" instead of 57)
  kOutOfRange,     // one random numeric field 1e6 beyond its range (below lo or above hi)
  kMalformedJson,  // a valid payload cut short: never parses as JSON
};

// "drop_field", "wrong_type", "out_of_range", "malformed_json".
std::optional<InvalidKind> parse_invalid_kind(std::string_view name);
std::string_view invalid_kind_names();

class InvalidPayload final : public PayloadGenerator {
 public:
  // Fails when the variant cannot be made from `base` (wrong_type and out_of_range need an int or float
  // field; drop_field needs at least one field).
  static Result<std::shared_ptr<InvalidPayload>> make(InvalidKind kind,
                                                      std::shared_ptr<const RandomPayload> base);

  std::string_view generate(Random& rng, std::string& scratch) const override;
  InvalidKind kind() const { return kind_; }

  // How far outside the range out_of_range goes.
  static constexpr double kOutOfRangeDistance = 1e6;

  InvalidPayload(InvalidKind kind, std::shared_ptr<const RandomPayload> base,
                 std::vector<std::size_t> candidates)
      : kind_(kind), base_(std::move(base)), candidates_(std::move(candidates)) {}

 private:
  InvalidKind kind_;
  std::shared_ptr<const RandomPayload> base_;
  std::vector<std::size_t> candidates_;  // indexes of the fields the variant may pick
};

}  // namespace cicada::scenario
