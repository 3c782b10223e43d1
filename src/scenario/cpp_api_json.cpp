// The engine side of cicada::Json (include/cicada/json.hpp): nlohmann::json underneath. It is called
// only when scenario code asks for response.json(), never on the engine's own hot path, so the
// convenient parser wins over the fastest one here.
#include <nlohmann/json.hpp>

#include "cicada/json.hpp"
#include "scenario/cpp_api_link.hpp"

namespace cicada {

struct JsonAccess {
  static const nlohmann::json& node(const Json& j) { return *static_cast<const nlohmann::json*>(j.node_); }
  static Json view(const Json& parent, const nlohmann::json& child) { return Json(parent.document_, &child); }
  static Json root(std::shared_ptr<const nlohmann::json> doc) {
    const void* node = doc.get();
    return Json(std::move(doc), node);
  }
};

namespace {

const char* type_name(const nlohmann::json& j) { return j.type_name(); }

[[noreturn]] void mismatch(const nlohmann::json& j, const char* wanted) {
  throw JsonError(std::string("JSON value is ") + type_name(j) + ", not " + wanted + ": " +
                  j.dump().substr(0, 80));
}

}  // namespace

Json Json::parse(std::string_view text) {
  try {
    return JsonAccess::root(std::make_shared<const nlohmann::json>(nlohmann::json::parse(text)));
  } catch (const nlohmann::json::parse_error& e) {
    throw JsonError(std::string("response is not JSON: ") + e.what());
  }
}

bool Json::is_null() const { return JsonAccess::node(*this).is_null(); }
bool Json::is_bool() const { return JsonAccess::node(*this).is_boolean(); }
bool Json::is_number() const { return JsonAccess::node(*this).is_number(); }
bool Json::is_string() const { return JsonAccess::node(*this).is_string(); }
bool Json::is_array() const { return JsonAccess::node(*this).is_array(); }
bool Json::is_object() const { return JsonAccess::node(*this).is_object(); }

Json Json::operator[](std::string_view key) const {
  const auto& j = JsonAccess::node(*this);
  if (!j.is_object()) mismatch(j, "an object");
  auto it = j.find(key);
  if (it == j.end()) throw JsonError("JSON object has no member \"" + std::string(key) + "\"");
  return JsonAccess::view(*this, *it);
}

Json Json::operator[](std::size_t index) const {
  const auto& j = JsonAccess::node(*this);
  if (!j.is_array()) mismatch(j, "an array");
  if (index >= j.size()) {
    throw JsonError("JSON array index " + std::to_string(index) + " out of range (size " +
                    std::to_string(j.size()) + ")");
  }
  return JsonAccess::view(*this, j[index]);
}

bool Json::contains(std::string_view key) const {
  const auto& j = JsonAccess::node(*this);
  return j.is_object() && j.find(key) != j.end();
}

std::size_t Json::size() const {
  const auto& j = JsonAccess::node(*this);
  return j.is_array() || j.is_object() ? j.size() : 0;
}

bool Json::as_bool() const {
  const auto& j = JsonAccess::node(*this);
  if (!j.is_boolean()) mismatch(j, "a boolean");
  return j.get<bool>();
}

std::int64_t Json::as_int() const {
  const auto& j = JsonAccess::node(*this);
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number_float()) {
    const double d = j.get<double>();
    const auto i = static_cast<std::int64_t>(d);
    if (static_cast<double>(i) == d) return i;
  }
  mismatch(j, "an integer");
}

double Json::as_double() const {
  const auto& j = JsonAccess::node(*this);
  if (!j.is_number()) mismatch(j, "a number");
  return j.get<double>();
}

std::string Json::as_string() const {
  const auto& j = JsonAccess::node(*this);
  if (!j.is_string()) mismatch(j, "a string");
  return j.get<std::string>();
}

std::string Json::dump() const { return JsonAccess::node(*this).dump(); }

namespace detail {
void link_json_api() {}
}  // namespace detail

}  // namespace cicada
