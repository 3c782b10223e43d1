// The per-user cookie jar: Set-Cookie in, Cookie out, Max-Age=0 deletes.
#include "http/client/cookie_jar.hpp"

#include <gtest/gtest.h>

namespace cicada::http {
namespace {

std::string cookie_header(const CookieJar& jar) {
  std::string out;
  jar.append_cookie_header_value(out);
  return out;
}

TEST(CookieJar, StoresAndSendsBackNameValuePairs) {
  CookieJar jar;
  EXPECT_TRUE(jar.empty());
  jar.set_from_header("sid=abc; Path=/; HttpOnly");
  jar.set_from_header("theme=\"dark\"");
  EXPECT_EQ(cookie_header(jar), "sid=abc; theme=dark");
  ASSERT_NE(jar.find("sid"), nullptr);
  EXPECT_EQ(*jar.find("sid"), "abc");
  EXPECT_EQ(jar.find("missing"), nullptr);
}

TEST(CookieJar, ASecondSetReplacesTheValue) {
  CookieJar jar;
  jar.set_from_header("sid=1");
  jar.set_from_header("sid=2; Secure");
  EXPECT_EQ(cookie_header(jar), "sid=2");
}

TEST(CookieJar, MaxAgeZeroOrNegativeDeletes) {
  CookieJar jar;
  jar.set_from_header("a=1");
  jar.set_from_header("b=2");
  jar.set_from_header("a=; max-age=0");
  EXPECT_EQ(cookie_header(jar), "b=2");
  jar.set_from_header("b=x; Path=/; Max-Age=-1");
  EXPECT_TRUE(jar.empty());
  jar.set_from_header("c=3; Max-Age=0");  // deleting one it never had adds nothing
  EXPECT_TRUE(jar.empty());
  jar.set_from_header("d=4; Max-Age=60");
  EXPECT_EQ(cookie_header(jar), "d=4");
}

TEST(CookieJar, IgnoresHeadersWithoutANameValuePair) {
  CookieJar jar;
  jar.set_from_header("garbage");
  jar.set_from_header("=novalue");
  EXPECT_TRUE(jar.empty());
  jar.set_from_header("a=1");
  jar.clear();
  EXPECT_TRUE(jar.empty());
}

}  // namespace
}  // namespace cicada::http
