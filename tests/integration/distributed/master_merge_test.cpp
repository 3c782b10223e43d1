// MasterRunner in this process on a real ZeroMQ ROUTER socket (loopback, ephemeral port), with three
// scripted workers on real DEALER sockets that send known samples. The master's percentiles must be
// exactly those of one histogram that saw every sample, whatever worker sent it and even when a
// message arrives twice.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/clock.hpp"
#include "distributed/master_runner.hpp"
#include "distributed/transport.hpp"
#include "stats/histogram.hpp"

using namespace std::chrono_literals;
using namespace cicada::distributed;
using cicada::stats::Histogram;

namespace {

// The samples worker w sends in its message k (deterministic, different per worker and second).
std::vector<std::int64_t> samples(int w, int k) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < 50 + 10 * w; ++i) out.push_back(100 + (w * 7919 + k * 104729 + i * 31337) % 90000);
  return out;
}

cicada::stats::StatsDelta delta_of(const std::vector<std::int64_t>& values) {
  Histogram h;
  for (auto v : values) h.record(v);
  cicada::stats::StatsDelta d;
  d.taken_at_unix_s = cicada::unix_seconds_now_f();
  cicada::stats::EntryDelta e;
  e.method = "GET";
  e.name = "/x";
  e.num_requests = values.size();
  e.latency = h.to_sparse();
  d.entries.push_back(std::move(e));
  return d;
}

struct ScriptedWorker {
  int index;
  int port;
  std::atomic<int> started_users{-1};
  std::atomic<bool> got_quit{false};
  std::thread thread;

  // Joins, waits for Start, sends 3 stats messages (the second one twice), then confirms the Stop.
  void run() {
    WorkerSocket socket("scripted-" + std::to_string(index));
    ASSERT_TRUE(socket.connect("127.0.0.1", port));
    socket.send({socket.id(), Hello{"test", 1, 1}});
    std::uint64_t test_id = 0;
    std::uint64_t seq = 0;
    const auto deadline = cicada::mono_now() + 10s;
    while (cicada::mono_now() < deadline) {
      socket.send({socket.id(), Heartbeat{"running", std::max(0, started_users.load())}});
      auto m = socket.receive(100ms);
      if (!m) continue;
      if (auto* start = std::get_if<Start>(&m->body)) {
        test_id = start->test_id;
        started_users = start->users;
        for (int k = 0; k < 3; ++k) {
          Stats stats{test_id, ++seq, start->users, {delta_of(samples(index, k))}};
          socket.send({socket.id(), stats});
          if (k == 1) socket.send({socket.id(), stats});  // a duplicate must be merged once
        }
      } else if (std::holds_alternative<Stop>(m->body)) {
        socket.send({socket.id(), Stopped{test_id, seq}});
      } else if (std::holds_alternative<Quit>(m->body)) {
        got_quit = true;
        return;
      }
    }
  }
};

TEST(MasterMerge, PercentilesEqualOneHistogramOfEverySample) {
  cicada::runner::RunOptions ro;
  ro.users = 10;
  ro.spawn_rate = 100;
  ro.run_time = 2500ms;
  MasterOptions mo;
  mo.bind_host = "127.0.0.1";
  mo.bind_port = 0;
  mo.expect_workers = 3;
  mo.expect_workers_max_wait = 5s;
  MasterRunner master({"yaml", "unused.yaml", "", ""}, ro, mo);
  ASSERT_TRUE(master.bind());
  ASSERT_GT(master.port(), 0);

  std::vector<std::unique_ptr<ScriptedWorker>> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(std::make_unique<ScriptedWorker>());
    workers.back()->index = i;
    workers.back()->port = master.port();
    workers.back()->thread = std::thread([w = workers.back().get()] { w->run(); });
  }
  ASSERT_TRUE(master.wait_for_workers());
  int seconds = 0;
  master.run([&](const cicada::stats::Snapshot&) { ++seconds; });
  master.quit_workers();
  for (auto& w : workers) w->thread.join();

  EXPECT_GE(seconds, 2);
  int shared = 0;
  for (auto& w : workers) {
    EXPECT_TRUE(w->got_quit) << "worker " << w->index;
    EXPECT_GE(w->started_users, 3);
    EXPECT_LE(w->started_users, 4);
    shared += w->started_users;
  }
  EXPECT_EQ(shared, 10);

  Histogram all;
  for (int w = 0; w < 3; ++w)
    for (int k = 0; k < 3; ++k)
      for (auto v : samples(w, k)) all.record(v);
  const auto snap = master.snapshot();
  ASSERT_EQ(snap->entries.size(), 1u);
  const auto& e = snap->total;
  EXPECT_EQ(e.num_requests, all.count());
  for (double q : {0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0}) {
    EXPECT_EQ(e.latency->value_at_quantile(q), all.value_at_quantile(q)) << "q=" << q;
  }
  EXPECT_EQ(e.latency->min(), all.min());
  EXPECT_EQ(e.latency->sum_us(), all.sum_us());
}

TEST(MasterMerge, GivesUpWhenTooFewWorkersCome) {
  cicada::runner::RunOptions ro;
  MasterOptions mo;
  mo.bind_host = "127.0.0.1";
  mo.bind_port = 0;
  mo.expect_workers = 2;
  mo.expect_workers_max_wait = 300ms;
  MasterRunner master({"yaml", "unused.yaml", "", ""}, ro, mo);
  ASSERT_TRUE(master.bind());
  const auto t0 = cicada::mono_now();
  auto r = master.wait_for_workers();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("0 of 2"), std::string::npos) << r.error().message;
  // Without the limit it would wait forever: 10 s only tells the two apart, whatever the machine's load.
  EXPECT_LT(cicada::mono_now() - t0, 10s);
}

}  // namespace
