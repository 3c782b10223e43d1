#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "scenario/payload_fixed.hpp"
#include "scenario/payload_invalid.hpp"
#include "scenario/payload_random.hpp"
#include "temp_dir.hpp"

using namespace cicada::scenario;

namespace {

// The reference payloads.py ranges, plus a float field.
std::shared_ptr<RandomPayload> heart() {
  std::vector<FieldSpec> fields;
  auto add_int = [&](const char* name, std::int64_t lo, std::int64_t hi) {
    FieldSpec f;
    f.name = name;
    f.kind = FieldSpec::Kind::kInt;
    f.int_lo = lo;
    f.int_hi = hi;
    fields.push_back(f);
  };
  add_int("sex", 0, 1);
  add_int("age", 0, 120);
  add_int("chol", 100, 600);
  FieldSpec oldpeak;
  oldpeak.name = "oldpeak";
  oldpeak.kind = FieldSpec::Kind::kFloat;
  oldpeak.float_lo = 0;
  oldpeak.float_hi = 7;
  fields.push_back(oldpeak);
  FieldSpec kind;
  kind.name = "kind";
  kind.kind = FieldSpec::Kind::kChoice;
  kind.choices_json = {"\"a\"", "\"b\"", "3"};
  fields.push_back(kind);
  FieldSpec version;
  version.name = "version";
  version.kind = FieldSpec::Kind::kConstant;
  version.constant_json = "\"v1\"";
  fields.push_back(version);
  return std::make_shared<RandomPayload>(std::move(fields));
}

// One parsed payload: field name -> element, via a parser kept by the caller.
std::map<std::string, simdjson::dom::element> parse(simdjson::dom::parser& parser, std::string_view json) {
  simdjson::dom::object object;
  auto error = parser.parse(json).get(object);
  EXPECT_EQ(error, simdjson::SUCCESS) << json;
  std::map<std::string, simdjson::dom::element> out;
  if (error) return out;
  for (auto field : object) out.emplace(std::string(field.key), field.value);
  return out;
}

bool in_range(const FieldSpec& spec, simdjson::dom::element e) {
  double v = 0;
  if (e.get_double().get(v)) return false;
  if (spec.kind == FieldSpec::Kind::kInt) return e.is_int64() && v >= spec.int_lo && v <= spec.int_hi;
  return v >= spec.float_lo && v < spec.float_hi;
}

}  // namespace

TEST(RandomPayload, DrawsFreshValuesOnEveryCall) {
  auto gen = heart();
  cicada::Random rng(1);
  std::string scratch;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(std::string(gen->generate(rng, scratch)));
  // The Python demo's bug would give 1 distinct payload; fresh draws over age x chol x oldpeak collide
  // with negligible probability.
  EXPECT_EQ(seen.size(), 100u);
}

TEST(RandomPayload, EveryValueIsInsideItsSpec) {
  auto gen = heart();
  cicada::Random rng(2);
  std::string scratch;
  simdjson::dom::parser parser;
  std::set<std::string> kinds;
  for (int i = 0; i < 2000; ++i) {
    auto fields = parse(parser, gen->generate(rng, scratch));
    ASSERT_EQ(fields.size(), 6u);
    for (const auto& spec : gen->fields()) {
      ASSERT_TRUE(fields.count(spec.name)) << spec.name;
      auto e = fields.at(spec.name);
      if (spec.is_numeric_range()) {
        EXPECT_TRUE(in_range(spec, e)) << spec.name << " " << scratch;
      }
    }
    EXPECT_EQ(std::string_view(fields.at("version").get_string().value()), "v1");
    kinds.insert(simdjson::minify(fields.at("kind")));
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"\"a\"", "\"b\"", "3"}));
}

TEST(RandomPayload, IntRangesIncludeBothEnds) {
  auto gen = heart();
  cicada::Random rng(3);
  std::string scratch;
  simdjson::dom::parser parser;
  std::set<std::int64_t> sexes;
  for (int i = 0; i < 200; ++i)
    sexes.insert(parse(parser, gen->generate(rng, scratch)).at("sex").get_int64().value());
  EXPECT_EQ(sexes, (std::set<std::int64_t>{0, 1}));
}

TEST(RandomPayload, ReusesTheScratchBufferOnceWarm) {
  auto gen = heart();
  cicada::Random rng(4);
  std::string scratch;
  scratch.reserve(256);
  const char* data = scratch.data();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(gen->generate(rng, scratch).data(), data);
}

TEST(InvalidPayload, DropFieldLeavesExactlyOneFieldOut) {
  auto gen = InvalidPayload::make(InvalidKind::kDropField, heart()).value();
  cicada::Random rng(5);
  std::string scratch;
  simdjson::dom::parser parser;
  std::set<std::string> dropped;
  for (int i = 0; i < 500; ++i) {
    auto fields = parse(parser, gen->generate(rng, scratch));
    ASSERT_EQ(fields.size(), 5u) << scratch;
    for (const char* name : {"sex", "age", "chol", "oldpeak", "kind", "version"}) {
      if (!fields.count(name)) dropped.insert(name);
    }
  }
  EXPECT_EQ(dropped.size(), 6u);  // every field gets dropped sometimes
}

TEST(InvalidPayload, WrongTypeTurnsOneNumericFieldIntoAString) {
  auto base = heart();
  auto gen = InvalidPayload::make(InvalidKind::kWrongType, base).value();
  cicada::Random rng(6);
  std::string scratch;
  simdjson::dom::parser parser;
  for (int i = 0; i < 500; ++i) {
    auto fields = parse(parser, gen->generate(rng, scratch));
    ASSERT_EQ(fields.size(), 6u);
    int strings = 0;
    for (const auto& spec : base->fields()) {
      if (!spec.is_numeric_range()) continue;
      auto e = fields.at(spec.name);
      if (e.is_string()) {
        ++strings;
        double parsed = std::stod(std::string(e.get_string().value()));  // the value, only quoted
        EXPECT_TRUE(spec.kind == FieldSpec::Kind::kInt ? parsed >= spec.int_lo && parsed <= spec.int_hi
                                                       : parsed >= spec.float_lo && parsed < spec.float_hi);
      } else {
        EXPECT_TRUE(in_range(spec, e));
      }
    }
    EXPECT_EQ(strings, 1) << scratch;
  }
}

TEST(InvalidPayload, OutOfRangePutsOneNumericFieldFarOutside) {
  auto base = heart();
  auto gen = InvalidPayload::make(InvalidKind::kOutOfRange, base).value();
  cicada::Random rng(7);
  std::string scratch;
  simdjson::dom::parser parser;
  bool below = false, above = false;
  for (int i = 0; i < 500; ++i) {
    auto fields = parse(parser, gen->generate(rng, scratch));
    int outside = 0;
    for (const auto& spec : base->fields()) {
      if (!spec.is_numeric_range()) continue;
      auto e = fields.at(spec.name);
      if (in_range(spec, e)) continue;
      ++outside;
      double v = e.get_double().value();
      double lo = spec.kind == FieldSpec::Kind::kInt ? static_cast<double>(spec.int_lo) : spec.float_lo;
      double hi = spec.kind == FieldSpec::Kind::kInt ? static_cast<double>(spec.int_hi) : spec.float_hi;
      EXPECT_TRUE(v <= lo - 1e6 || v >= hi + 1e6) << scratch;
      below = below || v < lo;
      above = above || v > hi;
    }
    EXPECT_EQ(outside, 1) << scratch;
  }
  EXPECT_TRUE(below && above);
}

TEST(InvalidPayload, MalformedJsonNeverParses) {
  auto gen = InvalidPayload::make(InvalidKind::kMalformedJson, heart()).value();
  cicada::Random rng(8);
  std::string scratch;
  simdjson::dom::parser parser;
  for (int i = 0; i < 2000; ++i) {
    auto body = gen->generate(rng, scratch);
    ASSERT_FALSE(body.empty());
    simdjson::dom::element doc;
    EXPECT_NE(parser.parse(body).get(doc), simdjson::SUCCESS) << body;
  }
}

TEST(InvalidPayload, NumericVariantsNeedANumericField) {
  std::vector<FieldSpec> fields(1);
  fields[0].name = "only";
  fields[0].constant_json = "\"text\"";
  auto base = std::make_shared<RandomPayload>(fields);
  EXPECT_FALSE(InvalidPayload::make(InvalidKind::kWrongType, base).ok());
  EXPECT_FALSE(InvalidPayload::make(InvalidKind::kOutOfRange, base).ok());
  EXPECT_TRUE(InvalidPayload::make(InvalidKind::kDropField, base).ok());
}

TEST(FixedPayload, LoadsTheFileOnceAndSendsItAsIs) {
  cicada::test::TempDir dir;
  auto file = dir.write("p.json", R"({"age": 57, "oldpeak": 0.0})");
  auto gen = load_fixed_payload(file);
  ASSERT_TRUE(gen.ok()) << gen.error().message;
  std::filesystem::remove(file);  // read once at load: the file is no longer needed
  cicada::Random rng;
  std::string scratch;
  EXPECT_EQ((*gen)->generate(rng, scratch), R"({"age": 57, "oldpeak": 0.0})");
}

TEST(FixedPayload, MissingOrInvalidFilesAreErrorsNamingTheFile) {
  cicada::test::TempDir dir;
  auto missing = load_fixed_payload(dir.path() / "nope.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope.json: cannot read"), std::string::npos)
      << missing.error().message;

  auto bad = load_fixed_payload(dir.write("bad.json", R"({"age": 57,)"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad.json: expected a JSON document"), std::string::npos)
      << bad.error().message;
}
