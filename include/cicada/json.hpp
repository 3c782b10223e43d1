#pragma once
// cicada::Json: a read-only view of a parsed JSON document (what `response.json()` returns).
//
// Kept small on purpose: a scenario file includes it, so it must compile in milliseconds. The parser
// lives in the cicada engine (the scenario shared object resolves these functions against the cicada
// executable, or against the cicada::cicada library when used as a library). Mistakes throw JsonError:
// inside a task that becomes a scenario exception in the stats, as in Locust.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cicada {

class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Json {
 public:
  // Parses text; throws JsonError (with the parser's position) when it is not JSON.
  static Json parse(std::string_view text);

  bool is_null() const;
  bool is_bool() const;
  bool is_number() const;  // integer or floating point
  bool is_string() const;
  bool is_array() const;
  bool is_object() const;

  // Object member / array element; throws JsonError if absent or if this is not an object / array.
  Json operator[](std::string_view key) const;
  Json operator[](std::size_t index) const;
  Json operator[](int index) const { return (*this)[static_cast<std::size_t>(index)]; }
  bool contains(std::string_view key) const;
  // Elements of an array or members of an object; 0 for anything else.
  std::size_t size() const;

  // The value as a C++ type; throws JsonError when the type does not match (a number is not a string).
  bool as_bool() const;
  std::int64_t as_int() const;  // also accepts a floating point value with no fraction
  double as_double() const;     // any number
  std::string as_string() const;
  // The value written back as compact JSON.
  std::string dump() const;

 private:
  Json(std::shared_ptr<const void> document, const void* node)
      : document_(std::move(document)), node_(node) {}
  friend struct JsonAccess;
  std::shared_ptr<const void> document_;  // keeps the whole parsed tree alive for every sub-view
  const void* node_ = nullptr;            // the value this view points at, inside document_
};

}  // namespace cicada
