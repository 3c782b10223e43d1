#pragma once
// The out-of-line half of the public API (include/cicada/: Json, JsonPayload) is compiled into the
// engine, and a C++ scenario's shared object finds it in the cicada executable at dlopen time (the
// executable exports its symbols). The executable itself never calls these functions, so a static link
// would leave their objects out of it: link_public_api() is called by the C++ scenario loader, and each
// call references one object file, which makes the linker keep that whole object.
namespace cicada::detail {

void link_json_api();
void link_payload_api();

inline void link_public_api() {
  link_json_api();
  link_payload_api();
}

}  // namespace cicada::detail
