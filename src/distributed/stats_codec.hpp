#pragma once
// msgpack form of the stats deltas a worker ships (positional arrays: they are the bulk of the traffic).
// Private to the codec; split out so each file keeps one job.
#include <msgpack.hpp>

#include "stats/delta.hpp"

namespace cicada::distributed::detail {

using Packer = msgpack::packer<msgpack::sbuffer>;

void pack_delta(Packer& pk, const stats::StatsDelta& delta);
// Throws msgpack::type_error (caught by decode()) when the object is not a delta.
stats::StatsDelta read_delta(const msgpack::object& obj);

}  // namespace cicada::distributed::detail
