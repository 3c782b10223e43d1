#pragma once
// What a user's own code throws (on_start, a task, on_stop) never ends the user: the slot catches it and
// records it in the stats (Locust's exceptions table) with a trace: where it was raised and what was
// thrown. Both slots (UserSlot, IterationSlot) record it through this one function, so both report it
// alike. (A locustfile's exceptions carry their Python traceback instead: python/python_user.cpp.)
#include <string_view>

#include "stats/thread_stats.hpp"

namespace cicada::runner {

// Call only inside a catch block: records the exception being handled. Message: its what() (the text of
// a thrown const char* or std::string; "exception of type T" for anything else). Trace, one line each:
// "  in <user_type>.<phase>", "  <C++ type>: <what()>", and "  caused by <type>: <what()>" for each
// exception it nests (std::throw_with_nested). Exceptions are the rare path: the text is built here, not
// on the hot path.
void record_current_exception(stats::ThreadStats& stats, std::string_view user_type, std::string_view phase);

}  // namespace cicada::runner
