#include "scenario/payload_invalid.hpp"

#include "scenario/json_text.hpp"

namespace cicada::scenario {

namespace {

void write_as_string(const FieldSpec& field, Random& rng, std::string& out) {
  // Write the value, then wrap it in quotes: 57 -> "57". Numbers contain nothing that needs escaping.
  std::size_t start = out.size();
  RandomPayload::write_value(field, rng, out);
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(start), '"');
  out.push_back('"');
}

void write_out_of_range(const FieldSpec& field, Random& rng, std::string& out) {
  const bool below = rng.chance(0.5);
  const double d = InvalidPayload::kOutOfRangeDistance;
  if (field.kind == FieldSpec::Kind::kInt) {
    const auto di = static_cast<std::int64_t>(d);
    append_json_int(out, below ? field.int_lo - di : field.int_hi + di);
  } else {
    append_json_double(out, below ? field.float_lo - d : field.float_hi + d);
  }
}

}  // namespace

std::optional<InvalidKind> parse_invalid_kind(std::string_view name) {
  if (name == "drop_field") return InvalidKind::kDropField;
  if (name == "wrong_type") return InvalidKind::kWrongType;
  if (name == "out_of_range") return InvalidKind::kOutOfRange;
  if (name == "malformed_json") return InvalidKind::kMalformedJson;
  return std::nullopt;
}

std::string_view invalid_kind_names() { return "drop_field, wrong_type, out_of_range, malformed_json"; }

Result<std::shared_ptr<InvalidPayload>> InvalidPayload::make(InvalidKind kind,
                                                             std::shared_ptr<const RandomPayload> base) {
  std::vector<std::size_t> candidates;
  const auto& fields = base->fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    bool fits = kind == InvalidKind::kWrongType || kind == InvalidKind::kOutOfRange
                    ? fields[i].is_numeric_range()
                    : true;
    if (fits) candidates.push_back(i);
  }
  if (candidates.empty() && kind != InvalidKind::kMalformedJson) {
    return make_error(kind == InvalidKind::kDropField
                          ? "a random payload with at least one field"
                          : "a random payload with at least one int or float field");
  }
  return std::make_shared<InvalidPayload>(kind, std::move(base), std::move(candidates));
}

std::string_view InvalidPayload::generate(Random& rng, std::string& scratch) const {
  constexpr auto npos = std::string::npos;
  const std::size_t pick = candidates_.empty() ? npos : candidates_[rng.index(candidates_.size())];
  switch (kind_) {
    case InvalidKind::kDropField:
      base_->write_object(rng, scratch, pick, npos, nullptr);
      break;
    case InvalidKind::kWrongType:
      base_->write_object(rng, scratch, npos, pick, &write_as_string);
      break;
    case InvalidKind::kOutOfRange:
      base_->write_object(rng, scratch, npos, pick, &write_out_of_range);
      break;
    case InvalidKind::kMalformedJson: {
      base_->write_object(rng, scratch, npos, npos, nullptr);
      // Any proper prefix of a JSON object is invalid (the closing brace is missing). Keep at least the
      // opening brace so the body is not empty, which some servers treat as "no body" instead.
      scratch.resize(1 + rng.index(scratch.size() - 1));
      break;
    }
  }
  return scratch;
}

}  // namespace cicada::scenario
