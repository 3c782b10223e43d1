// The distributed protocol's messages (src/distributed/codec): bytes from the network decode to a
// message or an error, never a crash; what decodes re-encodes to bytes that decode to the same encoding;
// and the stats a master accepts merge into its totals and close a second without harm (a stats message
// whose histogram count no bucket backed once crashed the master there: the codec refuses such deltas).
#include <string>
#include <variant>

#include "distributed/codec.hpp"
#include "fuzz_support.hpp"
#include "stats/aggregate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::fuzz::require;
  auto decoded = cicada::distributed::decode(cicada::fuzz::as_text(data, size));
  if (!decoded) {
    require(!decoded.error().message.empty(), "an error says what is wrong");
    return 0;
  }
  std::string once = cicada::distributed::encode(*decoded);
  auto again = cicada::distributed::decode(once);
  require(again.ok(), "an encoded message decodes");
  require(cicada::distributed::encode(*again) == once, "encoding is stable");
  if (auto* stats = std::get_if<cicada::distributed::Stats>(&decoded->body)) {
    cicada::stats::Aggregate totals(1'700'000'000.0);
    for (int second = 0; second < 2; ++second) {
      for (auto delta : stats->deltas) totals.merge(std::move(delta));
      totals.close_second(1'700'000'001 + second, 1);
    }
    const auto snapshot = totals.snapshot(1'700'000'003.0);
    require(snapshot.total.num_failures <= snapshot.total.num_requests, "no more failures than requests");
    require(snapshot.unanswered_counted <= snapshot.unanswered_requests,
            "no more unanswered requests counted as failures than unanswered requests");
  }
  return 0;
}
