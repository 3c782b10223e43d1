#include "base/process_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace cicada {

std::chrono::microseconds ProcessUsage::cpu_time() {
  rusage u{};
  if (::getrusage(RUSAGE_SELF, &u) != 0) return std::chrono::microseconds(0);
  auto us = [](const timeval& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
  };
  return us(u.ru_utime) + us(u.ru_stime);
}

ProcessUsage::ProcessUsage() : cpu_(cpu_time()), at_(mono_now()) {}

double ProcessUsage::cpu_percent() {
  const auto cpu = cpu_time();
  const MonoTime now = mono_now();
  const double wall_us = std::chrono::duration<double, std::micro>(now - at_).count();
  const double used_us = static_cast<double>((cpu - cpu_).count());
  cpu_ = cpu;
  at_ = now;
  return wall_us > 0 ? 100.0 * used_us / wall_us : 0.0;
}

std::uint64_t ProcessUsage::resident_bytes() {
  // statm: total program size, then resident pages.
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace cicada
