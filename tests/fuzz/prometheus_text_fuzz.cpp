// A target's /metrics text (report/prometheus_text, read by `cicada capacity --server-metrics`): untrusted
// bytes. The input is split in two at its first NUL (or used twice): the scrapes at a step's two edges.
#include <cmath>
#include <string_view>

#include "fuzz_support.hpp"
#include "report/prometheus_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::fuzz::require;
  const std::string_view text = cicada::fuzz::as_text(data, size);
  const std::size_t cut = text.find('\0');
  const std::string_view first = text.substr(0, cut);
  const std::string_view second = cut == std::string_view::npos ? text : text.substr(cut + 1);
  const auto before = cicada::report::parse_prometheus_text(first);
  const auto after = cicada::report::parse_prometheus_text(second);
  for (const auto* scrape : {&before, &after}) {
    require(scrape->samples.size() <= cicada::report::kMaxPromSamples, "samples are bounded");
    for (const auto& s : scrape->samples) require(!s.name.empty(), "every sample has a name");
  }
  for (const auto& [name, value] : cicada::report::server_figures(before, after, 2.0)) {
    require(!name.empty(), "every figure has a name");
    (void)cicada::report::server_figure_text(name, value);  // any value prints, NaN and infinities too
  }
  return 0;
}
