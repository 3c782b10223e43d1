#pragma once
// Field formatting shared by the Locust-compatible CSV files: Python csv quoting and number formats.
//
// Locust writes with Python's csv module (QUOTE_MINIMAL, "\r\n" line ends) and Python repr() for floats.
// cicada keeps microsecond resolution instead of Locust's rounded milliseconds, so times are written as
// milliseconds with up to 3 decimals.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::report {

// Appends one CSV row (fields joined by ',', quoted when needed) terminated by "\r\n".
void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields);
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// Python csv QUOTE_MINIMAL: quoted (with doubled quotes) when the field holds ',', '"', '\r' or '\n'.
std::string csv_field(std::string_view field);

// Microseconds as milliseconds, exact: 1234 -> "1.234", 1200 -> "1.2", 2000 -> "2" (Locust's int columns:
// median and percentiles, so whole values keep an integer look).
std::string ms_compact(std::int64_t us);
// Same, but always with a decimal point: 2000 -> "2.0" (Locust's float columns: min and max).
std::string ms_decimal(std::int64_t us);
// A mean in microseconds as milliseconds, Python repr style: 6143.2304 -> "6.1432304".
std::string ms_float(double us);

// Python repr() of a float: shortest round-trip digits, always a '.' or exponent ("2.0", "0.1", "1e-05").
std::string py_float(double v);
// "%.6f" as Locust writes current rates in the history file ("21.000000").
std::string fixed6(double v);

}  // namespace cicada::report
