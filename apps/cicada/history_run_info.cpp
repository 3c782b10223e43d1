#include "history_run_info.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "report/run_options_json.hpp"

namespace cicada::app {
namespace {

std::string hostname() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

// The run's options (every field, report/run_options_json.hpp), the command line's own settings and
// what drives the run (report/run_load.hpp).
std::string config_json(const CliOptions& o, const runner::RunOptions& ro, std::uint64_t seed,
                        const report::RunLoad& load) {
  nlohmann::json j = {
      {"scenario", o.scenario_file},
      {"stages", o.shape.stages},
      {"arrival_rate", o.shape.arrival_rate},
      {"csv", o.csv_prefix},
      {"csv_full_history", o.csv_full_history},
      {"exit_code_on_error", o.exit_code_on_error},
      {"thresholds", o.history.threshold_list()},
      {"abort_on_threshold", o.history.abort_on_threshold},
      {"config_file", o.config_file},
      {"load", report::run_load_json(load)},
  };
  report::add_run_options(j, ro);
  j["seed"] = seed;  // the one the run used (a random one when none was given)
  return j.dump();
}

}  // namespace

std::string git_commit_of_working_dir() {
  // popen runs a shell; the command is constant, and stderr is dropped so "not a git repository" stays quiet.
  FILE* pipe = popen("git rev-parse HEAD 2>/dev/null", "r");
  if (!pipe) return {};
  std::array<char, 128> buf{};
  std::string out;
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe)) out += buf.data();
  const int status = pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return status == 0 ? out : std::string();
}

std::string sha256_of_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  std::array<char, 16384> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    if (EVP_DigestUpdate(ctx.get(), chunk.data(), static_cast<std::size_t>(in.gcount())) != 1) return {};
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

report::RunInfo make_run_info(const CliOptions& o, const runner::RunOptions& ro, std::uint64_t seed,
                              const report::RunLoad& load) {
  const auto now = std::chrono::system_clock::now();
  report::RunInfo i;
  i.id = report::make_run_id(now);
  i.started_unix_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  i.machine = hostname();
  i.target_host = ro.host;
  i.scenario_file = o.scenario_file;
  i.scenario_sha256 = sha256_of_file(o.scenario_file);
  i.config_json = config_json(o, ro, seed, load);
  i.git_commit = git_commit_of_working_dir();
  i.users = ro.users;
  return i;
}

}  // namespace cicada::app
