// The response head the server writes before each body (src/http/server/response_head.hpp).
#include "http/server/response_head.hpp"

#include <gtest/gtest.h>

namespace cicada::http {
namespace {

TEST(ResponseHead, KeepAliveWithLengthHasNoConnectionField) {
  std::string out = "kept ";
  append_response_head(out, {200, "OK", "cicada", "text/plain", nullptr, 2, true});
  EXPECT_EQ(
      out, "kept HTTP/1.1 200 OK\r\nServer: cicada\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n");
}

TEST(ResponseHead, ExtraHeadersInOrderThenCloseAndALengthOfZero) {
  const std::vector<std::pair<std::string, std::string>> extra{{"Allow", "GET, HEAD"}, {"Retry-After", "1"}};
  std::string out;
  append_response_head(out, {405, "Method Not Allowed", "s", "application/json", &extra, 0, false});
  EXPECT_EQ(out,
            "HTTP/1.1 405 Method Not Allowed\r\nServer: s\r\nContent-Type: application/json\r\n"
            "Allow: GET, HEAD\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

TEST(ResponseHead, AStreamHasNoLength) {
  std::string out;
  append_response_head(out, {200, "OK", "s", "text/event-stream", nullptr, std::nullopt, false});
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
}

TEST(ResponseHead, LargeLengthsAreWrittenInFull) {
  std::string out;
  append_response_head(out, {200, "OK", "s", "t", nullptr, 12345678901ULL, true});
  EXPECT_NE(out.find("\r\nContent-Length: 12345678901\r\n"), std::string::npos);
}

}  // namespace
}  // namespace cicada::http
