// A user type's own client settings (UserType::client, YAML `client:`) apply to its users only: in one
// run against one loopback server, a type that skips TLS verification or has a short request timeout
// behaves so while the other type keeps the run's settings.
#include <gtest/gtest.h>

#include "runner/local_runner.hpp"
#include "support/h2_server.hpp"
#include "support/scripted_server.hpp"
#include "support/tls_identity.hpp"

using namespace std::chrono_literals;
using cicada::Scenario;
using cicada::Task;
using cicada::TaskSpec;
using cicada::User;
using cicada::UserType;
using cicada::runner::LocalRunner;
using cicada::runner::RunOptions;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;

namespace {

// One user of a type that GETs `path` every 50 ms.
UserType one_user_getting(std::string name, std::string path) {
  TaskSpec task;
  task.name = "get";
  task.fn = [path](User& u) -> Task<> { co_await u.client().get(path); };
  UserType t;
  t.name = std::move(name);
  t.fixed_count = 1;
  t.wait_time = cicada::WaitTime::constant(0.05);
  t.tasks.push_back(std::move(task));
  return t;
}

// Runs the scenario with two users until each entry in `paths` has completed two requests (60 s at
// most: a bound that only catches a hang), so a slow machine (TLS handshakes under ASan) waits longer
// instead of failing, as a fixed 1 s run did under ASan; the snapshot at the end.
cicada::stats::Snapshot run(Scenario s, const std::string& host, std::chrono::milliseconds request_timeout,
                            std::vector<std::string> paths) {
  RunOptions o;
  o.host = host;
  o.users = 2;
  o.spawn_rate = 100;
  o.run_time = 60s;
  o.threads = 1;
  o.request_timeout = request_timeout;
  o.stop_timeout = 30s;  // requests in flight at the stop finish (an unanswered one could count as failed)
  LocalRunner runner(std::move(s), o);
  EXPECT_TRUE(runner.prepare().ok());
  runner.run([&](const cicada::stats::Snapshot& snap) {
    std::size_t done = 0;
    for (const auto& e : snap.entries)
      for (const auto& path : paths) done += e.name == path && e.num_requests >= 2;
    if (done == paths.size()) runner.stop();
  });
  auto snap = runner.snapshot();
  return snap ? *snap : cicada::stats::Snapshot{};
}

// The entry `name` has requests and every one failed, one of them with a text containing `error`.
void expect_all_failed(const cicada::stats::Snapshot& s, std::string_view name, std::string_view error) {
  std::uint64_t requests = 0, failures = 0;
  for (const auto& e : s.entries)
    if (e.name == name) requests = e.num_requests, failures = e.num_failures;
  EXPECT_GE(requests, 2u) << name;
  EXPECT_EQ(failures, requests) << name;
  bool seen = false;
  for (const auto& f : s.failures)
    seen = seen || (f.name == name && f.error.find(error) != std::string::npos);
  EXPECT_TRUE(seen) << name << ": no failure containing " << error;
}

// The entry `name` has requests and none failed.
void expect_all_passed(const cicada::stats::Snapshot& s, std::string_view name) {
  std::uint64_t requests = 0, failures = 0;
  for (const auto& e : s.entries)
    if (e.name == name) requests = e.num_requests, failures = e.num_failures;
  EXPECT_GE(requests, 2u) << name;
  EXPECT_EQ(failures, 0u) << name;
}

TEST(UserTypeClient, OnlyTheTypeThatSkipsVerificationTrustsASelfSignedServer) {
  ScriptedServer server(cicada::testing::make_self_signed_tls());
  server.set_recording(false);
  server.set_fallback(ScriptedReply::respond(200, "ok"));
  Scenario s;
  s.source = "client_settings_test";
  s.user_types.push_back(one_user_getting("Strict", "/strict"));
  s.user_types.push_back(one_user_getting("Trusting", "/trusting"));
  s.user_types.back().client.verify_tls = false;
  const auto snap = run(std::move(s), server.url(), 5000ms, {"/strict", "/trusting"});

  expect_all_failed(snap, "/strict", "certificate verify failed");
  expect_all_passed(snap, "/trusting");
}

TEST(UserTypeClient, ATypesRequestTimeoutAppliesToItsUsersOnly) {
  // Every answer comes 600 ms after its request: the impatient type (200 ms) can never get one, whatever
  // the machine's load; the patient type keeps the run's 10 s and gets every one it waits for.
  ScriptedServer server;
  server.set_recording(false);
  ScriptedReply slow = ScriptedReply::respond(200, "late");
  slow.delay = 600ms;
  server.set_fallback(slow);
  Scenario s;
  s.source = "client_settings_test";
  s.user_types.push_back(one_user_getting("Patient", "/patient"));
  s.user_types.push_back(one_user_getting("Impatient", "/impatient"));
  s.user_types.back().client.request_timeout = 200ms;
  const auto snap = run(std::move(s), server.url(), 10'000ms, {"/patient", "/impatient"});

  expect_all_failed(snap, "/impatient", "request timeout");
  expect_all_passed(snap, "/patient");
}

TEST(UserTypeClient, OnlyTheTypeWithHttp2SpeaksHttp2) {
  // An HTTP/2-only server (h2c): the type with `http2` gets its answers, the HTTP/1.1 type cannot.
  cicada::testing::H2Server server([](const cicada::testing::RecordedRequest&) {
    return cicada::testing::H2Reply(ScriptedReply::respond(200, "ok"));
  });
  Scenario s;
  s.source = "client_settings_test";
  s.user_types.push_back(one_user_getting("Http11", "/h1"));
  s.user_types.push_back(one_user_getting("Http2", "/h2"));
  s.user_types.back().client.http2 = true;
  const auto snap = run(std::move(s), server.url(), 5000ms, {"/h1", "/h2"});

  expect_all_failed(snap, "/h1", "");
  expect_all_passed(snap, "/h2");
}

}  // namespace
