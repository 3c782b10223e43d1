// Failure texts carry a message as Python's repr writes it (Locust's texts are reprs): a scenario's or a
// server's control characters are escaped, so that they cannot repaint a terminal, break a CSV line or
// differ from what Locust shows for the same failure.
#include "http/client/failure_text.hpp"

#include <gtest/gtest.h>

namespace cicada::http {
namespace {

TEST(FailureText, ControlCharactersAreEscapedAsPythonsReprEscapesThem) {
  std::string out;
  // repr('ctl \x01 \x1b[31m\x7f \x85 é ok') in Python 3.11, byte for byte.
  format_catch_response_error(out, "ctl \x01 \x1b[31m\x7f \xc2\x85 \xc3\xa9 ok");
  EXPECT_EQ(out, "CatchResponseError('ctl \\x01 \\x1b[31m\\x7f \\x85 \xc3\xa9 ok')");
  format_catch_response_error(out, "tab\tnew\nline 'quoted'");
  EXPECT_EQ(out, "CatchResponseError(\"tab\\tnew\\nline 'quoted'\")");
}

}  // namespace
}  // namespace cicada::http
