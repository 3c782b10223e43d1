// The per-user cookie jar: Set-Cookie in, Cookie out, Max-Age=0 deletes.
#include "http/client/cookie_jar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

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

TEST(CookieJar, SetAndEraseByNameAsALocustfileDoesRefusingWhatACookieHeaderCannotCarry) {
  CookieJar jar;
  jar.set("sid", "1");
  jar.set("lang", "fr");
  jar.set("sid", "2");  // replaces, keeps its place
  EXPECT_EQ(cookie_header(jar), "sid=2; lang=fr");
  std::string seen;
  jar.for_each([&](const std::string& n, const std::string& v) { seen += n + "=" + v + ","; });
  EXPECT_EQ(seen, "sid=2,lang=fr,");
  for (const auto& [name, value] : {std::pair<std::string, std::string>{"", "x"},
                                    {"a;b", "x"},
                                    {"a=b", "x"},
                                    {"a b", "x"},
                                    {"ok", "x;y"},
                                    {"ok", "x\r\nInjected: 1"}}) {
    jar.set(name, value);
  }
  EXPECT_EQ(cookie_header(jar), "sid=2; lang=fr");
  jar.erase("sid");
  jar.erase("never");
  EXPECT_EQ(cookie_header(jar), "lang=fr");
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

TEST(CookieJar, ADeleteKeepsTheOrderOfTheOthers) {
  CookieJar jar;
  for (const char* c : {"a=1", "b=2", "c=3", "d=4"}) jar.set_from_header(c);
  jar.set_from_header("b=; Max-Age=0");
  EXPECT_EQ(cookie_header(jar), "a=1; c=3; d=4");
}

// A hostile target cannot grow a user's jar without end: past the cap the oldest cookie goes.
TEST(CookieJar, KeepsAtMostTheCapAndDropsTheOldestFirst) {
  CookieJar jar;
  const std::size_t n = CookieJar::kMaxCookies + 20;
  for (std::size_t i = 0; i < n; ++i) jar.set_from_header("c" + std::to_string(i) + "=v");
  std::string header = cookie_header(jar);
  EXPECT_EQ(std::count(header.begin(), header.end(), '='), static_cast<long>(CookieJar::kMaxCookies));
  EXPECT_EQ(jar.find("c0"), nullptr);
  EXPECT_EQ(jar.find("c19"), nullptr);
  ASSERT_NE(jar.find("c20"), nullptr);
  ASSERT_NE(jar.find("c" + std::to_string(n - 1)), nullptr);
  EXPECT_EQ(header.substr(0, 5), "c20=v");
}

TEST(CookieJar, IgnoresACookieLargerThanBrowsersKeep) {
  CookieJar jar;
  jar.set_from_header("big=" + std::string(CookieJar::kMaxCookieBytes - 2, 'x'));  // name and value: 4097
  EXPECT_TRUE(jar.empty());
  jar.set_from_header("big=" + std::string(CookieJar::kMaxCookieBytes - 3, 'x'));  // 4096
  ASSERT_NE(jar.find("big"), nullptr);
}

// A cookie that could end the Cookie header early (and so write a header the scenario never sent) is
// ignored whole; a tab is allowed.
TEST(CookieJar, IgnoresASetCookieWithAControlCharacter) {
  CookieJar jar;
  jar.set_from_header(std::string("a=1\r\nX-Evil: 1"));
  jar.set_from_header(std::string("b=2\n"));
  jar.set_from_header(std::string("c\0=3", 4));
  jar.set_from_header(std::string("d=4; Path=/\x01"));
  jar.set_from_header(std::string("e=5\x7f"));
  EXPECT_TRUE(jar.empty());
  jar.set_from_header("f=6;\tPath=/");
  EXPECT_EQ(cookie_header(jar), "f=6");
}

}  // namespace
}  // namespace cicada::http
