#include "report/history_codec.hpp"

#include <nlohmann/json.hpp>

namespace cicada::report {
namespace {

using nlohmann::json;

json row_to_json(const stats::HistoryRow& r) {
  return json{{"method", r.method},
              {"name", r.name},
              {"current_rps", r.current_rps},
              {"current_fail_per_s", r.current_fail_per_s},
              {"percentiles_us", r.percentiles_us},
              {"num_requests", r.num_requests},
              {"num_failures", r.num_failures},
              {"median_us", r.median_us},
              {"avg_us", r.avg_us},
              {"min_us", r.min_us},
              {"max_us", r.max_us},
              {"avg_content_size", r.avg_content_size}};
}

stats::HistoryRow row_from_json(const json& j) {
  stats::HistoryRow r;
  r.method = j.at("method").get<std::string>();
  r.name = j.at("name").get<std::string>();
  r.current_rps = j.at("current_rps").get<double>();
  r.current_fail_per_s = j.at("current_fail_per_s").get<double>();
  r.percentiles_us = j.at("percentiles_us").get<stats::Percentiles>();
  r.num_requests = j.at("num_requests").get<std::uint64_t>();
  r.num_failures = j.at("num_failures").get<std::uint64_t>();
  r.median_us = j.at("median_us").get<std::int64_t>();
  r.avg_us = j.at("avg_us").get<double>();
  r.min_us = j.at("min_us").get<std::int64_t>();
  r.max_us = j.at("max_us").get<std::int64_t>();
  r.avg_content_size = j.at("avg_content_size").get<double>();
  return r;
}

}  // namespace

std::string percentiles_to_json(const stats::Percentiles& p) { return json(p).dump(); }

Result<stats::Percentiles> percentiles_from_json(const std::string& text) {
  try {
    return json::parse(text).get<stats::Percentiles>();
  } catch (const json::exception& e) {
    return make_error(std::string("bad percentiles in the history database: ") + e.what());
  }
}

std::string history_block_to_json(const stats::HistoryBlock& block) {
  json entries = json::array();
  for (const auto& row : block.entries) entries.push_back(row_to_json(row));
  return json{{"timestamp", block.timestamp},
              {"user_count", block.user_count},
              {"entries", std::move(entries)},
              {"total", row_to_json(block.total)},
              {"total_run_percentiles_us", block.total_run_percentiles_us}}
      .dump();
}

Result<stats::HistoryBlock> history_block_from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    stats::HistoryBlock b;
    b.timestamp = j.at("timestamp").get<std::int64_t>();
    b.user_count = j.at("user_count").get<int>();
    for (const auto& row : j.at("entries")) b.entries.push_back(row_from_json(row));
    b.total = row_from_json(j.at("total"));
    b.total_run_percentiles_us = j.at("total_run_percentiles_us").get<stats::Percentiles>();
    return b;
  } catch (const json::exception& e) {
    return make_error(std::string("bad history block in the history database: ") + e.what());
  }
}

}  // namespace cicada::report
