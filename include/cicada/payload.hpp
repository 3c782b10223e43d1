#pragma once
// cicada::JsonPayload: a JSON object whose fields are drawn fresh on every request, the C++ face of the
// YAML `payloads: random:` generator (same code underneath, so both scenario kinds cost the same).
//
//   static const auto heart = cicada::JsonPayload()
//       .integer("age", 0, 120)
//       .real("oldpeak", 0, 7);
//   ... co_await client().post_json("/predict", heart.valid(random(), body_));
//
// Define payloads once (a static at file scope or a member of the user type), then draw per request with
// the user's own Random and a scratch string the user keeps: drawing takes no lock and, once the string
// has grown to the payload size, no allocation. The builder calls are for setup only (they copy).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cicada/random.hpp"

namespace cicada {

namespace detail {
class JsonPayloadImpl;
}

// Deliberately invalid variants, each a request a correct API must refuse with a 4xx.
enum class Invalid {
  kDropField,      // one random field left out
  kWrongType,      // one random numeric field sent as a string ("57" instead of 57)
  kOutOfRange,     // one random numeric field far outside its range
  kMalformedJson,  // a valid payload cut short: never parses as JSON
};

class JsonPayload {
 public:
  JsonPayload();

  // A field drawn uniformly from [lo, hi], both ends included (Python's random.randint).
  JsonPayload& integer(std::string_view name, std::int64_t lo, std::int64_t hi);
  // A field drawn uniformly from [lo, hi).
  JsonPayload& real(std::string_view name, double lo, double hi);
  // A field drawn among these values, each written as JSON (strings quoted: "\"red\"").
  JsonPayload& choice(std::string_view name, std::vector<std::string> json_values);
  // A field with this constant value, written as JSON.
  JsonPayload& constant(std::string_view name, std::string json_value);

  // A fresh valid object, written into scratch (the returned view is valid until its next use).
  std::string_view valid(Random& rng, std::string& scratch) const;
  // A fresh invalid variant; throws std::logic_error when this payload cannot make it (wrong_type and
  // out_of_range need a numeric field, drop_field needs a field).
  std::string_view invalid(Invalid kind, Random& rng, std::string& scratch) const;

 private:
  std::shared_ptr<const detail::JsonPayloadImpl> impl_;
};

}  // namespace cicada
