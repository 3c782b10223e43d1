#pragma once
// HTTP/2 as raw bytes, for tests that speak it through RawConnection (raw_http.hpp): the client preface,
// an empty SETTINGS frame, and the frames of what the server sent (type and error code), read without
// an HTTP/2 library so a test sees exactly what came.
#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::test {

constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
// An empty SETTINGS frame on stream 0: what a client sends after the preface.
inline const std::string kH2EmptySettings("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);

// The frames of a byte string from the server: (type, error code for GOAWAY/RST_STREAM) in order.
inline std::vector<std::pair<int, std::uint32_t>> frames_of(std::string_view bytes) {
  std::vector<std::pair<int, std::uint32_t>> frames;
  while (bytes.size() >= 9) {
    const auto u8 = [&](std::size_t i) {
      return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]));
    };
    const std::size_t length = (u8(0) << 16) | (u8(1) << 8) | u8(2);
    const int type = static_cast<int>(u8(3));
    if (bytes.size() < 9 + length) break;
    std::uint32_t code = 0;
    const std::size_t at = type == NGHTTP2_GOAWAY ? 9 + 4 : 9;
    if ((type == NGHTTP2_GOAWAY || type == NGHTTP2_RST_STREAM) && length >= at - 9 + 4)
      code = (u8(at) << 24) | (u8(at + 1) << 16) | (u8(at + 2) << 8) | u8(at + 3);
    frames.emplace_back(type, code);
    bytes.remove_prefix(9 + length);
  }
  return frames;
}

// The error code of the first GOAWAY among the frames.
inline std::optional<std::uint32_t> goaway_code(std::string_view bytes) {
  for (const auto& [type, code] : frames_of(bytes)) {
    if (type == NGHTTP2_GOAWAY) return code;
  }
  return std::nullopt;
}

}  // namespace cicada::test
