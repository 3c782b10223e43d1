#pragma once
// Reading the CSV files cicada writes (Locust's _stats.csv, _failures.csv...) in e2e tests.
#include <filesystem>
#include <string>
#include <vector>

namespace cicada::testing {

using CsvRows = std::vector<std::vector<std::string>>;

// All rows of the file, fields unquoted. Our CSVs quote only fields with commas, quotes or newlines (as
// Python's csv module does).
CsvRows read_csv(const std::filesystem::path& p);

// The first row whose first two fields are (type, name), e.g. ("GET", "/health"); nullptr if none.
const std::vector<std::string>* find_row(const CsvRows& rows, const std::string& type,
                                         const std::string& name);
// The row would point into a temporary that dies at the end of the statement (ASan caught two tests
// doing find_row(stats(), ...)): name the rows first.
const std::vector<std::string>* find_row(CsvRows&& rows, const std::string& type,
                                         const std::string& name) = delete;

}  // namespace cicada::testing
