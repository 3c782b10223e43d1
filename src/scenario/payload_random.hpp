#pragma once
// A JSON object whose fields are drawn fresh on every request from per-field specs: an integer range,
// a float range, a choice among values, or a constant. (The Python reference drew its values once, as
// dataclass defaults, so all its "random" payloads were the same record; here every call draws again.)
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/payload_generator.hpp"

namespace cicada::scenario {

struct FieldSpec {
  enum class Kind { kInt, kFloat, kChoice, kConstant };
  std::string name;
  Kind kind = Kind::kConstant;
  std::int64_t int_lo = 0, int_hi = 0;    // kInt: both ends included (Python's random.randint)
  double float_lo = 0, float_hi = 0;      // kFloat: [lo, hi) (Python's random.random() * hi)
  std::vector<std::string> choices_json;  // kChoice: each value already written as JSON
  std::string constant_json;              // kConstant: the value written as JSON

  bool is_numeric_range() const { return kind == Kind::kInt || kind == Kind::kFloat; }
};

class RandomPayload final : public PayloadGenerator {
 public:
  explicit RandomPayload(std::vector<FieldSpec> fields);

  std::string_view generate(Random& rng, std::string& scratch) const override;

  const std::vector<FieldSpec>& fields() const { return fields_; }

  // Building blocks for the invalid variants: the object with field `skip` left out (npos: none), and
  // one field's value.
  void write_object(Random& rng, std::string& out, std::size_t skip, std::size_t replaced,
                    void (*write_replacement)(const FieldSpec&, Random&, std::string&)) const;
  static void write_value(const FieldSpec& field, Random& rng, std::string& out);

 private:
  std::vector<FieldSpec> fields_;
  std::vector<std::string> key_prefixes_;  // "\"name\":" per field, written once at load
};

}  // namespace cicada::scenario
