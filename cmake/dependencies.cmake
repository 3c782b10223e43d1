# Every dependency is a Debian package installed by scripts/install-deps.sh.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(simdjson REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XGBOOST REQUIRED IMPORTED_TARGET xgboost)
# io_uring for the load generator's --io-uring (src/reactor/uring_ring.hpp), Debian liburing-dev.
pkg_check_modules(LIBURING REQUIRED IMPORTED_TARGET liburing)
# Distributed mode (src/distributed): ZeroMQ through cppzmq, messages in msgpack (docs/protocol.md).
find_package(cppzmq REQUIRED)
find_package(msgpack REQUIRED CONFIG)

# Locustfiles (src/python): Debian's CPython 3.11 embedded, through pybind11's headers (no Python lookup
# by pybind11 itself: the interpreter is the system's, found by pkg-config), plus python3-greenlet at run time.
pkg_check_modules(PYTHON3_EMBED REQUIRED IMPORTED_TARGET python3-embed)
set(PYBIND11_NOPYTHON ON)
find_package(pybind11 CONFIG REQUIRED)

# nodejs http-parser (what wrk uses): a callback parser that never allocates, for the load generator's client.
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h REQUIRED)
find_library(HTTP_PARSER_LIBRARY http_parser REQUIRED)
add_library(http_parser::http_parser UNKNOWN IMPORTED)
set_target_properties(http_parser::http_parser PROPERTIES
  IMPORTED_LOCATION "${HTTP_PARSER_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${HTTP_PARSER_INCLUDE_DIR}")

# libnghttp2 (Debian libnghttp2-dev, no CMake package): the HTTP/2 framing of the load generator's --http2.
find_path(NGHTTP2_INCLUDE_DIR nghttp2/nghttp2.h REQUIRED)
find_library(NGHTTP2_LIBRARY nghttp2 REQUIRED)
add_library(nghttp2::nghttp2 UNKNOWN IMPORTED)
set_target_properties(nghttp2::nghttp2 PROPERTIES
  IMPORTED_LOCATION "${NGHTTP2_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${NGHTTP2_INCLUDE_DIR}")

# Asio and Beast are header-only; these definitions keep their compile time and binary size down.
add_library(cicada_asio INTERFACE)
target_link_libraries(cicada_asio INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(cicada_asio INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_REGEX BOOST_BEAST_USE_STD_STRING_VIEW)

if(CICADA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(CICADA_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
