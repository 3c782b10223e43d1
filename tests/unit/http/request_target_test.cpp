// Request targets as Locust's HttpSession sends and names them (python-requests over urllib3).
#include "http/client/request_target.hpp"

#include <gtest/gtest.h>

namespace cicada::http {
namespace {

std::string requoted(std::string_view target) {
  TargetBuffers buffers;
  return std::string(requote_target(target, buffers));
}

// Each expected value is the `path_url` python-requests 2.34 (urllib3 2.7) prepares for "http://h" + the
// input: what Locust's HttpSession sends, and the name it records the request under.
TEST(RequestTarget, IsWhatPythonRequestsSends) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"/a b?q=x y", "/a%20b?q=x%20y"},
      {"/\xc3\xbc", "/%C3%BC"},
      {"/a%20b", "/a%20b"},
      {"/%41%2f%2F", "/A%2F%2F"},
      {"/a%zz%20", "/a%25zz%2520"},
      {"/a%2", "/a%252"},
      {"/%%41", "/%25%2541"},
      {"/x\"<>\\^`{|}", "/x%22%3C%3E%5C%5E%60%7B%7C%7D"},
      {"/p?a=1&b=[2]", "/p?a=1&b=%5B2%5D"},
      {"/~user/!$&()*+,;=:@", "/~user/!$&()*+,;=:@"},
      {"/a%-1", "/a%25-1"},
      {"/a\tb\r\n", "/a%09b%0D%0A"},
      {"/caf\xc3\xa9/%7euser/100%", "/caf%C3%A9/%257Euser/100%25"},
      {"/a/../b", "/b"},
      {"/a/./b/.", "/a/b/"},
      {"/..", "/"},
      {"", "/"},
      {"?a", "/?a"},
      {"/x?y#z", "/x?y"},
      {"/a b#x", "/a%20b"},
      {"/.well-known/x", "/.well-known/x"},
      {"/a/..", "/"},
      {"/q?x=%zz&y=%41", "/q?x=%25zz&y=%2541"},
      {"/p%41?x=%7e", "/pA?x=~"},
      {"/[a]", "/%5Ba%5D"},
      {"/x?%", "/x?%25"},
      {"/x?a=b?c/d", "/x?a=b?c/d"},
      {"/%7E", "/~"},
      {"/a//b/../c", "/a//c"},
      {"/x?", "/x"},
      {"/./", "/"},
      {"//", "//"},
      {"/a/b/..", "/a/"},
      {"/a/.b/..c/...", "/a/.b/..c/..."},
      {"/%7e%", "/%257E%25"},
      {"/%4%41", "/%254%2541"},
      {"/a%2F..%2Fb", "/a%2F..%2Fb"},
      {"/a/%2e%2e/b", "/a/../b"},
      {"/a?b=%20 c&d=\xc3\xa9", "/a?b=%20%20c&d=%C3%A9"},
      {"/..%2F", "/..%2F"},
      {"/../a", "/a"},
      {"/a/b/../../..", "/"},
      {"/a?x=1#f?g", "/a?x=1"},
      {std::string_view("/n\0ul", 5), "/n%00ul"},
  };
  for (const auto& [in, expected] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(requoted(in), expected);
  }
}

TEST(RequestTarget, APlainTargetIsReturnedAsItIs) {
  TargetBuffers buffers;
  buffers.quoted = "untouched";
  for (std::string_view plain :
       {"/predict", "/v2/models/heart/infer?x=1&y=a+b", "/.well-known/x", "/a/..b"}) {
    SCOPED_TRACE(plain);
    const std::string_view out = requote_target(plain, buffers);
    EXPECT_EQ(out.data(), plain.data());  // no copy
    EXPECT_EQ(out, plain);
  }
  EXPECT_EQ(buffers.quoted, "untouched");
  const std::string_view with_fragment = "/x?y=1#frag ment";
  EXPECT_EQ(requote_target(with_fragment, buffers).data(), with_fragment.data());
  EXPECT_EQ(requote_target(with_fragment, buffers), "/x?y=1");
}

TEST(RequestTarget, RequotingTwiceChangesNothingWithoutAPercentSign) {
  for (std::string_view t : {"/a b", "/a/../b c", "/\xff?[x]", "//./x", "?q", "/x?"}) {
    SCOPED_TRACE(t);
    const std::string once = requoted(t);
    EXPECT_EQ(requoted(once), once);
  }
}

}  // namespace
}  // namespace cicada::http
