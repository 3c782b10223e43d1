// Payload generation cost per request (ns per payload) and allocations per payload in steady state
// (expected 0: generators write into the user's reusable buffer). Fields and ranges are those of the
// reference payloads.py (examples/randomized.yaml).
// g++ 12 sees the replaced operator delete (free) inlined next to operator new and flags a mismatch it
// cannot know is intended (both sides are replaced below, malloc/free underneath).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "scenario/payload_fixed.hpp"
#include "scenario/payload_invalid.hpp"
#include "scenario/payload_random.hpp"

namespace {

std::atomic<std::size_t> g_allocations{0};

}  // namespace

// Counting every allocation of the process: the counter read around the timed loop is the proof that the
// hot path does not allocate.
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace cicada::scenario;

std::shared_ptr<RandomPayload> heart() {
  struct Range {
    const char* name;
    std::int64_t lo, hi;
  };
  const Range ints[] = {{"sex", 0, 1},      {"cp", 0, 3},   {"restecg", 0, 1},    {"ca", 0, 3},
                        {"slope", 0, 2},    {"thal", 0, 3}, {"age", 0, 120},      {"trestbps", 90, 200},
                        {"chol", 100, 600}, {"fbs", 0, 1},  {"thalach", 60, 200}, {"exang", 0, 1}};
  std::vector<FieldSpec> fields;
  for (const auto& r : ints) {
    FieldSpec f;
    f.name = r.name;
    f.kind = FieldSpec::Kind::kInt;
    f.int_lo = r.lo;
    f.int_hi = r.hi;
    fields.push_back(f);
  }
  FieldSpec oldpeak;
  oldpeak.name = "oldpeak";
  oldpeak.kind = FieldSpec::Kind::kFloat;
  oldpeak.float_hi = 7;
  fields.push_back(oldpeak);
  return std::make_shared<RandomPayload>(std::move(fields));
}

void run(benchmark::State& state, const PayloadGenerator& gen) {
  cicada::Random rng(1);
  std::string scratch;
  for (int i = 0; i < 100; ++i) gen.generate(rng, scratch);  // warm-up: the buffer reaches its size
  std::size_t bytes = 0;
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    auto body = gen.generate(rng, scratch);
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  const std::size_t allocations = g_allocations.load() - before;
  state.counters["allocs_per_payload"] =
      benchmark::Counter(static_cast<double>(allocations) / static_cast<double>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_RandomPayload(benchmark::State& state) { run(state, *heart()); }
BENCHMARK(BM_RandomPayload);

void BM_InvalidPayload(benchmark::State& state) {
  auto gen = InvalidPayload::make(static_cast<InvalidKind>(state.range(0)), heart()).value();
  state.SetLabel(state.range(0) == 0   ? "drop_field"
                 : state.range(0) == 1 ? "wrong_type"
                 : state.range(0) == 2 ? "out_of_range"
                                       : "malformed_json");
  run(state, *gen);
}
BENCHMARK(BM_InvalidPayload)->DenseRange(0, 3);

void BM_FixedPayload(benchmark::State& state) {
  FixedPayload gen(R"({"sex":0,"cp":1,"restecg":0,"ca":1,"slope":1,"thal":2,"age":57,"trestbps":130,)"
                   R"("chol":236,"fbs":0,"thalach":174,"exang":0,"oldpeak":0.0})");
  run(state, gen);
}
BENCHMARK(BM_FixedPayload);

}  // namespace

BENCHMARK_MAIN();
