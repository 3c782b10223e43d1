// The web UI's form decoding (src/webui/form_decode): a POST /swarm body or a request target, from any
// client that reaches the UI, through parse_form, form_value and query_of.
#include <algorithm>
#include <map>
#include <string>

#include "fuzz_support.hpp"
#include "webui/form_decode.hpp"

namespace {

using cicada::fuzz::require;
using cicada::webui::FormFields;

// Written here rather than taken from the product, so the round trip checks the decoder against an encoder
// it does not share code with. Hex case differs between names and values: a browser may send either.
std::string percent_encode(std::string_view s, const char* hex) {
  std::string out;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || ch == '-' ||
        ch == '.' || ch == '_' || ch == '~') {
      out += ch;
    } else if (ch == ' ') {
      out += '+';  // as browsers send a space
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    }
  }
  return out;
}

std::string encode_form(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(name, "0123456789ABCDEF") + "=" + percent_encode(value, "0123456789abcdef");
  }
  return out;
}

// A field decoded from raw text: never longer, at most two bytes shorter per '%', and exactly the text
// (spaces for '+') when there is no '%' to decode.
void require_decoded_from(std::string_view raw, const std::string& decoded) {
  const auto percents = static_cast<std::size_t>(std::count(raw.begin(), raw.end(), '%'));
  require(decoded.size() <= raw.size() && decoded.size() + 2 * percents >= raw.size(),
          "a decoded field is as long as its text less its %-escapes");
  if (percents == 0) {
    std::string plain(raw);
    std::replace(plain.begin(), plain.end(), '+', ' ');
    require(decoded == plain, "text without %-escapes decodes to itself, '+' to a space");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cicada::webui;
  const std::string_view text = cicada::fuzz::as_text(data, size);
  const FormFields fields = parse_form(text);

  // One field per non-empty piece between '&', in order, each decoding the same alone.
  std::size_t k = 0;
  for (std::string_view rest = text; !rest.empty();) {
    const auto amp = rest.find('&');
    const std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (piece.empty()) continue;
    require(k < fields.size(), "every non-empty piece is a field");
    const auto eq = piece.find('=');
    require_decoded_from(piece.substr(0, eq), fields[k].first);
    require_decoded_from(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1),
                         fields[k].second);
    require(parse_form(piece) == FormFields{fields[k]}, "a field decodes the same alone");
    ++k;
  }
  require(k == fields.size(), "no field without its piece");

  require(parse_form(encode_form(fields)) == fields, "re-encoded fields decode to themselves");

  std::map<std::string, std::string> first_values;  // emplace keeps the first
  std::size_t longest = 0;
  for (const auto& [name, value] : fields) {
    first_values.emplace(name, value);
    longest = std::max(longest, name.size());
    require(form_value(fields, name) == first_values.at(name), "form_value is the first value of a name");
  }
  require(!form_value(fields, std::string(longest + 1, 'n')), "a name not sent has no value");

  const std::string_view query = query_of(text);
  const auto mark = text.find('?');
  if (mark == std::string_view::npos) {
    require(query.empty(), "no '?', no query");
  } else {
    require(query.data() == text.data() + mark + 1 && query.size() == text.size() - mark - 1,
            "the query is a view of what follows the first '?'");
  }
  return 0;
}
