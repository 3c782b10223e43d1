// Hostile bodies against the model API (issue 13, defects 1, 5 and 6): error bodies stay bounded however
// many problems a request has and however long its names are, echoed client bytes stay valid UTF-8 JSON,
// and the last JSON corner cases name their field or are refused.
#include <string>

#include "model_api_fixture.hpp"
#include "serving/api_errors.hpp"

namespace cicada::serving::test {
namespace {

// Well-formed UTF-8 (RFC 3629): what a JSON body must be.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (n == 2 && b < 0xC2) return false;  // overlong
    i += n;
  }
  return true;
}

// The number after "more_fields": in an error body, or -1 when absent.
long more_fields(const std::string& body) {
  auto at = body.find("\"more_fields\":");
  return at == std::string::npos ? -1 : std::stol(body.substr(at + 14));
}

TEST_F(ModelApiTest, LongKeyTimesManyNonJsonTokensGivesABoundedError) {
  // Once: {"<100 KB key>": [NaN x 5000]} answered 500 MB. Scaled to the fixture's 64 KB body limit.
  std::string key(30000, 'k');
  std::string body = "{\"" + key + "\": [NaN";
  for (int i = 1; i < 5000; ++i) body += ",NaN";
  body += "]}";
  auto r = post("/predict", body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_LT(r->body.size(), 32u * 1024) << "error body must not grow with key length x token count";
  // One key, listed once with its problem; the 4,999 other NaNs under it are counted.
  EXPECT_EQ(more_fields(r->body), 4999) << r->body.substr(0, 400);
  EXPECT_NE(r->body.find("\"kkkk"), std::string::npos) << "the key is still named, clipped";
  EXPECT_EQ(r->body.find(std::string(ApiError::kMaxNameBytes + 1, 'k')), std::string::npos);
}

// "fields" is a JSON object: a field named by two problems gets one key holding both (two keys of one
// name: a parser keeps the last only, and the first problem was lost).
TEST_F(ModelApiTest, AFieldWithTwoProblemsIsOneKeyNamingBoth) {
  auto r = post("/predict", R"([{"age":NaN},{"age":1e999}])");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(
      r->body.find(R"("age":"must be a finite number (NaN is not JSON); number too large for a double")"),
      std::string::npos)
      << r->body;
  EXPECT_EQ(r->body.find(R"("age")"), r->body.rfind(R"("age")")) << r->body;
}

TEST_F(ModelApiTest, ABatchOfEmptyObjectsGivesABoundedError) {
  // Once: [{},{},...] x 340,000 produced 4.4 M "missing" entries (116 MB). Here 5,000 items.
  std::string body = "[{}";
  for (int i = 1; i < 5000; ++i) body += ",{}";
  body += "]";
  auto r = post("/predict", body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_LT(r->body.size(), 16u * 1024);
  const long problems = 5000L * static_cast<long>(trained_model().schema().fields.size());
  EXPECT_EQ(more_fields(r->body), problems - static_cast<long>(ApiError::kMaxFields));
  EXPECT_NE(r->body.find("\"[0].age\":\"missing\""), std::string::npos) << r->body.substr(0, 400);
  // The server is still answering normally afterwards.
  auto ok = post("/predict", kPayload);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ModelApiTest, ManyBadV2ValuesGiveABoundedError) {
  std::string data = "[null";
  for (int i = 1; i < 600; ++i) data += ",null";
  data += "]";
  std::string body = R"({"inputs": [)";
  for (const auto& f : trained_model().schema().fields) {
    body += R"({"name": ")" + f.name + R"(", "shape": [600], "datatype": "FP64", "data": )" + data + "},";
  }
  body.back() = ']';
  body += "}";
  auto r = post("/v2/models/heart-disease/infer", body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_LT(r->body.size(), 16u * 1024);
  EXPECT_GT(more_fields(r->body), 0);
}

TEST_F(ModelApiTest, EchoedBytesThatAreNotUtf8StayValidJson) {
  auto not_found =
      get("/no\xff\xfe"
          "where");
  ASSERT_TRUE(not_found);
  EXPECT_EQ(not_found->status, 404);
  EXPECT_TRUE(valid_utf8(not_found->body)) << not_found->body;
  EXPECT_NE(not_found->body.find("\\ufffd"), std::string::npos) << not_found->body;

  auto media = post("/predict", kPayload, "text/\xc3(plain");
  ASSERT_TRUE(media);
  EXPECT_EQ(media->status, 415);
  EXPECT_TRUE(valid_utf8(media->body)) << media->body;

  auto field = post("/predict", "{\"a\xe2\x82\": NaN, \"\xc3\xa9t\xc3\xa9\": Infinity}");
  ASSERT_TRUE(field);
  EXPECT_EQ(field->status, 400);
  EXPECT_TRUE(valid_utf8(field->body)) << field->body;
  EXPECT_NE(field->body.find("\"\xc3\xa9t\xc3\xa9\":"), std::string::npos) << "valid UTF-8 is kept as is";
}

TEST_F(ModelApiTest, AnIntegerBeyond64BitsNamesItsField) {
  auto r = post("/predict", payload_with("chol", "18446744073709551616"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"chol\":\"integer beyond 64 bits\""), std::string::npos) << r->body;
  auto negative = post("/predict", payload_with("chol", "-9223372036854775809"));
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->status, 400);
  EXPECT_NE(negative->body.find("\"chol\":"), std::string::npos) << negative->body;
}

TEST_F(ModelApiTest, V2DuplicatedTopLevelKeysAre400) {
  auto ids = post("/v2/models/heart-disease/infer", R"({"id": "a", "id": "b", "inputs": []})");
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->status, 400);
  EXPECT_NE(ids->body.find("\"id\":\"duplicate key\""), std::string::npos) << ids->body;
  auto inputs = post("/v2/models/heart-disease/infer", R"({"inputs": [], "inputs": []})");
  ASSERT_TRUE(inputs);
  EXPECT_EQ(inputs->status, 400);
  EXPECT_NE(inputs->body.find("\"inputs\":\"duplicate key\""), std::string::npos) << inputs->body;
}

TEST_F(ModelApiTest, HeadOnHealthAnswersLikeGetWithoutTheBody) {
  cicada::test::RawConnection c(port_);
  ASSERT_TRUE(c.send(cicada::test::make_request("HEAD", "/health")));
  ASSERT_TRUE(c.send(cicada::test::make_request("GET", "/health")));
  auto head = c.read_response();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "2");
  EXPECT_EQ(head->body, "HT") << "no body: the next bytes are the GET's answer";
}

TEST_F(ModelApiTest, EveryGetRouteAnswersHeadAndItsAllowSaysSo) {
  // RFC 9110 §9.1: GET routes must answer HEAD, and a 405's Allow lists what the route answers.
  for (std::string route : {"/health", "/metrics", "/v2/health/live", "/v2/health/ready",
                            "/v2/models/heart-disease", "/v2/models/heart-disease/ready"}) {
    SCOPED_TRACE(route);
    cicada::test::RawConnection c(port_);
    ASSERT_TRUE(c.send(cicada::test::make_request("HEAD", route) + cicada::test::make_request("GET", route) +
                       cicada::test::make_request("DELETE", route)));
    auto head = c.read_head_answer();
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    auto get = c.read_response();  // garbled if the HEAD answer carried a body
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200);
    if (route != "/metrics") {  // its counters moved between the two answers
      EXPECT_EQ(head->header("content-length"), std::to_string(get->body.size()));
    }
    auto wrong = c.read_response();
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 405);
    EXPECT_EQ(wrong->header("allow"), "GET, HEAD");
  }
  // Where GET is not allowed, neither is HEAD: 405 naming the route's methods, and no body.
  cicada::test::RawConnection c(port_);
  ASSERT_TRUE(
      c.send(cicada::test::make_request("HEAD", "/predict") + cicada::test::make_request("GET", "/health")));
  auto head = c.read_head_answer();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  EXPECT_EQ(head->header("allow"), "POST");
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "OK");
}

}  // namespace
}  // namespace cicada::serving::test
