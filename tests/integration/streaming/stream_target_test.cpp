// The streaming test target itself (tests/support/stream_target.hpp): it must stream at the pace it is
// asked for and record when it wrote each event, or the accuracy tests built on it prove nothing.
#include "support/stream_target.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace cicada::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What a blocking client saw of one exchange: every byte, and when each "data: " line arrived.
struct Seen {
  std::string bytes;
  Clock::time_point sent;
  std::vector<Clock::time_point> event_arrived;
  bool closed = false;
};

// Whether a whole response is in bytes: chunked up to its last chunk, or Content-Length bytes of body.
bool complete_response(const std::string& bytes) {
  const auto head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  if (bytes.find("Transfer-Encoding: chunked") < head_end) return bytes.ends_with("0\r\n\r\n");
  const auto length_at = bytes.find("Content-Length: ");
  if (length_at > head_end) return false;  // read until close
  return bytes.size() - head_end - 4 >= std::stoul(bytes.substr(length_at + 16));
}

// Sends request and reads until the response is complete (or the server closed), or 5 s passed.
Seen exchange(std::uint16_t port, const std::string& request) {
  Seen seen;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return seen;
  }
  seen.sent = Clock::now();
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  char buffer[8192];
  std::size_t counted = 0;
  while (Clock::now() < deadline) {
    if (complete_response(seen.bytes)) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const long n = ::recv(fd, buffer, sizeof buffer, 0);
    const auto now = Clock::now();
    if (n <= 0) {
      seen.closed = true;
      break;
    }
    seen.bytes.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t at; (at = seen.bytes.find("data: ", counted)) != std::string::npos;) {
      seen.event_arrived.push_back(now);
      counted = at + 6;
    }
  }
  ::close(fd);
  return seen;
}

std::string chat_request(std::string_view query, std::string_view body) {
  return "POST /v1/chat/completions" + std::string(query) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

TEST(StreamTarget, StreamsTokenEventsAtThePaceAskedAndRecordsWhenEachWasWritten) {
  ScriptedServer server;
  serve_stream_target(server, StreamPace{});
  const Seen seen =
      exchange(server.port(), chat_request("?first_token_ms=40&token_gap_ms=15",
                                           R"({"model":"m","stream":true,"max_tokens":5,"messages":[]})"));
  ASSERT_EQ(seen.event_arrived.size(), 6u) << seen.bytes;  // 5 tokens and [DONE]
  EXPECT_NE(seen.bytes.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(seen.bytes.find("text/event-stream"), std::string::npos);
  EXPECT_NE(seen.bytes.find("\"content\":\"tok4 \""), std::string::npos);
  EXPECT_NE(seen.bytes.find("data: [DONE]\n\n"), std::string::npos);
  EXPECT_TRUE(seen.bytes.ends_with("0\r\n\r\n"));
  EXPECT_FALSE(seen.closed);  // chunked answers keep the connection

  const auto timings = server.stream_timings();
  ASSERT_EQ(timings.size(), 1u);
  const StreamTiming& t = timings[0];
  ASSERT_EQ(t.piece_written.size(), 5u);
  // Written never before its time (absolute offsets from the request), and the client saw each event
  // after it was written.
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_GE(ms_between(t.request_read, t.piece_written[i]), 40.0 + 15.0 * static_cast<double>(i));
    EXPECT_GE(seen.event_arrived[i], t.piece_written[i]);
  }
  EXPECT_GE(t.request_read, seen.sent);
}

TEST(StreamTarget, CloseFramingEndsTheBodyWithTheConnection) {
  ScriptedServer server;
  serve_stream_target(server,
                      StreamPace{std::chrono::milliseconds(5), std::chrono::milliseconds(2), 3, false});
  const Seen seen = exchange(server.port(), chat_request("", R"({"stream":true})"));
  EXPECT_EQ(seen.event_arrived.size(), 4u) << seen.bytes;
  EXPECT_EQ(seen.bytes.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(seen.bytes.find("Connection: close"), std::string::npos);
  const Seen rest = exchange(server.port(), chat_request("?framing=chunked&tokens=2", R"({"stream":true})"));
  EXPECT_EQ(rest.event_arrived.size(), 3u) << rest.bytes;
  EXPECT_NE(rest.bytes.find("Transfer-Encoding: chunked"), std::string::npos);
}

TEST(StreamTarget, WithoutStreamItAnswersOneCompletionAfterTheWholeAnswersTime) {
  ScriptedServer server;
  serve_stream_target(server,
                      StreamPace{std::chrono::milliseconds(30), std::chrono::milliseconds(10), 4, true});
  const Seen seen = exchange(server.port(), chat_request("", R"({"model":"m","stream":false})"));
  const auto body_at = seen.bytes.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos) << seen.bytes;
  auto answer = nlohmann::json::parse(seen.bytes.substr(body_at + 4), nullptr, false);
  ASSERT_TRUE(answer.is_object()) << seen.bytes;
  EXPECT_EQ(answer["choices"][0]["message"]["content"], "tok0 tok1 tok2 tok3 ");
  EXPECT_EQ(answer["usage"]["completion_tokens"], 4);
  EXPECT_TRUE(server.stream_timings().empty());
}

TEST(StreamTarget, UnknownPathsAndMethodsAreRefused) {
  ScriptedServer server;
  serve_stream_target(server, StreamPace{});
  Seen seen = exchange(server.port(), "GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(seen.bytes.starts_with("HTTP/1.1 405")) << seen.bytes;
  seen = exchange(server.port(), "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(seen.bytes.starts_with("HTTP/1.1 404")) << seen.bytes;
}

}  // namespace
}  // namespace cicada::testing
