// The server's request parsing: Beast's request parser fed the bytes in pieces (as socket reads split
// them), then the head checks http_server.cpp makes before routing (request_checks.hpp).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>

#include "fuzz_support.hpp"
#include "http/server/beast_request_head.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bhttp = boost::beast::http;
  using cicada::fuzz::require;
  std::string_view in = cicada::fuzz::as_text(data, size);
  // The first byte picks the size of the pieces the rest arrives in.
  std::size_t piece = in.empty() ? 1 : 1 + static_cast<unsigned char>(in.front()) % 64;
  if (!in.empty()) in.remove_prefix(1);

  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024);  // the server's limits, smaller
  parser.header_limit(8192);
  boost::beast::error_code ec;
  std::string buffer;
  while (!parser.is_done()) {
    if (in.empty()) break;
    std::size_t n = std::min(piece, in.size());
    buffer.append(in.substr(0, n));
    in.remove_prefix(n);
    std::size_t used = parser.put(boost::asio::buffer(buffer), ec);
    buffer.erase(0, used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      continue;
    }
    if (ec) return 0;  // malformed: the server answers 400 and closes
  }
  if (!parser.is_header_done()) return 0;
  std::string storage;
  cicada::http::RequestHead head = cicada::http::request_head_of(parser.get(), storage);
  cicada::http::HeadVerdict verdict = cicada::http::check_request_head(head);
  if (verdict.status != 0) {
    require(verdict.status == 400 || verdict.status == 501, "refused with 400 or 501");
    require(!verdict.message.empty(), "a refusal says why");
    return 0;
  }
  require(!verdict.path.empty(), "an accepted target has a path");
  require(verdict.path.front() == '/' || verdict.path == "*", "the path is origin-form");
  require(verdict.target.substr(0, verdict.path.size()) == verdict.path, "the path starts the target");
  require(!head.has_transfer_encoding || head.content_length_count == 0, "never both TE and CL");
  require(head.version < 11 || head.host_count == 1, "HTTP/1.1 has one Host");
  return 0;
}
