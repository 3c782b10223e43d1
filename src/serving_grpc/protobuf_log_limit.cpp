#include "serving_grpc/protobuf_log_limit.hpp"

#include <google/protobuf/stubs/logging.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "base/log.hpp"

namespace cicada::serving {
namespace {

constexpr std::chrono::seconds kEvery{10};

std::atomic<std::int64_t> g_next_ns{0};  // steady clock: when the next message may be written
std::atomic<std::uint64_t> g_dropped{0};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void limited(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  if (level == google::protobuf::LOGLEVEL_FATAL) {
    log::error("libprotobuf {}:{}: {}", file, line, message);
    return;
  }
  const std::int64_t now = now_ns();
  std::int64_t due = g_next_ns.load(std::memory_order_relaxed);
  if (now < due || !g_next_ns.compare_exchange_strong(due, now + std::chrono::nanoseconds(kEvery).count())) {
    g_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::uint64_t dropped = g_dropped.exchange(0, std::memory_order_relaxed);
  if (dropped == 0) {
    log::warning("libprotobuf: {}", message);
  } else {
    log::warning("libprotobuf: {} ({} more libprotobuf messages dropped in the {} s before)", message,
                 dropped, kEvery.count());
  }
}

}  // namespace

void limit_protobuf_log() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&limited); });
}

}  // namespace cicada::serving
