#pragma once
// What a snapshot looks like right after a stats reset, made from the last one: a reset asked for from
// another thread (the web UI) is seen at once, while the Aggregate itself is reset by the control thread
// at its next second (run_control.cpp). The same picture Aggregate::reset() then snapshot() gives: every
// entry stays with nothing in it, failures, exceptions, iterations and streams are gone; the users, the
// history of closed seconds and the stage marks stay.
#include "stats/snapshot.hpp"

namespace cicada::stats {

Snapshot cleared_snapshot(const Snapshot& before, double now_unix_s);

}  // namespace cicada::stats
