// The engine side of cicada::JsonPayload (include/cicada/payload.hpp): the YAML loader's RandomPayload
// and InvalidPayload generators behind a public, Boost-free face.
#include <array>
#include <stdexcept>

#include "cicada/payload.hpp"
#include "scenario/cpp_api_link.hpp"
#include "scenario/payload_invalid.hpp"
#include "scenario/payload_random.hpp"

namespace cicada {
namespace detail {

// Immutable once built: shared by every user of every thread without a lock.
class JsonPayloadImpl {
 public:
  explicit JsonPayloadImpl(std::vector<scenario::FieldSpec> fields)
      : valid_(std::make_shared<const scenario::RandomPayload>(std::move(fields))) {
    constexpr std::array kinds = {scenario::InvalidKind::kDropField, scenario::InvalidKind::kWrongType,
                                  scenario::InvalidKind::kOutOfRange, scenario::InvalidKind::kMalformedJson};
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      auto made = scenario::InvalidPayload::make(kinds[i], valid_);
      if (made)
        invalid_[i] = std::move(*made);
      else
        reasons_[i] = made.error().message;
    }
  }

  const std::vector<scenario::FieldSpec>& fields() const { return valid_->fields(); }
  std::string_view valid(Random& rng, std::string& scratch) const { return valid_->generate(rng, scratch); }
  std::string_view invalid(Invalid kind, Random& rng, std::string& scratch) const {
    const auto i = static_cast<std::size_t>(kind);
    if (i >= invalid_.size()) throw std::logic_error("unknown cicada::Invalid kind");
    if (!invalid_[i])
      throw std::logic_error("JsonPayload cannot make this invalid variant: it needs " + reasons_[i]);
    return invalid_[i]->generate(rng, scratch);
  }

 private:
  std::shared_ptr<const scenario::RandomPayload> valid_;
  std::array<std::shared_ptr<const scenario::InvalidPayload>, 4> invalid_;
  std::array<std::string, 4> reasons_;
};

void link_payload_api() {}

}  // namespace detail

namespace {

// Builder calls happen at setup: a new immutable impl per call keeps every published impl read-only.
std::shared_ptr<const detail::JsonPayloadImpl> with_field(
    const std::shared_ptr<const detail::JsonPayloadImpl>& impl, scenario::FieldSpec field) {
  auto fields = impl->fields();
  fields.push_back(std::move(field));
  return std::make_shared<const detail::JsonPayloadImpl>(std::move(fields));
}

scenario::FieldSpec named(std::string_view name, scenario::FieldSpec::Kind kind) {
  scenario::FieldSpec f;
  f.name = std::string(name);
  f.kind = kind;
  return f;
}

}  // namespace

JsonPayload::JsonPayload()
    : impl_(std::make_shared<const detail::JsonPayloadImpl>(std::vector<scenario::FieldSpec>{})) {}

JsonPayload& JsonPayload::integer(std::string_view name, std::int64_t lo, std::int64_t hi) {
  auto f = named(name, scenario::FieldSpec::Kind::kInt);
  f.int_lo = lo;
  f.int_hi = hi;
  impl_ = with_field(impl_, std::move(f));
  return *this;
}

JsonPayload& JsonPayload::real(std::string_view name, double lo, double hi) {
  auto f = named(name, scenario::FieldSpec::Kind::kFloat);
  f.float_lo = lo;
  f.float_hi = hi;
  impl_ = with_field(impl_, std::move(f));
  return *this;
}

JsonPayload& JsonPayload::choice(std::string_view name, std::vector<std::string> json_values) {
  if (json_values.empty())
    throw std::invalid_argument("JsonPayload::choice: no values for field " + std::string(name));
  auto f = named(name, scenario::FieldSpec::Kind::kChoice);
  f.choices_json = std::move(json_values);
  impl_ = with_field(impl_, std::move(f));
  return *this;
}

JsonPayload& JsonPayload::constant(std::string_view name, std::string json_value) {
  auto f = named(name, scenario::FieldSpec::Kind::kConstant);
  f.constant_json = std::move(json_value);
  impl_ = with_field(impl_, std::move(f));
  return *this;
}

std::string_view JsonPayload::valid(Random& rng, std::string& scratch) const {
  return impl_->valid(rng, scratch);
}

std::string_view JsonPayload::invalid(Invalid kind, Random& rng, std::string& scratch) const {
  return impl_->invalid(kind, rng, scratch);
}

}  // namespace cicada
