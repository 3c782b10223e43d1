// The deadline sweep and the connection cap's eviction: one periodic pass over a worker's sessions instead
// of a timer per read and write (server_worker.hpp says why).
// g++ 12 at -O2 reports a "potential null pointer dereference" inside Asio's scheduler once it is inlined
// here (boost/asio/detail/impl/scheduler.ipp:325, a false positive). The check is middle-end, so it cannot
// be scoped to the includes; it is off for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "http/server/server_worker.hpp"

namespace cicada::http::server_detail {
namespace {

void sweep_deadlines(Worker& worker) {
  worker.sweeping = false;
  if (worker.sessions.empty()) return;  // the next connection arms it again
  // Closing a socket only queues its handlers, so no session leaves the list during the walk.
  const MonoTime now = mono_now();
  for (Connection* session : worker.sessions) session->close_if_expired(now);
  ensure_sweep(worker);
}

}  // namespace

bool evict_oldest_idle(Worker& worker) {
  for (Connection* session : worker.sessions) {
    if (session->idle()) {
      session->evict();
      return true;
    }
  }
  return false;
}

void ensure_sweep(Worker& worker) {
  if (worker.sweeping || worker.sweep_timer == nullptr) return;
  worker.sweeping = true;
  worker.sweep.expires_after(worker.sweep_every);
  worker.sweep.async_wait([&worker](beast::error_code ec) {
    if (ec) {
      worker.sweeping = false;
      return;
    }
    sweep_deadlines(worker);
  });
}

}  // namespace cicada::http::server_detail
