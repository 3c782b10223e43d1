#pragma once
// Everything a C++ scenario file needs: users, tasks, the HTTP and gRPC clients, responses, JSON, random
// payloads and the CICADA_SCENARIO registration. Light on purpose (no Boost, no engine headers), so a
// scenario compiles in about a second. See docs/cpp-scenarios.md.
#include "cicada/grpc.hpp"
#include "cicada/http_client.hpp"
#include "cicada/json.hpp"
#include "cicada/payload.hpp"
#include "cicada/random.hpp"
#include "cicada/response.hpp"
#include "cicada/scenario.hpp"
#include "cicada/task.hpp"
#include "cicada/user.hpp"
