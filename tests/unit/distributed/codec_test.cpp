#include "distributed/codec.hpp"

#include <gtest/gtest.h>

#include <msgpack.hpp>

#include "stats/histogram.hpp"

namespace cicada::distributed {
namespace {

stats::StatsDelta sample_delta() {
  stats::Histogram h;
  for (int v : {3, 250, 1000, 1000, 123456}) h.record(v);
  stats::StatsDelta d;
  d.taken_at_unix_s = 1700000000.25;
  stats::EntryDelta e;
  e.method = "POST";
  e.name = "/predict";
  e.num_requests = 5;
  e.num_failures = 1;
  e.content_bytes = 77;
  e.latency = h.to_sparse();
  d.entries.push_back(e);
  d.failures.push_back({"POST", "/predict", "HTTPError('500')", 1});
  d.exceptions.push_back({"boom", "User.task", 2});
  d.due_iterations = 19;
  d.started_iterations = 15;
  d.dropped_iterations = 4;
  stats::StreamDelta stream;
  stream.method = "POST";
  stream.name = "chat";
  stream.streams = 2;
  stream.events = 9;
  stream.tokens = 8;
  stream.tokens_after_first = 6;
  stream.token_span_us = 60'000;
  stream.ttft = h.to_sparse();
  stream.itl = h.to_sparse();
  d.streams.push_back(stream);
  d.unanswered_requests = 3;
  d.oldest_unanswered_us = 4'900'000;
  d.unanswered_counted = 2;
  d.node = "not sent";  // the master names the sender itself, from the routing id
  return d;
}

TEST(Codec, StatsRoundTripKeepsEveryFieldAndBucket) {
  Stats stats{42, 7, 10, {sample_delta(), sample_delta()}};
  auto decoded = decode(encode(Message{"w1", stats}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->sender, "w1");
  const auto& got = std::get<Stats>(decoded->body);
  EXPECT_EQ(got.test_id, 42u);
  EXPECT_EQ(got.seq, 7u);
  EXPECT_EQ(got.user_count, 10);
  ASSERT_EQ(got.deltas.size(), 2u);
  const auto& d = got.deltas[1];
  const auto want = sample_delta();
  EXPECT_DOUBLE_EQ(d.taken_at_unix_s, want.taken_at_unix_s);
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].name, "/predict");
  EXPECT_EQ(d.entries[0].num_failures, 1u);
  EXPECT_EQ(d.entries[0].content_bytes, 77u);
  EXPECT_EQ(d.entries[0].latency.buckets, want.entries[0].latency.buckets);
  EXPECT_EQ(d.entries[0].latency.max_us, 123456);
  EXPECT_EQ(d.entries[0].latency.sum_us, want.entries[0].latency.sum_us);
  EXPECT_TRUE(d.entries[0].uncorrected_latency.empty());
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].error, "HTTPError('500')");
  ASSERT_EQ(d.exceptions.size(), 1u);
  EXPECT_EQ(d.exceptions[0].count, 2u);
  EXPECT_EQ(d.dropped_iterations, 4u);
  ASSERT_EQ(d.streams.size(), 1u);
  EXPECT_EQ(d.streams[0].name, "chat");
  EXPECT_EQ(d.streams[0].tokens_after_first, 6u);
  EXPECT_EQ(d.streams[0].token_span_us, 60'000);
  EXPECT_EQ(d.streams[0].itl.buckets, want.streams[0].itl.buckets);
  EXPECT_TRUE(d.streams[0].ttfb.empty());
  EXPECT_EQ(d.unanswered_requests, 3u);
  EXPECT_EQ(d.oldest_unanswered_us, 4'900'000);
  EXPECT_EQ(d.unanswered_counted, 2u);
  EXPECT_TRUE(d.node.empty());
  EXPECT_EQ(d.due_iterations, 19u);
  EXPECT_EQ(d.started_iterations, 15u);
}

TEST(Codec, StartRoundTrip) {
  Start start;
  start.test_id = 9;
  start.scenario = {"py", "locustfile.py", "from locust import User\n",
                    R"({"target_path": "/a", "tries": 2})"};
  start.options.host = "http://127.0.0.1:8080";
  start.options.tags = {"a", "b"};
  start.options.stop_timeout = std::chrono::microseconds(1'500'000);
  start.options.seed = 123;
  start.worker_index = 2;
  start.users = 5;
  start.spawn_rate = 2.5;
  start.open_model = true;
  start.arrival_rate = 62.5;
  start.max_inflight = 250;
  start.fixed_counts = {{"Admin", 1}, {"Robot", 0}};
  start.user_types = {"Robot", "Admin"};
  auto decoded = decode(encode(Message{"master", start}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& got = std::get<Start>(decoded->body);
  EXPECT_EQ(got.scenario.text, start.scenario.text);
  EXPECT_EQ(got.scenario.file_name, "locustfile.py");
  EXPECT_EQ(got.scenario.kind, "py");
  EXPECT_EQ(got.scenario.parsed_options, start.scenario.parsed_options);
  EXPECT_EQ(got.options.tags, start.options.tags);
  EXPECT_EQ(got.options.stop_timeout.count(), 1'500'000);
  EXPECT_EQ(got.options.seed, 123u);
  EXPECT_EQ(got.worker_index, 2u);
  EXPECT_EQ(got.users, 5);
  EXPECT_DOUBLE_EQ(got.spawn_rate, 2.5);
  EXPECT_TRUE(got.open_model);
  EXPECT_DOUBLE_EQ(got.arrival_rate, 62.5);
  EXPECT_EQ(got.max_inflight, 250u);
  EXPECT_EQ(got.fixed_counts, start.fixed_counts);
  EXPECT_EQ(got.user_types, start.user_types);  // in the master's order
}

TEST(Codec, SpawnCarriesTheArrivalRateShare) {
  Spawn spawn;
  spawn.test_id = 3;
  spawn.users = 4;
  spawn.spawn_rate = 2.0;
  spawn.arrival_rate = 37.5;
  auto decoded = decode(encode(Message{"master", spawn}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& got = std::get<Spawn>(decoded->body);
  EXPECT_EQ(got.users, 4);
  EXPECT_DOUBLE_EQ(got.arrival_rate, 37.5);
  // Fields added later keep their "keep what you have" defaults when the master does not send them.
  EXPECT_EQ(got.max_inflight, 0u);
  EXPECT_TRUE(got.fixed_counts.empty());
}

TEST(Codec, SpawnCarriesTheMaxInflightAndFixedCountShares) {
  Spawn spawn;
  spawn.test_id = 3;
  spawn.max_inflight = 500;
  spawn.fixed_counts = {{"Admin", 2}, {"Robot", 0}};
  auto decoded = decode(encode(Message{"master", spawn}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& got = std::get<Spawn>(decoded->body);
  EXPECT_EQ(got.max_inflight, 500u);
  EXPECT_EQ(got.fixed_counts, spawn.fixed_counts);
}

TEST(Codec, EveryTypeHasItsWireName) {
  EXPECT_STREQ(type_name(Body{Hello{}}), "hello");
  EXPECT_STREQ(type_name(Body{Quit{}}), "quit");
  EXPECT_STREQ(type_name(Body{WorkerError{}}), "error");
  auto decoded = decode(encode(Message{"w", Goodbye{}}));
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(std::holds_alternative<Goodbye>(decoded->body));
}

std::string raw(std::uint32_t version, const std::string& type, bool map_body = true) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(&buf);
  pk.pack_array(4);
  pk.pack(version);
  pk.pack(type);
  pk.pack(std::string("w"));
  if (map_body) {
    pk.pack_map(2);
    pk.pack(std::string("users"));
    pk.pack(3);
    pk.pack(std::string("a_field_from_the_future"));
    pk.pack(std::string("ignored"));
  } else {
    pk.pack(1);
  }
  return std::string(buf.data(), buf.size());
}

TEST(Codec, UnknownFieldsAreIgnoredMissingOnesKeepDefaults) {
  auto decoded = decode(raw(kProtocolVersion, "spawn"));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& spawn = std::get<Spawn>(decoded->body);
  EXPECT_EQ(spawn.users, 3);
  EXPECT_EQ(spawn.test_id, 0u);
  EXPECT_DOUBLE_EQ(spawn.spawn_rate, 1.0);
}

TEST(Codec, HeartbeatCarriesWorkerCpuAndMemory) {
  auto decoded = decode(encode(Message{"w1", Heartbeat{"running", 5, 93.5, 123456789}}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& hb = std::get<Heartbeat>(decoded->body);
  EXPECT_EQ(hb.state, "running");
  EXPECT_EQ(hb.user_count, 5);
  EXPECT_DOUBLE_EQ(hb.cpu_usage, 93.5);
  EXPECT_EQ(hb.memory_usage, 123456789u);
}

TEST(Codec, HeartbeatOfAnOlderWorkerHasNoCpuOrMemory) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(4);
  pk.pack(kProtocolVersion);
  pk.pack(std::string("heartbeat"));
  pk.pack(std::string("w1"));
  pk.pack_map(2);
  pk.pack(std::string("state"));
  pk.pack(std::string("ready"));
  pk.pack(std::string("user_count"));
  pk.pack(0);
  auto decoded = decode(std::string(buf.data(), buf.size()));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& hb = std::get<Heartbeat>(decoded->body);
  EXPECT_EQ(hb.state, "ready");
  EXPECT_DOUBLE_EQ(hb.cpu_usage, 0.0);
  EXPECT_EQ(hb.memory_usage, 0u);
}

TEST(Codec, HelloCarriesTheOptionsTheWorkerKnowsAnEmptyListStaysEmpty) {
  const std::vector<std::string> names = {"host", "poisson_arrivals"};
  for (const auto& known : {names, std::vector<std::string>{}}) {
    auto decoded = decode(encode(Message{"w1", Hello{"box", 12, 4, known}}));
    ASSERT_TRUE(decoded) << decoded.error().message;
    const auto& hello = std::get<Hello>(decoded->body);
    EXPECT_EQ(hello.hostname, "box");
    EXPECT_EQ(hello.threads, 4u);
    ASSERT_TRUE(hello.known_options.has_value());
    EXPECT_EQ(*hello.known_options, known);
  }
}

TEST(Codec, HelloOfAnOlderWorkerHasNoListOfOptions) {
  // As a worker from before `known_options` sends it: absent reads as no list, not as an empty one.
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(4);
  pk.pack(kProtocolVersion);
  pk.pack(std::string("hello"));
  pk.pack(std::string("w1"));
  pk.pack_map(3);
  pk.pack(std::string("hostname"));
  pk.pack(std::string("box"));
  pk.pack(std::string("pid"));
  pk.pack(12);
  pk.pack(std::string("threads"));
  pk.pack(4);
  auto decoded = decode(std::string(buf.data(), buf.size()));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& hello = std::get<Hello>(decoded->body);
  EXPECT_EQ(hello.pid, 12u);
  EXPECT_FALSE(hello.known_options.has_value());
  // And a hello built without a list says so on the wire (nil), read back the same.
  auto resent = decode(encode(Message{"w1", hello}));
  ASSERT_TRUE(resent) << resent.error().message;
  EXPECT_FALSE(std::get<Hello>(resent->body).known_options.has_value());
}

// A stats message whose one delta is the given array (packed by fill), as a worker would send it.
template <class Fill>
std::string stats_with_delta(std::uint32_t delta_fields, Fill fill) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(4);
  pk.pack(kProtocolVersion);
  pk.pack(std::string("stats"));
  pk.pack(std::string("w1"));
  pk.pack_map(2);
  pk.pack(std::string("test_id"));
  pk.pack(9);
  pk.pack(std::string("deltas"));
  pk.pack_array(1);
  pk.pack_array(delta_fields);
  fill(pk);
  return std::string(buf.data(), buf.size());
}

TEST(Codec, ADeltaOfAnOlderWorkerKeepsTheLaterFieldsAtZero) {
  // Version 2's first deltas ended at dropped_iterations; the fields added after it read as 0.
  auto decoded = decode(stats_with_delta(5, [](auto& pk) {
    pk.pack(1700000000.5);
    pk.pack_array(1);
    pk.pack_array(7);
    for (auto s : {"GET", "/x"}) pk.pack(std::string(s));
    for (int v : {4, 1, 10}) pk.pack(v);
    pk.pack_array(5);  // the 4 requests' latencies: all 10 us
    for (int v : {4, 40, 10, 10}) pk.pack(v);
    pk.pack_array(2);
    for (int v : {10, 4}) pk.pack(v);
    pk.pack_array(5);  // no uncorrected latencies: the same
    for (int v : {0, 0, 0, 0}) pk.pack(v);
    pk.pack_array(0);
    pk.pack_array(0);
    pk.pack_array(0);
    pk.pack(7);
  }));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& d = std::get<Stats>(decoded->body).deltas.at(0);
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].name, "/x");
  EXPECT_EQ(d.entries[0].num_requests, 4u);
  EXPECT_EQ(d.entries[0].content_bytes, 10u);
  EXPECT_EQ(d.dropped_iterations, 7u);
  EXPECT_TRUE(d.streams.empty());
  EXPECT_EQ(d.unanswered_requests, 0u);
  EXPECT_EQ(d.unanswered_counted, 0u);
  EXPECT_EQ(d.due_iterations, 0u);
}

TEST(Codec, ARecordShorterThanItsFirstVersionIsMalformed) {
  // An entry of three fields, and a delta of four: neither was ever sent by any worker.
  auto short_entry = decode(stats_with_delta(5, [](auto& pk) {
    pk.pack(1.0);
    pk.pack_array(1);
    pk.pack_array(3);
    pk.pack(std::string("GET"));
    pk.pack(std::string("/x"));
    pk.pack(4);
    pk.pack_array(0);
    pk.pack_array(0);
    pk.pack(0);
  }));
  ASSERT_FALSE(short_entry);
  EXPECT_NE(short_entry.error().message.find("malformed"), std::string::npos) << short_entry.error().message;
  EXPECT_FALSE(decode(stats_with_delta(4, [](auto& pk) {
    pk.pack(1.0);
    for (int i = 0; i < 3; ++i) pk.pack_array(0);
  })));
}

TEST(Codec, RejectsOtherVersionsUnknownTypesAndGarbage) {
  auto other = decode(raw(kProtocolVersion + 1, "spawn"));
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("protocol version " + std::to_string(kProtocolVersion + 1)),
            std::string::npos)
      << other.error().message;
  auto unknown = decode(raw(kProtocolVersion, "teleport"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("teleport"), std::string::npos);
  EXPECT_FALSE(decode(raw(kProtocolVersion, "spawn", false)));
  EXPECT_FALSE(decode("\xc1 not msgpack"));
  EXPECT_FALSE(decode(""));
  // A stats message whose histogram is cut short is an error, not a crash.
  std::string bytes = encode(Message{"w", Stats{1, 1, 1, {sample_delta()}}});
  EXPECT_FALSE(decode(std::string_view(bytes).substr(0, bytes.size() - 20)));
}

TEST(Codec, AStatsDeltaThatBreaksItsInvariantsIsRefused) {
  // Anything that reaches the master's port can send a stats message: one whose histogram count no bucket
  // backed crashed the master (a probe), and 2^63 requests or more failures than requests reached the
  // reports. Each such delta is refused with its reason; the message is dropped, not merged.
  struct Case {
    const char* says;
    void (*spoil)(stats::StatsDelta&);
  };
  const Case cases[] = {
      {"count is not the sum of its buckets",
       [](stats::StatsDelta& d) {
         d.entries[0].latency.count += 1;
         d.entries[0].num_requests += 1;
       }},
      {"count is not the sum of its buckets",  // the probe's message: a count, no bucket
       [](stats::StatsDelta& d) {
         d.entries[0].latency.buckets.clear();
         d.entries[0].latency.count = 1;
         d.entries[0].num_requests = 1;
         d.entries[0].num_failures = 0;
       }},
      {"bucket out of range",
       [](stats::StatsDelta& d) {
         d.entries[0].latency.buckets.back().index = stats::Histogram::kBucketCount;
       }},
      {"out of order",
       [](stats::StatsDelta& d) {
         std::swap(d.entries[0].latency.buckets[0], d.entries[0].latency.buckets[1]);
       }},
      {"latencies do not match its requests", [](stats::StatsDelta& d) { d.entries[0].num_requests = 9; }},
      {"uncorrected latencies do not match",
       [](stats::StatsDelta& d) {
         d.entries[0].uncorrected_latency = d.entries[0].latency;
         d.entries[0].uncorrected_latency.buckets[0].count += 1;
         d.entries[0].uncorrected_latency.count += 1;
       }},
      {"more failures than requests", [](stats::StatsDelta& d) { d.entries[0].num_failures = 6; }},
      {"a count above 2^40",
       [](stats::StatsDelta& d) {
         d.entries[0].latency.buckets = {{5, std::uint64_t{1} << 63}};
         d.entries[0].latency.count = d.entries[0].num_requests = std::uint64_t{1} << 63;
       }},
      {"a count above 2^40", [](stats::StatsDelta& d) { d.due_iterations = std::uint64_t{1} << 63; }},
      {"a count above 2^40",
       [](stats::StatsDelta& d) { d.failures[0].occurrences = std::uint64_t{1} << 50; }},
      {"bucket out of range",  // a stream's histograms are checked as well
       [](stats::StatsDelta& d) { d.streams[0].itl.buckets.back().index = 1'000'000'000; }},
      {"more unanswered requests counted as failures than unanswered requests",
       [](stats::StatsDelta& d) { d.unanswered_counted = d.unanswered_requests + 1; }},
  };
  for (const auto& c : cases) {
    stats::StatsDelta d = sample_delta();
    c.spoil(d);
    auto decoded = decode(encode(Message{"w", Stats{1, 1, 1, {d}}}));
    ASSERT_FALSE(decoded) << c.says;
    EXPECT_NE(decoded.error().message.find(c.says), std::string::npos) << decoded.error().message;
  }
  EXPECT_TRUE(decode(encode(Message{"w", Stats{1, 1, 1, {sample_delta()}}})));
}

TEST(Codec, ACustomMessageCarriesItsTypeAndJsonDataBytesUnchanged) {
  // The data is JSON text from a locustfile; bytes that are not UTF-8 (a hostile peer's) pass as they are:
  // the reader (cicada's locust package) decides what to do with them.
  const std::string data = "{\"names\": [\"User0\", \"\xC3\xA9\"], \"bad\": \"\xFF\"}";
  auto decoded = decode(encode(Message{"worker-1", Custom{"test_users", data}}));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_STREQ(type_name(decoded->body), "custom");
  EXPECT_EQ(decoded->sender, "worker-1");
  const auto& got = std::get<Custom>(decoded->body);
  EXPECT_EQ(got.type, "test_users");
  EXPECT_EQ(got.data, data);
}

}  // namespace
}  // namespace cicada::distributed
