#include "scenario/payload_fixed.hpp"

#include <simdjson.h>

#include <fstream>
#include <sstream>

namespace cicada::scenario {

Result<std::shared_ptr<FixedPayload>> load_fixed_payload(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(file.string() + ": cannot read the payload file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string body = buffer.str();
  // Sent as application/json, so a file that does not parse is a mistake, not a deliberate bad request
  // (use the malformed_json generator for that).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto error = parser.parse(body).get(doc);
  if (error) {
    return make_error(file.string() + ": expected a JSON document, got invalid JSON (" +
                      simdjson::error_message(error) + ")");
  }
  return std::make_shared<FixedPayload>(std::move(body));
}

}  // namespace cicada::scenario
