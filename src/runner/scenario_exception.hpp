#pragma once
// What a user's own code throws (on_start, a task, on_stop) never ends the user: the slot catches it and
// records it in the stats as an exception of "<user type>.<phase>" (Locust's exceptions table). Both
// slots (UserSlot, IterationSlot) record it through this one function, so both report it alike.
#include <string_view>

#include "stats/thread_stats.hpp"

namespace cicada::runner {

// Call only inside a catch block: records the exception being handled (its what(), or "unknown
// exception" for a non-std one) under "<user_type>.<phase>". Exceptions are the rare path: the
// location string is built here, not on the hot path.
void record_current_exception(stats::ThreadStats& stats, std::string_view user_type, std::string_view phase);

}  // namespace cicada::runner
