// Splitting absolute URLs into origin and request target, and the Host header value.
#include "http/client/url.hpp"

#include <gtest/gtest.h>

namespace cicada::http {
namespace {

struct Parsed {
  bool ok = false;
  Origin origin;
  std::string target;
};

Parsed parse(std::string_view url) {
  Parsed p;
  std::string_view target;
  p.ok = parse_absolute_url(url, p.origin, target);
  p.target = std::string(target);
  return p;
}

TEST(Url, SchemesDefaultPortsAndTargets) {
  auto a = parse("http://example.com");
  ASSERT_TRUE(a.ok);
  EXPECT_FALSE(a.origin.tls);
  EXPECT_EQ(a.origin.host, "example.com");
  EXPECT_EQ(a.origin.port, 80);
  EXPECT_EQ(a.target, "/");
  auto b = parse("HTTPS://example.com:8443/a/b?x=1#frag");
  ASSERT_TRUE(b.ok);
  EXPECT_TRUE(b.origin.tls);
  EXPECT_EQ(b.origin.port, 8443);
  EXPECT_EQ(b.target, "/a/b?x=1");  // the fragment never goes on the wire
  auto c = parse("https://host?q=1");
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(c.origin.port, 443);
  EXPECT_EQ(c.target, "?q=1");
}

TEST(Url, UserInfoIsDroppedAndIpv6LiteralsKeepTheirPort) {
  auto a = parse("http://user:pw@127.0.0.1:8080/x");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.origin.host, "127.0.0.1");
  EXPECT_EQ(a.origin.port, 8080);
  auto b = parse("http://[::1]:9000/y");
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.origin.host, "::1");
  EXPECT_EQ(b.origin.port, 9000);
  EXPECT_EQ(b.target, "/y");
}

TEST(Url, RejectsWhatIsNotAnHttpUrl) {
  for (const char* bad :
       {"ftp://host/", "/relative", "http://", "http://host:0/", "http://host:65536/", "http://host:8x/",
        "http://[::1/", "http://[::1]x/", "http://a b/", "http://a\tb:80/"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse(bad).ok);
  }
  EXPECT_TRUE(is_absolute_url("Http://x"));
  EXPECT_FALSE(is_absolute_url("httpx://x"));
}

TEST(Url, HostHeaderLeavesOutTheDefaultPort) {
  std::string out;
  append_host_header_value(out, Origin{false, "example.com", 80});
  EXPECT_EQ(out, "example.com");
  out.clear();
  append_host_header_value(out, Origin{true, "example.com", 80});
  EXPECT_EQ(out, "example.com:80");
  out.clear();
  append_host_header_value(out, Origin{false, "::1", 8080});
  EXPECT_EQ(out, "[::1]:8080");
}

// A host with a control character or a space would end the Host header early or break the request line.
TEST(Url, RejectsAHostThatCannotBeWritten) {
  EXPECT_FALSE(parse(std::string("http://a\r\nX-Evil: 1/")).ok);
  EXPECT_FALSE(parse(std::string("http://a\0b/", 11)).ok);
  EXPECT_FALSE(parse("http://a\x7f/").ok);
}

std::string requoted(std::string_view target) {
  std::string buffer;
  return std::string(requote_target(target, buffer));
}

// The outputs are python-requests' requote_uri (2.34) for the same inputs, what Locust's HttpSession sends.
TEST(Url, TargetsArePercentEncodedAsPythonRequestsDoes) {
  EXPECT_EQ(requoted("/a b?q=x y"), "/a%20b?q=x%20y");
  EXPECT_EQ(requoted("/\xc3\xbc"), "/%C3%BC");
  EXPECT_EQ(requoted("/a%20b"), "/a%20b");
  EXPECT_EQ(requoted("/%41%2f%2F"), "/A%2f%2F");    // unreserved decoded, others kept as written
  EXPECT_EQ(requoted("/a%zz%20"), "/a%25zz%2520");  // one bad escape: every '%' is encoded
  EXPECT_EQ(requoted("/a%2"), "/a%2");
  EXPECT_EQ(requoted("/a%-1"), "/a%-1");
  EXPECT_EQ(requoted("/%%41"), "/%A");
  EXPECT_EQ(requoted("/x\"<>\\^`{|}"), "/x%22%3C%3E%5C%5E%60%7B%7C%7D");
  EXPECT_EQ(requoted("/a\tb\r\n"), "/a%09b%0D%0A");
  EXPECT_EQ(requoted("/p?a=1&b=[2]"), "/p?a=1&b=[2]");
  EXPECT_EQ(requoted("/~user/!$&()*+,;=:@"), "/~user/!$&()*+,;=:@");
}

TEST(Url, APlainTargetIsReturnedAsItIsAndTheFragmentDropped) {
  std::string buffer = "untouched";
  const std::string_view plain = "/predict?x=1";
  const std::string_view out = requote_target(plain, buffer);
  EXPECT_EQ(out.data(), plain.data());  // no copy
  EXPECT_EQ(buffer, "untouched");
  EXPECT_EQ(requote_target("/x?y=1#frag ment", buffer), "/x?y=1");
  EXPECT_EQ(requoted("/a b#x"), "/a%20b");
}

TEST(Url, RequotingTwiceChangesNothing) {
  for (std::string_view t : {"/a b", "/a%zz", "/%41%2F", "/\xff", "/%%", "/a%2"}) {
    SCOPED_TRACE(t);
    const std::string once = requoted(t);
    EXPECT_EQ(requoted(once), once);
  }
}

struct Hop {
  bool ok = false;
  Origin origin;
  std::string target;
};

Hop follow(std::string_view location, Origin origin, std::string_view target) {
  std::string out;
  Hop h;
  h.ok = resolve_location(location, out, origin, target);
  h.origin = origin;
  h.target = std::string(target);
  return h;
}

TEST(Url, RedirectLocationsResolveAgainstTheCurrentHop) {
  const Origin here{true, "h", 8443};
  auto a = follow("http://other:81/x?y", here, "/a/b");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.origin, (Origin{false, "other", 81}));
  EXPECT_EQ(a.target, "/x?y");
  auto b = follow("//cdn/y", here, "/a/b");  // scheme-relative keeps https
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.origin, (Origin{true, "cdn", 443}));
  EXPECT_EQ(b.target, "/y");
  auto c = follow("/root", here, "/a/b");
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(c.origin, here);
  EXPECT_EQ(c.target, "/root");
  auto d = follow("c?q=1", here, "/a/b?z=/x/");  // the directory of the path, not of the query
  EXPECT_EQ(d.target, "/a/c?q=1");
  EXPECT_EQ(follow("c", here, "?q").target, "/c");
  EXPECT_FALSE(follow("ftp://x/", here, "/").ok);
  EXPECT_FALSE(follow("mailto:a@b", here, "/").ok);
  EXPECT_EQ(follow("./a:b", here, "/d/").target, "/d/./a:b");
  EXPECT_FALSE(follow("http://a b/", here, "/").ok);
}

}  // namespace
}  // namespace cicada::http
