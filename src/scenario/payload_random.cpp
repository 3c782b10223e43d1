#include "scenario/payload_random.hpp"

#include "scenario/json_text.hpp"

namespace cicada::scenario {

RandomPayload::RandomPayload(std::vector<FieldSpec> fields) : fields_(std::move(fields)) {
  key_prefixes_.reserve(fields_.size());
  for (const auto& f : fields_) {
    std::string prefix;
    append_json_string(prefix, f.name);
    prefix.push_back(':');
    key_prefixes_.push_back(std::move(prefix));
  }
}

void RandomPayload::write_value(const FieldSpec& field, Random& rng, std::string& out) {
  switch (field.kind) {
    case FieldSpec::Kind::kInt:
      append_json_int(out, rng.integer(field.int_lo, field.int_hi));
      break;
    case FieldSpec::Kind::kFloat:
      append_json_double(out, rng.uniform(field.float_lo, field.float_hi));
      break;
    case FieldSpec::Kind::kChoice:
      out.append(field.choices_json[rng.index(field.choices_json.size())]);
      break;
    case FieldSpec::Kind::kConstant:
      out.append(field.constant_json);
      break;
  }
}

void RandomPayload::write_object(Random& rng, std::string& out, std::size_t skip, std::size_t replaced,
                                 void (*write_replacement)(const FieldSpec&, Random&, std::string&)) const {
  out.clear();
  out.push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i == skip) continue;
    if (!first) out.push_back(',');
    first = false;
    out.append(key_prefixes_[i]);
    if (i == replaced && write_replacement) {
      write_replacement(fields_[i], rng, out);
    } else {
      write_value(fields_[i], rng, out);
    }
  }
  out.push_back('}');
}

std::string_view RandomPayload::generate(Random& rng, std::string& scratch) const {
  write_object(rng, scratch, std::string::npos, std::string::npos, nullptr);
  return scratch;
}

}  // namespace cicada::scenario
