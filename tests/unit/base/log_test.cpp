// The log line in Locust's format: "[YYYY-MM-DD HH:MM:SS,mmm] hostname/LEVEL/cicada: message", below the
// level set nothing.
#include "base/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>

namespace cicada::log {
namespace {

// What the calls in `fn` write to stderr (fd 2 pointed at a temporary file meanwhile).
template <class Fn>
std::string stderr_of(Fn fn) {
  std::fflush(stderr);
  std::FILE* tmp = std::tmpfile();
  const int saved = ::dup(2);
  ::dup2(::fileno(tmp), 2);
  fn();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::string out;
  std::rewind(tmp);
  for (int c; (c = std::fgetc(tmp)) != EOF;) out += static_cast<char>(c);
  std::fclose(tmp);
  return out;
}

TEST(Log, LinesHaveLocustsTimestampHostAndLevel) {
  set_level(Level::kInfo);
  const std::string out = stderr_of([] {
    info("Ramping to {} users", 3);
    debug("not shown at INFO");
    warning("careful");
  });
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  const std::string h = std::regex_replace(host, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
  const std::regex line(R"(\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\] )" + h +
                        R"(/(INFO|WARNING)/cicada: (.*)\n)");
  std::smatch m;
  std::string rest = out;
  ASSERT_TRUE(std::regex_search(rest, m, line)) << out;
  EXPECT_EQ(m.position(0), 0);
  EXPECT_EQ(m[1], "INFO");
  EXPECT_EQ(m[2], "Ramping to 3 users");
  rest = m.suffix();
  ASSERT_TRUE(std::regex_search(rest, m, line)) << out;
  EXPECT_EQ(m[1], "WARNING");
  EXPECT_EQ(m[2], "careful");
  EXPECT_TRUE(m.suffix().str().empty()) << out;
}

}  // namespace
}  // namespace cicada::log
