#include "distributed/worker_table.hpp"

#include <algorithm>

namespace cicada::distributed {

bool WorkerTable::join(const std::string& id, const Hello& hello, MonoTime now) {
  if (auto* w = find(id)) {
    w->last_seen = now;
    return false;
  }
  std::erase_if(missing_, [&](const WorkerInfo& w) { return w.id == id; });
  WorkerInfo info;
  info.id = id;
  info.hello = hello;
  info.index = next_index_++;
  info.last_seen = now;
  workers_.push_back(std::move(info));
  return true;
}

WorkerInfo* WorkerTable::find(const std::string& id) {
  auto it = std::find_if(workers_.begin(), workers_.end(), [&](const WorkerInfo& w) { return w.id == id; });
  return it == workers_.end() ? nullptr : &*it;
}

void WorkerTable::remove(const std::string& id) {
  auto same = [&](const WorkerInfo& w) { return w.id == id; };
  std::erase_if(workers_, same);
  std::erase_if(missing_, same);
}

std::vector<WorkerInfo> WorkerTable::expire(MonoTime now, std::chrono::milliseconds timeout,
                                            std::uint64_t test_id) {
  std::vector<WorkerInfo> gone;
  std::erase_if(workers_, [&](WorkerInfo& w) {
    if (now - w.last_seen <= timeout) return false;
    w.missing_since = now;
    w.lost_in_test = test_id;
    gone.push_back(std::move(w));
    return true;
  });
  missing_.insert(missing_.end(), gone.begin(), gone.end());
  return gone;
}

WorkerInfo* WorkerTable::readmit(const std::string& id, MonoTime now) {
  auto it = std::find_if(missing_.begin(), missing_.end(), [&](const WorkerInfo& w) { return w.id == id; });
  if (it == missing_.end()) return nullptr;
  workers_.push_back(std::move(*it));
  missing_.erase(it);
  workers_.back().last_seen = now;
  return &workers_.back();
}

bool WorkerTable::accept_stats(const std::string& id, std::uint64_t test_id, std::uint64_t seq) {
  WorkerInfo* w = find(id);
  if (!w || test_id == 0 || w->test_id != test_id || seq <= w->last_seq) return false;
  w->last_seq = seq;
  return true;
}

int WorkerTable::reported_users() const {
  int total = 0;
  for (const auto& w : workers_) total += w.user_count;
  return total;
}

}  // namespace cicada::distributed
