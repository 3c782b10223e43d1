// A real `cicada --worker` running a locustfile, and a master scripted in this process (its ROUTER socket)
// that sends custom messages a real master never would: data that is not JSON, not UTF-8, or nested past
// Python's recursion limit, a type that is not UTF-8, and a listener that raises. Each is said and dropped;
// the messages after them still reach their listeners, the held ones before the test's users start, and
// the worker quits cleanly when told. Bounded by deadlines; loopback only.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>

#include "base/clock.hpp"
#include "distributed/transport.hpp"
#include "fleet.hpp"
#include "support/child_process.hpp"
#include "support/scripted_server.hpp"
#include "support/text_count.hpp"

using namespace std::chrono_literals;
using namespace cicada::distributed;
using cicada::testing::ChildProcess;
using cicada::testing::TempDir;

namespace {

constexpr const char* kLocustfile =
    "from locust import HttpUser, constant, events, task\n"
    "def greet(environment, msg, **kw):\n"
    "    print(f'greeted {msg.data}', flush=True)\n"
    "def boom(environment, msg, **kw):\n"
    "    raise RuntimeError('the listener failed')\n"
    "def direct(environment, msg, **kw):\n"
    "    print(f'direct {msg.data}', flush=True)\n"
    "@events.init.add_listener\n"
    "def init(environment, **kw):\n"
    "    environment.runner.register_message('greet', greet)\n"
    "    environment.runner.register_message('boom', boom)\n"
    "    environment.runner.custom_messages['direct'] = direct  # as Locust 2.12 keeps a listener\n"
    "@events.test_start.add_listener\n"
    "def started(environment, **kw):\n"
    "    print('test_start listeners run', flush=True)\n"
    "class Idle(HttpUser):\n"
    "    wait_time = constant(1)\n"
    "    @task\n"
    "    def nothing(self):\n"
    "        pass\n";

// The next message from the worker of this type within `timeout`, skipping others (heartbeats, stats).
template <class T>
std::optional<Message> next_of(MasterSocket& socket, std::chrono::milliseconds timeout) {
  const auto deadline = cicada::mono_now() + timeout;
  while (cicada::mono_now() < deadline) {
    auto m = socket.receive(50ms);
    if (m && std::holds_alternative<T>(m->body)) return m;
  }
  return std::nullopt;
}

TEST(CustomMessagesWorker, HostileMessagesAreDroppedWithAWordAndTheRestStillArrive) {
  TempDir dir;
  const auto file = dir.path() / "greeter.py";
  std::ofstream(file) << kLocustfile;
  MasterSocket socket;
  ASSERT_TRUE(socket.bind("127.0.0.1", 0));
  ChildProcess worker(cicada::testing::worker_argv(socket.port()), dir.path());
  auto hello = next_of<Hello>(socket, 20s);
  ASSERT_TRUE(hello) << worker.err();
  const std::string id = hello->sender;
  socket.send(id, {"master", Heartbeat{"ready", 0}});

  // Before the test: held for its test_start.
  for (const std::string& data :
       {std::string(100'000, '['), std::string("\xff\xfe"), std::string("not json")})
    socket.send(id, {"master", Custom{"greet", data}});
  socket.send(id, {"master", Custom{"\xff-type", "null"}});
  socket.send(id, {"master", Custom{"greet", "\"before the start\""}});

  Start start;
  start.test_id = 7;
  start.scenario = ScenarioPayload{"py", file.string(), kLocustfile, ""};
  start.options.host = "http://127.0.0.1:" + std::to_string(cicada::testing::ScriptedServer::closed_port());
  start.users = 1;
  start.spawn_rate = 1;
  socket.send(id, {"master", std::move(start)});
  ASSERT_TRUE(worker.wait_for_output("test_start listeners run", 20s)) << worker.out() << worker.err();

  // During the test: delivered as they come.
  socket.send(id, {"master", Custom{"boom", "1"}});
  socket.send(id, {"master", Custom{"direct", "[1, 2]"}});
  socket.send(id, {"master", Custom{"greet", "\"after the boom\""}});
  const auto deadline = cicada::mono_now() + 20s;
  while (worker.out().find("greeted after the boom") == std::string::npos && cicada::mono_now() < deadline) {
    socket.send(id, {"master", Heartbeat{"running", 1}});
    socket.receive(50ms);  // its stats and heartbeats: not looked at
  }

  socket.send(id, {"master", Stop{7}});
  ASSERT_TRUE(next_of<Stopped>(socket, 20s)) << worker.err();
  socket.send(id, {"master", Quit{}});
  EXPECT_EQ(worker.wait(20s), std::optional<int>(0)) << worker.err();

  const std::string out = worker.out(), text = out + worker.err();
  // Held before the start, delivered before its test_start listeners ran.
  const auto greeted = out.find("greeted before the start");
  ASSERT_NE(greeted, std::string::npos) << text;
  EXPECT_LT(greeted, out.find("test_start listeners run")) << text;
  EXPECT_EQ(
      cicada::testing::count_occurrences(text, "Custom message greet received dropped: its data is not JSON"),
      3u)
      << text;
  EXPECT_NE(text.find("Unknown message type received: \\ufffd-type"), std::string::npos) << text;
  EXPECT_NE(text.find("Uncaught exception in handler for boom"), std::string::npos) << text;
  EXPECT_NE(text.find("RuntimeError: the listener failed"), std::string::npos) << text;
  EXPECT_NE(out.find("direct [1, 2]"), std::string::npos) << text;
  EXPECT_NE(out.find("greeted after the boom"), std::string::npos) << text;
}

}  // namespace
