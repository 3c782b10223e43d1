#pragma once
// The open model's two arrival processes, named once: by the --arrival-distribution flag, the YAML key
// `arrival_distribution`, the web form's field and the JSON reports ("constant", "poisson"), and by the
// consoles and text reports ("Poisson arrivals"; paced arrivals, the default, are not named there).
#include <array>
#include <optional>
#include <string_view>

namespace cicada::scenario {

inline constexpr std::string_view kConstantArrivals = "constant";  // one arrival every 1/rate (default)
inline constexpr std::string_view kPoissonArrivals = "poisson";    // exponential gaps of the rate's mean
inline constexpr std::array<std::string_view, 2> kArrivalDistributions{kConstantArrivals, kPoissonArrivals};
inline constexpr std::string_view kPoissonArrivalsLabel = "Poisson arrivals";

constexpr std::string_view arrival_distribution_name(bool poisson) {
  return poisson ? kPoissonArrivals : kConstantArrivals;
}

// Whether `name` asks for Poisson arrivals; none when it names neither distribution.
constexpr std::optional<bool> parse_arrival_distribution(std::string_view name) {
  if (name == kPoissonArrivals) return true;
  if (name == kConstantArrivals) return false;
  return std::nullopt;
}

}  // namespace cicada::scenario
