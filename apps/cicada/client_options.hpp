#pragma once
// HTTP client flags of `cicada` and `cicada capacity`, bound straight into runner::RunOptions (config keys
// and CICADA_* variables come with them, see cli_options.cpp):
//   --connect-timeout 10s    connect (DNS, TCP, TLS) must finish within this
//   --request-timeout 60s    a request fails when its response is not complete this long after it was due
//   --max-redirects 10       redirect hops followed per request (0: a redirect is not followed)
//   --insecure               do not verify TLS certificates (one warning line)
//   --ca-bundle FILE         PEM CA certificates to trust instead of the system's
//   --client-cert FILE, --client-key FILE   mutual TLS
//   --max-body-size 1MiB     response body bytes kept per response for checks (the rest is counted)
//   --io-uring, --no-io-uring   plain HTTP/1.1 through io_uring (default: off for `cicada`, on for
//                            `cicada capacity`, whose RunOptions arrive with it set)
#include <cstddef>
#include <string_view>

#include "base/result.hpp"
#include "cicada/user.hpp"
#include "runner/run_options.hpp"

namespace CLI {
class App;
}

namespace cicada::app {

void add_client_flags(CLI::App& app, runner::RunOptions& run);

// Checks what a flag cannot check alone (timeouts longer than 0, readable TLS files that load, also those
// of each user type's own client settings, naming the type) and logs one warning line when TLS
// verification is off.
Result<void> check_client_options(const runner::RunOptions& run, const Scenario& scenario);

}  // namespace cicada::app
