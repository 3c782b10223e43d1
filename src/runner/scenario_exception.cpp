#include "runner/scenario_exception.hpp"

#include <exception>
#include <string>

namespace cicada::runner {

void record_current_exception(stats::ThreadStats& stats, std::string_view user_type, std::string_view phase) {
  std::string where;
  where.reserve(user_type.size() + 1 + phase.size());
  where.append(user_type).append(1, '.').append(phase);
  // Rethrowing the exception being handled is how its type can be told without catching it twice
  // at every call site.
  try {
    throw;
  } catch (const std::exception& e) {
    stats.record_exception(e.what(), where);
  } catch (...) {
    stats.record_exception("unknown exception", where);
  }
}

}  // namespace cicada::runner
