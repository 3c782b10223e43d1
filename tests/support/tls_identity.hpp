#pragma once
// SelfSignedTls: a ServerTls for ScriptedServer with a throwaway self-signed certificate (EC P-256,
// CN=localhost, valid for a day) made in memory with the OpenSSL API at construction. Links OpenSSL.
#include <memory>

#include "support/scripted_server.hpp"

namespace cicada::testing {

std::shared_ptr<ServerTls> make_self_signed_tls();

}  // namespace cicada::testing
