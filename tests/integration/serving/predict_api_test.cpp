// /health and /predict over real loopback HTTP: the answer, batches, and one test per kind of bad request
// (each must be a 4xx with {"error", "fields"} naming the offending field, never a 500).
#include <cmath>
#include <string>

#include "model_api_fixture.hpp"

namespace cicada::serving::test {
namespace {

using cicada::test::RawResponse;

// The "fields" object must name field with a message containing problem.
void expect_field_error(const std::optional<RawResponse>& r, int status, std::string_view field,
                        std::string_view problem) {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_NE(r->body.find("\"error\":"), std::string::npos) << r->body;
  std::string key = "\"" + std::string(field) + "\":\"";
  auto at = r->body.find(key);
  ASSERT_NE(at, std::string::npos) << "field " << field << " not named in " << r->body;
  EXPECT_NE(r->body.find(problem, at), std::string::npos) << r->body;
}

TEST_F(ModelApiTest, HealthIsOk) {
  auto r = get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "OK");
}

TEST_F(ModelApiTest, PredictAnswersDiagnosisAndTheModelsProbability) {
  auto r = post("/predict", kPayload);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->header("content-type"), "application/json");
  const Model& m = trained_model();
  std::vector<double> row(m.schema().fields.size());
  for (auto [name, value] : std::initializer_list<std::pair<const char*, double>>{{"sex", 0},
                                                                                  {"cp", 1},
                                                                                  {"restecg", 0},
                                                                                  {"ca", 1},
                                                                                  {"slope", 1},
                                                                                  {"thal", 2},
                                                                                  {"age", 57},
                                                                                  {"trestbps", 130},
                                                                                  {"chol", 236},
                                                                                  {"fbs", 0},
                                                                                  {"thalach", 174},
                                                                                  {"exang", 0},
                                                                                  {"oldpeak", 0}}) {
    row[static_cast<std::size_t>(m.schema().index_of(name))] = value;
  }
  double p = m.predict_proba(row);
  std::string expected_label = p >= 0.5 ? "heart-disease" : "clear";
  EXPECT_NE(r->body.find("\"diagnosis\":\"" + expected_label + "\""), std::string::npos) << r->body;
  auto at = r->body.find("\"probability\":");
  ASSERT_NE(at, std::string::npos);
  EXPECT_DOUBLE_EQ(std::stod(r->body.substr(at + 14)), p);
}

TEST_F(ModelApiTest, BatchAnswersAnArrayInOrder) {
  std::string batch =
      "[" + std::string(kPayload) + "," + payload_with("cp", "3") + "," + std::string(kPayload) + "]";
  auto r = post("/predict", batch);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body.front(), '[');
  EXPECT_EQ(r->body.back(), ']');
  std::size_t answers = 0;
  for (auto at = r->body.find("\"diagnosis\""); at != std::string::npos;
       at = r->body.find("\"diagnosis\"", at + 1)) {
    ++answers;
  }
  EXPECT_EQ(answers, 3u);
  auto single = post("/predict", kPayload);
  ASSERT_TRUE(single);
  EXPECT_EQ(r->body.substr(1, single->body.size()), single->body);  // first item == the single answer
}

// A category the model never saw is refused, naming the field and the categories it knows: scored, it
// would get a probability that looks like any other (all-zero one-hots) from a model that knows nothing
// of it. Before, any number was accepted for a categorical field.
TEST_F(ModelApiTest, UnknownCategoryIsRefusedNamingTheFieldAndTheCategories) {
  expect_field_error(post("/predict", payload_with("thal", "99")), 400, "thal",
                     "unknown category 99: expected one of 0, 1, 2, 3");
  expect_field_error(post("/predict", payload_with("sex", "0.5")), 400, "sex",
                     "unknown category 0.5: expected one of 0, 1");
  auto known = post("/predict", payload_with("thal", "3.0"));
  ASSERT_TRUE(known);
  EXPECT_EQ(known->status, 200) << known->body;
  expect_field_error(post("/predict", payload_with("thal", "\"2\"")), 400, "thal", "must be a number");
}

TEST_F(ModelApiTest, MalformedJsonIs400) {
  auto r = post("/predict", "{\"age\": 57,");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("malformed JSON"), std::string::npos) << r->body;
}

TEST_F(ModelApiTest, NotAnObjectIs400) {
  auto r = post("/predict", "42");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("must be a JSON object"), std::string::npos) << r->body;
  expect_field_error(post("/predict", "[" + std::string(kPayload) + ", 7]"), 400, "[1]",
                     "must be a JSON object");
}

TEST_F(ModelApiTest, MissingFieldIsNamed) {
  expect_field_error(post("/predict", payload_with("chol", "")), 400, "chol", "missing");
}

TEST_F(ModelApiTest, NullIsNamed) {
  expect_field_error(post("/predict", payload_with("age", "null")), 400, "age", "must not be null");
}

TEST_F(ModelApiTest, StringWhereANumberBelongsIsNamed) {
  expect_field_error(post("/predict", payload_with("age", "\"57\"")), 400, "age", "got a string");
}

TEST_F(ModelApiTest, NaNAndInfinityAreNamed) {
  expect_field_error(post("/predict", payload_with("age", "NaN")), 400, "age", "NaN is not JSON");
  expect_field_error(post("/predict", payload_with("chol", "Infinity")), 400, "chol", "Infinity is not JSON");
  expect_field_error(post("/predict", payload_with("oldpeak", "-Infinity")), 400, "oldpeak", "not JSON");
  expect_field_error(post("/predict", payload_with("chol", "1e999")), 400, "chol", "too large");
}

TEST_F(ModelApiTest, OutOfRangeNumericIsNamed) {
  expect_field_error(post("/predict", payload_with("age", "-5")), 400, "age", "out of range");
  expect_field_error(post("/predict", payload_with("chol", "100000")), 400, "chol", "out of range");
}

TEST_F(ModelApiTest, UnknownAndDuplicateFieldsAreNamed) {
  std::string extra(kPayload);
  extra.insert(1, "\"shoe_size\": 44, ");
  expect_field_error(post("/predict", extra), 400, "shoe_size", "unknown field");
  std::string twice(kPayload);
  twice.insert(1, "\"age\": 50, ");
  expect_field_error(post("/predict", twice), 400, "age", "duplicate");
}

TEST_F(ModelApiTest, EveryProblemOfABatchIsNamedWithItsIndex) {
  std::string batch = "[" + std::string(kPayload) + "," + payload_with("age", "null") + "," +
                      payload_with("sex", "true") + "]";
  auto r = post("/predict", batch);
  expect_field_error(r, 400, "[1].age", "null");
  expect_field_error(r, 400, "[2].sex", "boolean");
}

TEST_F(ModelApiTest, EmptyBodyIs400) {
  auto r = post("/predict", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("empty body"), std::string::npos) << r->body;
}

TEST_F(ModelApiTest, WrongOrMissingContentTypeIs415) {
  expect_field_error(post("/predict", kPayload, "text/plain"), 415, "Content-Type", "text/plain");
  expect_field_error(post("/predict", kPayload, ""), 415, "Content-Type", "missing");
  auto ok = post("/predict", kPayload, "Application/JSON; charset=utf-8");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ModelApiTest, BodyOverTheLimitIs413) {
  std::string big = "[" + std::string(kPayload);
  while (big.size() < 70 * 1024) big += "," + std::string(kPayload);
  big += "]";
  auto r = post("/predict", big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("\"error\""), std::string::npos);
}

TEST_F(ModelApiTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  auto missing = get("/predictions");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("\"error\""), std::string::npos);
  auto wrong = get("/predict");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("allow"), "POST");
}

TEST_F(ModelApiTest, GarbageNeverGetsA500) {
  const char* bodies[] = {"{",
                          "}",
                          "[[[[",
                          "{\"age\":}",
                          "\xff\xfe",
                          "null",
                          "true",
                          "\"x\"",
                          "[]x",
                          "{\"a\":1}{",
                          "{\"age\":1e309}",
                          "{\"\\u0000\":1}",
                          "[{}]",
                          "{\"age\":[1,2]}",
                          "{\"age\":{\"x\":1}}"};
  for (const char* body : bodies) {
    auto r = post("/predict", body);
    ASSERT_TRUE(r) << body;
    EXPECT_GE(r->status, 400) << body;
    EXPECT_LT(r->status, 500) << body << " -> " << r->body;
  }
}

}  // namespace
}  // namespace cicada::serving::test
