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

// Each case as Python's urljoin(current URL, Location) gives it; dot segments are left for requote_target.
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
  EXPECT_EQ(follow("c?q=1", here, "/a/b?z=/x/").target, "/a/c?q=1");  // the path's directory, not the query's
  EXPECT_EQ(follow("?x=1", here, "/a/b?z").target, "/a/b?x=1");
  EXPECT_EQ(follow("", here, "/a/b?z").target, "/a/b?z");
  EXPECT_EQ(follow("#top", here, "/a/b?z").target, "/a/b?z");
  EXPECT_EQ(follow("../x#f", here, "/a/b").target, "/a/../x");
  EXPECT_EQ(follow("c", here, "?q").target, "/c");
  EXPECT_EQ(follow("?x", here, "?q").target, "/?x");
  EXPECT_FALSE(follow("ftp://x/", here, "/").ok);
  EXPECT_FALSE(follow("mailto:a@b", here, "/").ok);
  EXPECT_EQ(follow("./a:b", here, "/d/").target, "/d/./a:b");
  EXPECT_FALSE(follow("http://a b/", here, "/").ok);
}

}  // namespace
}  // namespace cicada::http
