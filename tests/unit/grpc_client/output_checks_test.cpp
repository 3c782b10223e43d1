// Checks on a ModelInfer response's outputs (grpc_client/grpcpp/output_checks.hpp): each kind of mistake
// with its text, values read from typed contents (cicada-model, KServe) and from raw bytes (Triton).
#include "grpc_client/grpcpp/output_checks.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace cicada::grpc_client {
namespace {

// cicada-model's answer to a batch of two rows: probability FP64 [2] and diagnosis BYTES [2].
inference::ModelInferResponse typed_answer(double p0, double p1) {
  inference::ModelInferResponse r;
  auto* probability = r.add_outputs();
  probability->set_name("probability");
  probability->set_datatype("FP64");
  probability->add_shape(2);
  probability->mutable_contents()->add_fp64_contents(p0);
  probability->mutable_contents()->add_fp64_contents(p1);
  auto* diagnosis = r.add_outputs();
  diagnosis->set_name("diagnosis");
  diagnosis->set_datatype("BYTES");
  diagnosis->add_shape(2);
  diagnosis->mutable_contents()->add_bytes_contents("healthy");
  diagnosis->mutable_contents()->add_bytes_contents("disease");
  return r;
}

std::string failure_of(const inference::ModelInferResponse& r,
                       std::initializer_list<GrpcOutputCheck> checks) {
  std::string failure = "OK: ";
  const bool passed =
      check_outputs(r, std::span<const GrpcOutputCheck>(checks.begin(), checks.size()), failure);
  EXPECT_EQ(passed, failure == "OK: ") << failure;
  return passed ? "" : failure;
}

constexpr std::int64_t kTwo[] = {2};
constexpr std::int64_t kAny[] = {-1};
constexpr std::int64_t kTwoByOne[] = {2, 1};

TEST(OutputChecks, AnAnswerAsDescribedPassesEveryCheck) {
  const auto r = typed_answer(0.25, 0.75);
  EXPECT_EQ(failure_of(r, {{"probability", "FP64", kTwo, 0.0, 1.0}, {"diagnosis", "BYTES", kAny, {}, {}}}),
            "");
  EXPECT_EQ(failure_of(r, {{"probability", {}, {}, {}, 0.75}}), "");  // bounds are inclusive
  EXPECT_EQ(failure_of(r, {}), "");
}

TEST(OutputChecks, EachMistakeIsNamedWithTheOutputAndWhatWasExpected) {
  const auto r = typed_answer(0.25, 1.5);
  EXPECT_EQ(failure_of(r, {{"score", {}, {}, {}, {}}}),
            R"(OK: output "score" missing (the response has probability, diagnosis))");
  EXPECT_EQ(failure_of(r, {{"probability", "FP32", {}, {}, {}}}),
            R"(OK: output "probability" is FP64, expected FP32)");
  EXPECT_EQ(failure_of(r, {{"probability", {}, kTwoByOne, {}, {}}}),
            R"(OK: output "probability" has shape [2], expected [2, 1])");
  EXPECT_EQ(failure_of(r, {{"probability", {}, {}, 0.0, 1.0}}),
            R"(OK: output "probability" has a value outside [0, 1])");
  EXPECT_EQ(failure_of(r, {{"probability", {}, {}, 2.0, {}}}),
            R"(OK: output "probability" has a value below 2)");
  EXPECT_EQ(failure_of(r, {{"diagnosis", {}, {}, 0.0, 1.0}}),
            R"(OK: output "diagnosis" has no numbers to check the range of (BYTES))");
  // The first failing check is the one reported.
  EXPECT_EQ(failure_of(r, {{"diagnosis", "BYTES", {}, {}, {}},
                           {"probability", "FP32", {}, {}, {}},
                           {"score", {}, {}, {}, {}}}),
            R"(OK: output "probability" is FP64, expected FP32)");
  inference::ModelInferResponse empty;
  EXPECT_EQ(failure_of(empty, {{"probability", {}, {}, {}, {}}}),
            R"(OK: output "probability" missing (the response has no outputs))");
}

TEST(OutputChecks, RawOutputContentsAreReadInTheirDatatype) {
  // Triton's way: each output's values as little-endian bytes in raw_output_contents, in output order.
  inference::ModelInferResponse r;
  auto* scores = r.add_outputs();
  scores->set_name("scores");
  scores->set_datatype("FP32");
  scores->add_shape(2);
  auto* label = r.add_outputs();
  label->set_name("label");
  label->set_datatype("INT64");
  label->add_shape(2);
  const float f[] = {0.5f, 0.75f};
  const std::int64_t l[] = {1, -3};
  r.add_raw_output_contents(std::string(reinterpret_cast<const char*>(f), sizeof f));
  r.add_raw_output_contents(std::string(reinterpret_cast<const char*>(l), sizeof l));
  EXPECT_EQ(failure_of(r, {{"scores", "FP32", kTwo, 0.5, 0.75}, {"label", "INT64", kTwo, -3.0, 1.0}}), "");
  EXPECT_EQ(failure_of(r, {{"label", {}, {}, 0.0, {}}}), R"(OK: output "label" has a value below 0)");
  EXPECT_EQ(failure_of(r, {{"scores", {}, {}, {}, 0.6}}), R"(OK: output "scores" has a value above 0.6)");
}

// FP16 and BF16 only come as raw bytes (the protocol has no typed contents for them): two bytes each,
// little-endian. Values chosen exact in both formats, with FP16's subnormals, infinity and NaN.
TEST(OutputChecks, RawHalfAndBfloat16ValuesAreRead) {
  inference::ModelInferResponse r;
  const auto add = [&](const char* name, const char* datatype, std::initializer_list<std::uint16_t> bits) {
    auto* output = r.add_outputs();
    output->set_name(name);
    output->set_datatype(datatype);
    output->add_shape(static_cast<std::int64_t>(bits.size()));
    std::string raw;
    for (std::uint16_t b : bits) raw.append({static_cast<char>(b & 0xff), static_cast<char>(b >> 8)});
    r.add_raw_output_contents(raw);
  };
  // FP16: 0.25 (0x3400), 1 (0x3c00), -2.5 (0xc100), 65504 (0x7bff, the largest), 2^-24 (0x0001).
  add("half", "FP16", {0x3400, 0x3c00, 0xc100, 0x7bff, 0x0001});
  // BF16: 0.25 (0x3e80), 1 (0x3f80), -2.5 (0xc020).
  add("bfloat", "BF16", {0x3e80, 0x3f80, 0xc020});
  add("tiny", "FP16", {0x0001, 0x8000});  // 2^-24, -0
  add("inf", "FP16", {0x3c00, 0x7c00});
  add("nan", "BF16", {0x3f80, 0x7fc0});
  EXPECT_EQ(failure_of(r, {{"half", "FP16", {}, -2.5, 65504.0}, {"bfloat", "BF16", {}, -2.5, 1.0}}), "");
  EXPECT_EQ(failure_of(r, {{"half", {}, {}, {}, 65503.0}}), R"(OK: output "half" has a value above 65503)");
  // The smallest subnormal is above zero, not read as 0; -0 is within [0, 0].
  EXPECT_EQ(failure_of(r, {{"tiny", {}, {}, {}, 0.0}}), R"(OK: output "tiny" has a value above 0)");
  EXPECT_EQ(failure_of(r, {{"tiny", {}, {}, 0.0, std::ldexp(1.0, -24)}}), "");
  EXPECT_EQ(failure_of(r, {{"half", {}, {}, -2.4, {}}}), R"(OK: output "half" has a value below -2.4)");
  EXPECT_EQ(failure_of(r, {{"bfloat", {}, {}, -2.0, {}}}), R"(OK: output "bfloat" has a value below -2)");
  EXPECT_EQ(failure_of(r, {{"bfloat", {}, {}, {}, 0.99}}), R"(OK: output "bfloat" has a value above 0.99)");
  EXPECT_EQ(failure_of(r, {{"inf", {}, {}, {}, 1e300}}), R"(OK: output "inf" has a value above 1e+300)");
  EXPECT_EQ(failure_of(r, {{"nan", {}, {}, -1e300, 1e300}}),
            R"(OK: output "nan" has a value outside [-1e+300, 1e+300])");
}

constexpr std::string_view kLabels[] = {"healthy", "disease"};
constexpr std::string_view kHealthy[] = {"healthy"};

TEST(OutputChecks, BytesValuesAreComparedWithTheAllowedOnes) {
  const auto r = typed_answer(0.25, 0.75);  // diagnosis: healthy, disease
  EXPECT_EQ(failure_of(r, {{"diagnosis", "BYTES", kTwo, {}, {}, kLabels}}), "");
  EXPECT_EQ(failure_of(r, {{"diagnosis", {}, {}, {}, {}, kHealthy}}),
            R"(OK: output "diagnosis" has a value not one of [healthy])");
  EXPECT_EQ(failure_of(r, {{"probability", {}, {}, {}, {}, kLabels}}),
            R"(OK: output "probability" has no BYTES values to compare (FP64))");

  // Raw bytes (Triton): each value a 4-byte little-endian length, then its bytes.
  inference::ModelInferResponse raw;
  auto* label = raw.add_outputs();
  label->set_name("label");
  label->set_datatype("BYTES");
  label->add_shape(2);
  const auto value = [](std::string_view v) {
    const auto n = static_cast<std::uint32_t>(v.size());
    std::string out(reinterpret_cast<const char*>(&n), sizeof n);
    return out.append(v);
  };
  raw.add_raw_output_contents(value("disease") + value("healthy"));
  EXPECT_EQ(failure_of(raw, {{"label", "BYTES", {}, {}, {}, kLabels}}), "");
  EXPECT_EQ(failure_of(raw, {{"label", {}, {}, {}, {}, kHealthy}}),
            R"(OK: output "label" has a value not one of [healthy])");
  raw.set_raw_output_contents(0, value("disease") + std::string("\x09\0\0\0short", 9));
  EXPECT_EQ(failure_of(raw, {{"label", {}, {}, {}, {}, kLabels}}),
            R"(OK: output "label" has raw BYTES contents that are not length-prefixed values)");
}

TEST(OutputChecks, NotANumberIsOutsideEveryRange) {
  const auto r = typed_answer(0.5, std::nan(""));
  EXPECT_EQ(failure_of(r, {{"probability", {}, {}, 0.0, 1.0}}),
            R"(OK: output "probability" has a value outside [0, 1])");
}

}  // namespace
}  // namespace cicada::grpc_client
