#include "serving/dataset.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "serving/api_json.hpp"
#include "test_util.hpp"

using namespace cicada::serving;
using cicada::serving::test::ScratchDir;
using cicada::serving::test::write_text;

namespace {

DatasetSpec small_spec() { return DatasetSpec{{"a", "b"}, {"c"}, "y"}; }

class CsvErrors : public ::testing::Test {
 protected:
  // Writes the text to a file and reads it, expecting a failure; returns the message.
  std::string error_of(const std::string& text, DatasetSpec spec = small_spec()) {
    write_text(file_, text);
    auto r = read_csv(file_, spec);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
  }
  ScratchDir dir_;
  std::filesystem::path file_ = dir_ / "data.csv";
  std::string f_ = file_.string();
};

}  // namespace

TEST(ReadCsv, ReadsTheHeartDiseaseFileWithItsBom) {
  auto d = read_csv(cicada::serving::test::heart_csv(), DatasetSpec::heart_disease());
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->rows(), 303u);
  EXPECT_EQ(d->fields(), 13u);
  EXPECT_EQ(d->names.front(), "age");  // found despite the BOM before it
  EXPECT_EQ(d->names[7], "sex");       // numeric first, then categorical
  EXPECT_EQ(d->kinds[7], FieldKind::kCategorical);
  // First data row: 63,1,3,145,233,1,0,150,0,2.3,0,0,1,1 (line 2 of the file).
  EXPECT_EQ(d->lines[0], 2u);
  EXPECT_EQ(d->row(0)[0], 63);
  EXPECT_EQ(d->row(0)[6], 2.3);  // oldpeak
  EXPECT_EQ(d->labels[0], 1.0f);
}

TEST(ReadCsv, EmptyCellsAreMissingAndColumnsCanBeInAnyOrder) {
  ScratchDir dir;
  write_text(dir / "d.csv", "y,c,extra,b,a\r\n1,2,zz,,4\r\n\r\n0, 3 ,,\"5\",\r\n");
  auto d = read_csv(dir / "d.csv", small_spec());
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(d->rows(), 2u);
  EXPECT_EQ(d->row(0)[0], 4);             // a
  EXPECT_TRUE(std::isnan(d->row(0)[1]));  // b empty
  EXPECT_EQ(d->row(0)[2], 2);             // c
  EXPECT_TRUE(std::isnan(d->row(1)[0]));
  EXPECT_EQ(d->row(1)[1], 5);                             // quoted
  EXPECT_EQ(d->row(1)[2], 3);                             // spaces trimmed
  EXPECT_EQ(d->lines, (std::vector<std::size_t>{2, 4}));  // blank line 3 skipped, still counted
  EXPECT_EQ(d->labels, (std::vector<float>{1, 0}));
}

TEST_F(CsvErrors, MissingFileNamesTheFile) {
  auto r = read_csv(dir_ / "nope.csv", small_spec());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, (dir_ / "nope.csv").string() + ": cannot open: No such file or directory");
}

TEST_F(CsvErrors, EmptyFileNamesFileAndLine) {
  EXPECT_EQ(error_of(""), f_ + ":1: empty file: expected a header row naming the columns");
  EXPECT_EQ(error_of("\xEF\xBB\xBF\n\n"), f_ + ":1: empty file: expected a header row naming the columns");
}

TEST_F(CsvErrors, HeaderOnlyNamesTheFirstDataLine) {
  EXPECT_EQ(error_of("a,b,c,y\n"), f_ + ":2: no data rows after the header");
}

TEST_F(CsvErrors, MissingColumnNamesFileLineAndColumn) {
  EXPECT_EQ(error_of("a,c,y\n1,2,0\n"), f_ + ":1:b: column not found in the header");
  EXPECT_EQ(error_of("a,b,c\n1,2,0\n"), f_ + ":1:y: column not found in the header");
  EXPECT_EQ(error_of("a,b,c,y,a\n1,2,0,1,1\n"), f_ + ":1:a: column appears twice in the header");
}

TEST_F(CsvErrors, NonNumericCellNamesFileLineAndColumn) {
  EXPECT_EQ(error_of("a,b,c,y\n1,2,3,0\n1,abc,3,0\n"), f_ + ":3:b: not a number: \"abc\"");
  EXPECT_EQ(error_of("a,b,c,y\n1,2,inf,0\n"), f_ + ":2:c: not a number: \"inf\"");
  EXPECT_EQ(error_of("a,b,c,y\n1,2,3 4,0\n"), f_ + ":2:c: not a number: \"3 4\"");
}

TEST_F(CsvErrors, LabelNotZeroOrOneNamesFileLineAndColumn) {
  EXPECT_EQ(error_of("a,b,c,y\n1,2,3,0\n1,2,3,2\n"), f_ + ":3:y: label must be 0 or 1, found \"2\"");
  EXPECT_EQ(error_of("a,b,c,y\n1,2,3,\n"), f_ + ":2:y: label must be 0 or 1, found \"\"");
  EXPECT_EQ(error_of("a,b,c,y\n1,2,3,yes\n"), f_ + ":2:y: label must be 0 or 1, found \"yes\"");
}

TEST_F(CsvErrors, ShortOrLongRowNamesTheColumn) {
  EXPECT_EQ(error_of("a,b,c,y\n1,2\n"), f_ + ":2:c: expected 4 cells like the header, found 2");
  EXPECT_EQ(error_of("a,b,c,y\n1,2,3,1,9\n"), f_ + ":2:column 5: expected 4 cells like the header, found 5");
}

TEST_F(CsvErrors, EveryMessageIsOneLine) {
  for (const std::string& text : {std::string(""), std::string("a\n"), std::string("a,b,c,y\n\"1\n")}) {
    std::string m = error_of(text);
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

TEST(DatasetSpec, RejectsDuplicatesAndLabelAsFeature) {
  EXPECT_TRUE(DatasetSpec::heart_disease().validate().ok());
  EXPECT_FALSE((DatasetSpec{{"a", "a"}, {}, "y"}).validate().ok());
  EXPECT_FALSE((DatasetSpec{{"a"}, {"a"}, "y"}).validate().ok());
  EXPECT_FALSE((DatasetSpec{{"a"}, {}, "a"}).validate().ok());
  EXPECT_FALSE((DatasetSpec{{}, {}, "y"}).validate().ok());
}

TEST(AcceptRange, RuleIsObservedRangeWidenedBySpanClampedAtZero) {
  FieldSchema f;
  f.observed_min = 29;
  f.observed_max = 77;
  set_accept_range(f);
  EXPECT_EQ(f.accept_min, 0);  // 29 - 48 < 0, and nothing negative was seen
  EXPECT_EQ(f.accept_max, 125);
  f.observed_min = -2;
  f.observed_max = 3;
  set_accept_range(f);
  EXPECT_EQ(f.accept_min, -7);  // negative values were seen: no clamp
  EXPECT_EQ(f.accept_max, 8);
}

// A constant column has no spread: its margin is max(|value|, 1). It used to accept its one value only.
TEST(AcceptRange, AConstantColumnIsWidenedByItsMagnitudeOrOne) {
  const auto range_of = [](double v) {
    FieldSchema f;
    f.observed_min = f.observed_max = v;
    set_accept_range(f);
    return std::pair{f.accept_min, f.accept_max};
  };
  EXPECT_EQ(range_of(5), (std::pair{0.0, 10.0}));
  EXPECT_EQ(range_of(0), (std::pair{0.0, 1.0}));
  EXPECT_EQ(range_of(0.25), (std::pair{0.0, 1.25}));
  EXPECT_EQ(range_of(-3), (std::pair{-6.0, 0.0}));
  EXPECT_EQ(range_of(1000), (std::pair{0.0, 2000.0}));
}

TEST(Schema, HeartDiseaseAcceptsTheLoadTestRangesAndRejectsAbsurdValues) {
  auto d = read_csv(cicada::serving::test::heart_csv(), DatasetSpec::heart_disease());
  ASSERT_TRUE(d.ok());
  InputSchema s = schema_of(*d);
  ASSERT_EQ(s.fields.size(), 13u);
  EXPECT_EQ(s.index_of("age"), 0);
  EXPECT_EQ(s.index_of("thal"), 12);
  EXPECT_EQ(s.index_of("target"), -1);
  // shared/anchors/locustfiles/payloads.py: the "valid" random payloads draw from these ranges.
  const std::vector<std::tuple<std::string, double, double>> valid = {
      {"sex", 0, 1},        {"cp", 0, 3},    {"restecg", 0, 1},     {"ca", 0, 3},       {"slope", 0, 2},
      {"thal", 0, 3},       {"age", 0, 120}, {"trestbps", 90, 200}, {"chol", 100, 600}, {"fbs", 0, 1},
      {"thalach", 60, 200}, {"exang", 0, 1}, {"oldpeak", 0, 7}};
  for (const auto& [name, lo, hi] : valid) {
    const FieldSchema& f = s.fields[static_cast<std::size_t>(s.index_of(name))];
    // Every whole value the payloads draw (oldpeak's fractions lie between its ends) is accepted.
    for (double v = lo; v <= hi; ++v) EXPECT_EQ(check_field_value(f, v), "") << name << " " << v;
    EXPECT_EQ(check_field_value(f, hi), "") << name;
    EXPECT_NE(check_field_value(f, -1), "") << name << ": negative values must be rejected";
    EXPECT_NE(check_field_value(f, 1e6), "") << name;
  }
  const FieldSchema& cp = s.fields[static_cast<std::size_t>(s.index_of("cp"))];
  EXPECT_EQ(cp.kind, FieldKind::kCategorical);
  EXPECT_EQ(cp.categories, (std::vector<double>{0, 1, 2, 3}));
  const FieldSchema& age = s.fields[0];
  EXPECT_EQ(age.observed_min, 29);
  EXPECT_EQ(age.observed_max, 77);
}
