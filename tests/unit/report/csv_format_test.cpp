#include "report/csv_format.hpp"

#include <gtest/gtest.h>

#include "csv_text.hpp"

using namespace cicada::report;

TEST(CsvFormat, QuotesOnlyWhenPythonWould) {
  EXPECT_EQ(csv_field("/health (expect 201)"), "/health (expect 201)");
  EXPECT_EQ(csv_field("HTTPError('404 Client Error')"), "HTTPError('404 Client Error')");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(CsvFormat, RowsEndWithCrLfAndParseBack) {
  std::string out;
  append_csv_row(out, {"GET", "/a,b", "x\"y\nz", ""});
  EXPECT_EQ(out, "GET,\"/a,b\",\"x\"\"y\nz\",\r\n");
  auto rows = test::parse_csv(out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"GET", "/a,b", "x\"y\nz", ""}));
}

TEST(CsvFormat, MillisecondsKeepMicrosecondResolution) {
  EXPECT_EQ(ms_compact(1234), "1.234");
  EXPECT_EQ(ms_compact(1200), "1.2");
  EXPECT_EQ(ms_compact(2000), "2");
  EXPECT_EQ(ms_compact(7), "0.007");
  EXPECT_EQ(ms_compact(0), "0");
  EXPECT_EQ(ms_compact(86'518'032), "86518.032");
  EXPECT_EQ(ms_decimal(2000), "2.0");
  EXPECT_EQ(ms_decimal(1309), "1.309");
  EXPECT_EQ(ms_float(6143.5), "6.1435");
}

TEST(CsvFormat, FloatsLookLikePythonRepr) {
  EXPECT_EQ(py_float(2.0), "2.0");
  EXPECT_EQ(py_float(0.0), "0.0");
  EXPECT_EQ(py_float(28.02), "28.02");
  EXPECT_EQ(py_float(3.0243892093964946), "3.0243892093964946");
  EXPECT_EQ(py_float(104.13972916885206), "104.13972916885206");
  EXPECT_EQ(fixed6(21.0), "21.000000");
  EXPECT_EQ(fixed6(4.666666666), "4.666667");
}
