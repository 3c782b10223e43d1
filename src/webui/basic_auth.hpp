#pragma once
// HTTP basic authentication for the web UI (--web-auth user:password).
#include <string>
#include <string_view>

namespace cicada::webui {

// The Authorization header value a client must send: "Basic " + base64(credentials).
std::string basic_auth_header(std::string_view credentials);
// True when sent carries expected's credentials, the scheme's case aside ("basic" is "Basic"). Compares the
// credentials in constant time, so the check does not leak how much of a guess was right.
bool authorization_matches(std::string_view sent, std::string_view expected);

}  // namespace cicada::webui
