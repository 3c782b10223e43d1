#include "serving/preprocess.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace cicada::serving;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Two fields: x (numeric) and c (categorical), four rows.
struct Tiny {
  std::vector<std::string> names{"x", "c"};
  std::vector<FieldKind> kinds{FieldKind::kNumeric, FieldKind::kCategorical};
  std::vector<double> values{1,    2,     //
                             kNaN, kNaN,  //
                             3,    1,     //
                             10,   2};
  std::vector<std::size_t> all{0, 1, 2, 3};
};
}  // namespace

TEST(Median, OddEvenAndEmpty) {
  EXPECT_EQ(median_of({3, 1, 2}), 2);
  EXPECT_EQ(median_of({4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(median_of({})));
}

TEST(Preprocessing, FitsMedianMeanAndPopulationStdOnImputedValues) {
  Tiny t;
  auto p = Preprocessing::fit(t.names, t.kinds, t.values, t.all);
  const FieldPreprocess& x = p.fields()[0];
  // Non-missing x: 1, 3, 10 -> median 3; imputed column 1, 3, 3, 10 -> mean 4.25,
  // variance (3.25^2 + 1.25^2 + 1.25^2 + 5.75^2) / 4 = 11.6875.
  EXPECT_EQ(x.median, 3.0);
  EXPECT_DOUBLE_EQ(x.mean, 4.25);
  EXPECT_DOUBLE_EQ(x.scale, std::sqrt(11.6875));
  // c: 2, missing, 1, 2 -> the missing one is filled with 0, so the categories are 0, 1, 2.
  const FieldPreprocess& c = p.fields()[1];
  EXPECT_EQ(c.fill_value, 0.0);
  EXPECT_EQ(c.categories, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(p.num_features(), 4u);
  EXPECT_EQ(p.feature_names(), (std::vector<std::string>{"x", "c=0", "c=1", "c=2"}));
}

TEST(Preprocessing, TransformsLikeTheReferencePipeline) {
  Tiny t;
  auto p = Preprocessing::fit(t.names, t.kinds, t.values, t.all);
  const double sd = std::sqrt(11.6875);
  std::vector<float> out(4);
  std::vector<double> row{10, 1};
  p.transform(row, out);
  EXPECT_FLOAT_EQ(out[0], static_cast<float>((10 - 4.25) / sd));
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(out[2], 1.0f);
  EXPECT_EQ(out[3], 0.0f);
  // Missing numeric -> the median (3); missing categorical -> the fill value 0, a known category here.
  row = {kNaN, kNaN};
  p.transform(row, out);
  EXPECT_FLOAT_EQ(out[0], static_cast<float>((3 - 4.25) / sd));
  EXPECT_EQ((std::vector<float>{out[1], out[2], out[3]}), (std::vector<float>{1, 0, 0}));
  // An unknown category is ignored: all-zero one-hot.
  row = {4.25, 7};
  p.transform(row, out);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ((std::vector<float>{out[1], out[2], out[3]}), (std::vector<float>{0, 0, 0}));
  // feature(j, row) is the same computation, one feature at a time.
  for (std::size_t j = 0; j < 4; ++j) EXPECT_EQ(p.feature(j, row), out[j]);
}

TEST(Preprocessing, FitsOnTheGivenRowsOnly) {
  Tiny t;
  std::vector<std::size_t> rows{0, 2};  // x = 1, 3; c = 2, 1
  auto p = Preprocessing::fit(t.names, t.kinds, t.values, rows);
  EXPECT_EQ(p.fields()[0].median, 2.0);
  EXPECT_EQ(p.fields()[0].mean, 2.0);
  EXPECT_EQ(p.fields()[0].scale, 1.0);  // population sd of {1, 3}
  EXPECT_EQ(p.fields()[1].categories,
            (std::vector<double>{1, 2}));  // no missing value among these rows: no 0
}

TEST(Preprocessing, ConstantColumnIsNotScaled) {
  std::vector<std::string> names{"k"};
  std::vector<FieldKind> kinds{FieldKind::kNumeric};
  std::vector<double> values{5, 5, 5};
  std::vector<std::size_t> rows{0, 1, 2};
  auto p = Preprocessing::fit(names, kinds, values, rows);
  EXPECT_EQ(p.fields()[0].scale, 1.0);
  std::vector<double> row{7};
  EXPECT_EQ(p.feature(0, row), 2.0f);
}

TEST(Preprocessing, NumericFeaturesComeBeforeOneHotsWhateverTheFieldOrder) {
  std::vector<std::string> names{"c", "x"};
  std::vector<FieldKind> kinds{FieldKind::kCategorical, FieldKind::kNumeric};
  std::vector<double> values{0, 1, 1, 2};
  std::vector<std::size_t> rows{0, 1};
  auto p = Preprocessing::fit(names, kinds, values, rows);
  EXPECT_EQ(p.feature_names(), (std::vector<std::string>{"x", "c=0", "c=1"}));
}
