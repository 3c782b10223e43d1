#include "report/history_codec.hpp"

#include <nlohmann/json.hpp>

#include "report/json_dump.hpp"

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
  json out{{"timestamp", block.timestamp},
           {"user_count", block.user_count},
           {"entries", std::move(entries)},
           {"total", row_to_json(block.total)},
           {"total_run_percentiles_us", block.total_run_percentiles_us}};
  // Only seconds with streams carry the key: blocks of other runs stay as before.
  if (const auto& s = block.streams) {
    out["streams"] = json{{"streams", s->streams},
                          {"ttft_count", s->ttft_count},
                          {"itl_count", s->itl_count},
                          {"ttft_us", s->ttft_us},
                          {"itl_us", s->itl_us}};
  }
  // Names are the scenario's or the target's bytes: not UTF-8 must not lose the second (dump() throws).
  return dump_json(out);
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
    if (const auto s = j.find("streams"); s != j.end()) {
      b.streams = stats::StreamSecond{
          s->at("streams").get<std::uint64_t>(), s->at("ttft_count").get<std::uint64_t>(),
          s->at("itl_count").get<std::uint64_t>(), s->at("ttft_us").get<std::array<std::int64_t, 3>>(),
          s->at("itl_us").get<std::array<std::int64_t, 3>>()};
    }
    return b;
  } catch (const json::exception& e) {
    return make_error(std::string("bad history block in the history database: ") + e.what());
  }
}

std::string histogram_to_json(const stats::Histogram& h) {
  const auto sparse = h.to_sparse();
  std::vector<std::uint64_t> buckets;
  buckets.reserve(sparse.buckets.size() * 2);
  for (const auto& b : sparse.buckets) {
    buckets.push_back(b.index);
    buckets.push_back(b.count);
  }
  return json{{"count", sparse.count},
              {"sum_us", sparse.sum_us},
              {"min_us", sparse.min_us},
              {"max_us", sparse.max_us},
              {"buckets", std::move(buckets)}}
      .dump();
}

Result<stats::Histogram> histogram_from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    stats::SparseHistogram sparse;
    sparse.count = j.at("count").get<std::uint64_t>();
    sparse.sum_us = j.at("sum_us").get<std::int64_t>();
    sparse.min_us = j.at("min_us").get<std::int64_t>();
    sparse.max_us = j.at("max_us").get<std::int64_t>();
    const auto flat = j.at("buckets").get<std::vector<std::uint64_t>>();
    std::uint64_t total = 0;
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
      if (flat[i] >= stats::Histogram::kBucketCount) return make_error("bad histogram bucket in the history");
      sparse.buckets.push_back({static_cast<std::uint32_t>(flat[i]), flat[i + 1]});
      total += flat[i + 1];
    }
    if (flat.size() % 2 != 0 || total != sparse.count)
      return make_error("bad histogram in the history database: bucket counts do not add up");
    stats::Histogram h;
    h.merge(sparse);
    return h;
  } catch (const json::exception& e) {
    return make_error(std::string("bad histogram in the history database: ") + e.what());
  }
}

}  // namespace cicada::report
