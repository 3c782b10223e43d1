#pragma once
// A load shape's target that names user types (ShapeTarget::user_types: a locustfile's LoadTestShape.tick()
// returning user classes as a third item) as the per-type counts the runner already follows for a
// distributed worker's share (TypeShares): the target's users are of the named types alone.
//
// The named fixed-count types keep their counts and the others get 0; the users those counts leave are
// dealt over the named weighted types alone, in Locust's order of them (UserMix: sorted by name, the
// weights rescaled among themselves, as Locust's dispatcher rebuilds its round robin from the classes a
// tick gives it), and every weighted type not named gets 0. So a shape going from [A] to [B] stops A's
// users and starts B's, where Locust 2.12 starts B's only as its users grow and stops whichever users are
// newest when they shrink (locust issue #2714).
#include <string>
#include <vector>

#include "cicada/user.hpp"
#include "runner/run_backend.hpp"

namespace cicada::runner {

// `name` is among `named`.
bool is_named(const std::vector<std::string>& named, const std::string& name);

// The names in `named` that are none of the types' (for the message that says which were ignored).
std::vector<std::string> unknown_types(const std::vector<UserType>& types,
                                       const std::vector<std::string>& named);

// The rule itself, which the shares below and a master's plan for its workers (distributed/dispatch.hpp,
// named_plan) both apply: the types a target naming `named` runs, in their order. A named type as
// declared; a fixed-count type not named with a count of 0 (its users stop); a weighted type not named
// left out (the round robin is rebuilt from the named ones alone). Only names, weights and fixed counts
// are kept: the result decides counts, it runs nothing.
std::vector<UserType> restrict_to_named(const std::vector<UserType>& types,
                                        const std::vector<std::string>& named);

// The shares (fixed and weighted counts of every type) of a target of `users` over the named types.
TypeShares shares_of_named_types(const std::vector<UserType>& types, const std::vector<std::string>& named,
                                 int users);

}  // namespace cicada::runner
