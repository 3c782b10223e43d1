#include "distributed/worker_node.hpp"

#include <unistd.h>

#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "base/process_usage.hpp"
#include "distributed/transport.hpp"
#include "distributed/worker_option_support.hpp"
#include "distributed/worker_test.hpp"
#include "runner/run_options.hpp"

namespace cicada::distributed {

using namespace std::chrono_literals;

namespace {

std::string default_worker_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::random_device rd;
  return std::string(host[0] ? host : "worker") + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(rd() % 100000);
}

// How long after its run time and stop timeout a worker waits for the master's stop before stopping its
// users itself (the master's own stop comes within a second of them).
constexpr auto kMasterStopGrace = std::chrono::seconds(5);

std::string hostname() {
  char host[256] = {};
  return ::gethostname(host, sizeof(host) - 1) == 0 ? host : "";
}

}  // namespace

struct WorkerNode::Impl {
  explicit Impl(WorkerOptions o)
      : options(std::move(o)), socket(options.id.empty() ? default_worker_id() : options.id) {}
  ~Impl() {
    if (loading.joinable()) loading.join();
  }

  WorkerOptions options;
  WorkerSocket socket;
  std::unique_ptr<WorkerTest> test;
  // A C++ scenario compiles for seconds: a test is loaded on a thread of its own while this thread keeps
  // the heartbeats going (else the master would take the worker for missing). What the master says about
  // that test meanwhile (a new share, a stop) is applied once it is loaded.
  // (A thread and a slot rather than std::future: g++ 12 warns falsely on future<Result<unique_ptr>>.)
  std::thread loading;
  std::mutex loaded_mutex;
  std::optional<Result<std::unique_ptr<WorkerTest>>> loaded;  // guarded by loaded_mutex
  std::uint64_t loading_id = 0;
  std::optional<Spawn> loading_share;
  bool loading_stop = false;
  bool stop_sent_stopped = true;  // Stopped already reported for `test` (or no test)
  std::function<void()> on_quit;  // the last test's scenario code for when the worker quits
  // Ends the test and runs the last scenario's quitting code: the worker is leaving.
  void leave() {
    finish_test();
    if (on_quit) std::exchange(on_quit, {})();
    flush_custom_messages();  // what its test_stop and quitting listeners sent
  }
  bool stopping = false;
  // When the test's run time and stop timeout have passed, plus a grace for the master's own stop: a
  // worker whose master died (or hangs) stops its users then, not at --master-timeout (60 s), which let
  // a killed master's workers load the target for a minute past -t (a probe). None: no run time.
  std::optional<MonoTime> stop_by;
  bool master_heard = false;
  bool said_unheard = false;  // the warning that the master has not answered yet, said once
  MonoTime last_from_master{};
  MonoTime last_heartbeat{};
  ProcessUsage usage;

  std::size_t threads() const { return options.threads ? options.threads : runner::usable_cpus(); }
  void send(Body body) { socket.send(Message{socket.id(), std::move(body)}); }

  void flush_custom_messages() {
    if (!options.messages) return;
    for (auto& m : options.messages->take_sent()) send(Custom{std::move(m.type), std::move(m.data)});
  }

  void flush_stats() {
    if (!test) return;
    for (auto& stats : test->take_outbox()) send(std::move(stats));
  }

  // Ends the current test: waits for the runner (it ships its last deltas), flushes them, confirms.
  void finish_test() {
    take_loaded(true);
    if (!test) return;
    test->stop();
    test->join();
    flush_stats();
    flush_custom_messages();  // what its test_stop listeners sent goes before the master hears it stopped
    if (!stop_sent_stopped) send(Stopped{test->test_id(), test->last_seq()});
    if (auto hook = test->on_quit()) on_quit = std::move(hook);
    test.reset();
    stopping = false;
    stop_sent_stopped = true;
    // No test runs: what the master sends waits for the next test's load of the locustfile (its
    // test_start takes it) or for the worker's quitting listeners.
    if (options.messages) options.messages->hold();
  }

  void on_start(const Start& start) {
    finish_test();  // holds the master's messages until this test's test_start
    stop_by.reset();
    if (start.options.run_time)
      stop_by = mono_now() + *start.options.run_time + start.options.stop_timeout + kMasterStopGrace;
    loading_id = start.test_id;
    loading_share.reset();
    loading_stop = false;
    loading = std::thread([this, start, n = threads()] {
      auto result = WorkerTest::start(start, n, options.load_other);
      std::lock_guard lock(loaded_mutex);
      loaded.emplace(std::move(result));
    });
  }

  // The loaded test, once it is (or at once, waiting, with `wait`): runs it, or reports why it cannot.
  void take_loaded(bool wait) {
    if (!loading.joinable()) return;
    if (!wait) {
      std::lock_guard lock(loaded_mutex);
      if (!loaded) return;
    }
    loading.join();
    auto started = std::move(*loaded);
    loaded.reset();
    if (!started) {
      log::error("cannot run test {}: {}", loading_id, started.error().message);
      send(WorkerError{loading_id, started.error().message});
      return;
    }
    test = std::move(*started);
    stop_sent_stopped = false;
    if (loading_share) test->set_share(*loading_share);
    if (loading_stop) {
      test->stop();
      stopping = true;
    }
  }

  // Returns an exit code when the worker should exit.
  std::optional<int> handle(Message&& message) {
    last_from_master = mono_now();
    if (!master_heard)
      log::info("Connected to the master at {}:{}", options.master_host, options.master_port);
    master_heard = true;
    if (const auto* start = std::get_if<Start>(&message.body)) {
      on_start(*start);
    } else if (const auto* spawn = std::get_if<Spawn>(&message.body)) {
      if (test && test->test_id() == spawn->test_id) test->set_share(*spawn);
      if (loading.joinable() && loading_id == spawn->test_id) loading_share = *spawn;
    } else if (const auto* stop = std::get_if<Stop>(&message.body)) {
      if (test && test->test_id() == stop->test_id) {
        // What the master sends from now on is for its next test (or this worker's quitting listeners):
        // held, even if this test is still stopping when the next one's messages arrive.
        if (options.messages) options.messages->hold();
        test->stop();
        stopping = true;  // confirmed from the loop once the runner has finished (stop timeout)
      }
      if (loading.joinable() && loading_id == stop->test_id) loading_stop = true;
    } else if (auto* custom = std::get_if<Custom>(&message.body)) {
      if (options.messages)
        // Its node_id is this worker's id, as Locust's master addresses a worker's messages.
        options.messages->deliver({std::move(custom->type), std::move(custom->data), socket.id()});
      else
        log::debug("custom message '{}' from the master dropped: this worker runs no locustfile",
                   custom->type);
    } else if (std::holds_alternative<Quit>(message.body)) {
      log::info("The master said quit");
      leave();
      return kWorkerQuit;
    }
    return std::nullopt;
  }

  void heartbeat(MonoTime now) {
    if (now - last_heartbeat < options.heartbeat_interval) return;
    last_heartbeat = now;
    // Until the master answers, repeat the Hello: it may have started after us, or restarted.
    if (!master_heard) {
      send(Hello{hostname(), static_cast<std::uint32_t>(::getpid()), static_cast<std::uint32_t>(threads()),
                 known_run_options()});
      return;
    }
    send(Heartbeat{test ? test->state() : "ready", test ? test->user_count() : 0, usage.cpu_percent(),
                   ProcessUsage::resident_bytes()});
  }
};

WorkerNode::WorkerNode(WorkerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
WorkerNode::~WorkerNode() = default;

constexpr auto kUnheardWarning = std::chrono::seconds(3);

int WorkerNode::run() {
  Impl& s = *impl_;
  if (auto r = s.socket.connect(s.options.master_host, s.options.master_port); !r) {
    log::error("{}", r.error().message);
    return kWorkerMasterLost;
  }
  log::info("Worker {} connecting to the master at {}:{}", s.socket.id(), s.options.master_host,
            s.options.master_port);
  s.last_from_master = mono_now();
  if (s.options.messages) s.options.messages->hold();  // until the first test's test_start
  while (true) {
    const MonoTime now = mono_now();
    if (exit_requested_.load()) {
      s.leave();
      s.send(Goodbye{});
      return kWorkerQuit;
    }
    // ZeroMQ connects in the background and says nothing of a refused connection: a worker pointed at no
    // master was silent until --master-timeout (60 s). A few seconds without an answer are said at once.
    if (!s.master_heard && !s.said_unheard && now - s.last_from_master > kUnheardWarning &&
        s.options.master_timeout > kUnheardWarning) {
      s.said_unheard = true;
      log::warning(
          "No answer yet from the master at {}:{} (is it running, and is that its address?); "
          "waiting for it up to --master-timeout ({:g} s in all)",
          s.options.master_host, s.options.master_port,
          std::chrono::duration<double>(s.options.master_timeout).count());
    }
    if (now - s.last_from_master > s.options.master_timeout) {
      if (!s.master_heard)
        log::error("The master at {}:{} never answered in {} ms (--master-timeout): exiting (code {})",
                   s.options.master_host, s.options.master_port, s.options.master_timeout.count(),
                   kWorkerMasterLost);
      else
        log::error("No word from the master for {} ms: stopping users and exiting (code {})",
                   s.options.master_timeout.count(), kWorkerMasterLost);
      s.leave();
      s.send(Goodbye{});
      return kWorkerMasterLost;
    }
    if (s.stop_by && now > *s.stop_by && s.test && !s.stopping) {
      log::warning(
          "The test's run time and stop timeout passed with no stop from the master: stopping the "
          "users (is the master gone?)");
      s.test->stop();
      s.stopping = true;
      s.stop_by.reset();
    }
    s.heartbeat(now);
    s.take_loaded(false);
    s.flush_stats();
    s.flush_custom_messages();
    if (s.stopping && s.test && s.test->finished()) s.finish_test();
    if (auto m = s.socket.receive(50ms)) {
      if (auto code = s.handle(std::move(*m))) return *code;
    }
  }
}

}  // namespace cicada::distributed
