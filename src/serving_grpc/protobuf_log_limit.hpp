#pragma once
// libprotobuf logs each string field that is not UTF-8 as an ERROR line on stderr, whoever sent it. The
// server refuses such a request (INVALID_ARGUMENT) all the same, but a client sending them could fill the
// server's log at thousands of lines a second (a probe: 116,000 lines, 26 MB, in 3 s).

namespace cicada::serving {

// Routes libprotobuf's messages to cicada's log, at most one every 10 s with the count of those dropped in
// between (a fatal one always). Process-wide; idempotent.
void limit_protobuf_log();

}  // namespace cicada::serving
