#pragma once
// Why a file the user named (a certificate, a key, a CA bundle) cannot be read, in the OS's words ("No
// such file or directory", "Permission denied", "it is a directory"), or nullopt when it can. OpenSSL's
// own message for the same mistake is a bare "system library" or "asio.ssl error".
#include <optional>
#include <string>

namespace cicada {

std::optional<std::string> file_unreadable(const std::string& path);

}  // namespace cicada
