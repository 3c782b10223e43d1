#include "scenario_source.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/log.hpp"
#include "cli_options.hpp"
#include "grpc_client/user_grpc_client.hpp"
#include "python/python_loader.hpp"
#include "runner/user_type_filter.hpp"
#include "scenario/cpp_loader.hpp"

namespace cicada::app {

namespace {

python::PythonLoadOptions python_options(const ScenarioChoice& choice) {
  python::PythonLoadOptions p;
  p.tags = choice.tags;
  p.exclude_tags = choice.exclude_tags;
  p.host = choice.host;
  p.extra_args = choice.extra_args;
  if (const CliOptions* o = choice.cli) {
    p.num_users = o->run.users;
    p.spawn_rate = o->run.spawn_rate;
    if (o->run.run_time)
      p.run_time_s = std::chrono::duration_cast<std::chrono::seconds>(*o->run.run_time).count();
    p.headless = o->headless;
    p.csv_prefix = o->csv_prefix;
    p.stop_timeout = std::chrono::duration<double>(o->run.stop_timeout).count();
    p.loglevel = o->loglevel;
    p.expect_workers = o->distributed.expect_workers;
    p.reset_stats = o->run.reset_stats;
    p.exit_code_on_error = o->exit_code_on_error;
    p.web_host = o->web.server.host;
    p.web_port = o->web.server.port;
    p.tls_cert = o->web.server.tls_cert;
    p.tls_key = o->web.server.tls_key;
    p.html_file = o->web.html_file;
    p.logfile = o->logfile;
    p.only_summary = o->only_summary;
    p.autostart = o->web.autostart;
    p.skip_log_setup = o->skip_log_setup;
    // Locust's task ratio listings print the locustfile's own weights (before its init event applies
    // --equal-weights); the run itself weighs them equally.
    p.equal_weights = o->run.equal_weights && !o->show_task_ratio && !o->show_task_ratio_json;
    if (o->distributed.master) p.runner = "master";
  }
  return p;
}

// Locust 2.12 also takes several locustfiles (-f a.py,b.py) or a folder of them; cicada runs one file. Said
// as such, rather than as a missing file named "a.py,b.py" or a scenario type ''.
std::optional<std::string> not_one_file(const std::filesystem::path& file) {
  std::error_code ec;
  const std::string kOne = "cicada runs one scenario file per run (-f FILE: .yaml, .cpp or .py); ";
  if (std::filesystem::is_directory(file, ec))
    return file.string() + " is a folder: " + kOne +
           "a folder of locustfiles, as Locust loads one, is not supported: import its user classes into one "
           "locustfile";
  if (file.string().find(',') != std::string::npos && !std::filesystem::exists(file, ec))
    return file.string() + ": " + kOne +
           "several comma-separated locustfiles, as Locust loads them, are not supported: import their user "
           "classes into one locustfile";
  return std::nullopt;
}

Result<scenario::LoadedScenario> load_by_type(const std::filesystem::path& file,
                                              const ScenarioChoice& choice) {
  if (auto problem = not_one_file(file)) return make_error(*problem);
  const auto ext = file.extension().string();
  if (ext == ".yaml" || ext == ".yml") return scenario::load_yaml_scenario(file);
  if (ext == ".cpp" || ext == ".cc" || ext == ".cxx") return scenario::load_cpp_scenario(file);
  if (ext == ".py") return python::load_python_scenario(file, python_options(choice));
  return make_error(file.string() + ": unsupported scenario type '" + ext +
                    "' (use a .yaml, .cpp or .py scenario; see docs/scenarios.md, docs/cpp-scenarios.md, "
                    "docs/locustfiles.md)");
}

}  // namespace

Result<scenario::LoadedScenario> load_scenario_payload(const distributed::ScenarioPayload& payload,
                                                       std::uint32_t worker_index, const CliOptions* own) {
  if (payload.kind != "py") return make_error("unknown scenario kind '" + payload.kind + "'");
  std::filesystem::path path = payload.file_name;
  std::ifstream local(path, std::ios::binary);
  std::ostringstream text;
  text << local.rdbuf();
  if (!local || text.str() != payload.text) {
    const auto dir = std::filesystem::temp_directory_path() / ("cicada-worker-" + std::to_string(::getpid()));
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    path = dir / std::filesystem::path(payload.file_name).filename();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << payload.text;
    if (!out.flush()) return make_error("cannot write the locustfile to " + path.string());
  }
  python::PythonLoadOptions options;
  options.sent_options = payload.parsed_options;
  options.runner = "worker";
  options.worker_index = worker_index;
  if (own != nullptr) {
    options.skip_log_setup = own->skip_log_setup;
    options.equal_weights = own->run.equal_weights;
  }
  return python::load_python_scenario(path, options);
}

Result<scenario::LoadedScenario> load_scenario_file(const std::filesystem::path& file,
                                                    const ScenarioChoice& choice) {
  auto loaded = load_by_type(file, choice);
  if (!loaded) return loaded;
  for (const auto& entry : loaded->entries) {
    if (entry.method == "grpc" && !grpc_client::built_in())
      return make_error(file.string() + ": a gRPC request (" + entry.name + "), but " +
                        std::string(grpc_client::kNotBuiltIn));
  }
  // Locust's positional user classes: only the named user types run.
  if (auto r = runner::keep_user_types(loaded->scenario, choice.user_classes); !r) return r.error();
  return loaded;
}

scenario::RunView run_view(const runner::TestRun& run, std::function<void()> quit) {
  scenario::RunView view;
  view.quit = std::move(quit);
  view.state = [&run] { return std::string(runner::to_string(run.state())); };
  view.snapshot = [&run] { return run.snapshot(); };
  view.target_users = [&run] { return run.target_users(); };
  view.live_users = [&run] { return run.live_users(); };
  return view;
}

int scenario_exit_code(const scenario::LoadedScenario& loaded, int code) {
  if (!loaded.exit_code) return code;
  const int set = loaded.exit_code(code);
  if (set != code) log::info("The locustfile set the exit code to {}", set);
  return set;
}

}  // namespace cicada::app
