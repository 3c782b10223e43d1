#include "cli_options.hpp"

#include <unistd.h>  // environ

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "base/closest_name.hpp"
#include "client_options.hpp"
#include "config_file.hpp"
#include "duration_flag.hpp"
#include "not_blank_check.hpp"
#include "positive_check.hpp"
#include "runner/stages.hpp"
#include "setting_variables.hpp"
#include "subcommands.hpp"

namespace cicada::app {
namespace {

constexpr const char* kPrecedence = R"(
Settings come from, lowest to highest precedence: defaults, Locust's ~/.locust.conf and ./locust.conf, LOCUST_<FLAG>
environment variables, the config file (./cicada.conf, or --config FILE; lines "key = value" with the long flag
names, e.g. "users = 50", "headless = true"), environment variables CICADA_<FLAG> (e.g. CICADA_USERS=50,
CICADA_RUN_TIME=1m), then the command line. Locust's "locustfile" key and LOCUST_LOCUSTFILE name the scenario.

Exit codes: 0 success; --exit-code-on-error (default 1) if any request failed, scenario code raised or an
open-model iteration was dropped; 2 bad usage (a bad scenario file, a report folder that does not exist, a
port in use); 3 a --threshold failed.)";

void define(CLI::App& app, CliOptions& o) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("-f,--scenario,--locustfile", o.scenario_file,
                 "Scenario file: .yaml/.yml, .cpp (compiled and cached, see docs/cpp-scenarios.md) or a "
                 "Locust .py locustfile");
  app.add_option("user_classes", o.user_classes,
                 "Run only these user types (Locust's user classes), by name; default: all of them")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-H,--host", o.run.host, "Base URL of the system under test, e.g. http://127.0.0.1:8080");
  app.add_option("-u,--users", o.run.users, "Peak number of concurrent users")
      ->check(CLI::Range(0.0, runner::kMaxUsers));
  app.add_option("-r,--spawn-rate", o.run.spawn_rate, "Users started per second")
      ->check(above_zero_at_most(runner::kMaxUsers));
  add_duration_flag(app, "-t,--run-time", o.run.run_time,
                    "Stop after this long: 20, 20s, 3m, 1h30m (default: until Ctrl-C)");
  app.add_flag("--headless", o.headless, "Run without the web UI, printing stats to the console");
  app.add_flag("--only-summary", o.only_summary, "Print only the final stats, not every 2 s");
  app.add_flag("--print-stats", o.print_stats,
               "Web UI runs: print the stats in the console every 2 s too (headless runs always do)");
  // Locust's hidden flags, for command lines and config files written for it.
  app.add_flag("--headful", o.headful, "")->group("");
  app.add_option("--hatch-rate", o.hatch_rate, "")->check(CLI::NonNegativeNumber)->group("");
  // Flags Locust removed, still in old command lines: refused with Locust's reason (removed_flag_problem).
  for (const char* name : {"--slave", "--expect-slaves", "--step-load", "--step-clients"})  // Locust's flags
    app.add_flag(std::string(name))->group("");
  for (const char* name : {"--step-users", "--step-time"}) app.add_option(std::string(name))->group("");
  app.add_option("--csv", o.csv_prefix,
                 "Write PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv")
      ->check(kNotBlank);
  app.add_flag("--csv-full-history", o.csv_full_history,
               "Every entry in _stats_history.csv, not only Aggregated");
  add_duration_flag(app, "-s,--stop-timeout", o.run.stop_timeout,
                    "How long users may take to finish their task on stop (seconds, or 500ms, 1m)");
  // 0-255: a process exit status is one byte, so 256 would exit 0 (a pass) while the reports said 256.
  app.add_option("--exit-code-on-error", o.exit_code_on_error,
                 "Exit code when any request failed (default 1)")
      ->check(CLI::Range(0, 255));
  app.add_option("-T,--tags", o.run.tags, "Run only tasks with one of these tags")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-E,--exclude-tags", o.run.exclude_tags, "Do not run tasks with any of these tags")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--reset-stats", o.run.reset_stats, "Reset statistics once all users are spawned");
  app.add_flag("--equal-weights", o.run.equal_weights,
               "Every user type and task weighs the same, whatever the scenario says (a locustfile's task "
               "sets are opened into their tasks, as Locust does)");
  add_duration_flag(
      app, "--warmup", o.run.warmup,
      "Load but do not record for this long, then reset the stats (5s, 1m); part of --run-time");
  app.add_option(
         "--stream-tokens", o.stream_tokens,
         "How streamed responses (text/event-stream, NDJSON) count tokens: 'event' (one per event) or "
         "'json:/json/pointer' (e.g. json:/choices/0/delta/content); docs/protocols.md")
      ->capture_default_str();
  app.add_option("-L,--loglevel", o.loglevel, "DEBUG, INFO, WARNING, ERROR or CRITICAL");
  app.add_option("--logfile", o.logfile, "Write the log to FILE (appended) instead of stderr");
  app.add_flag("--skip-log-setup", o.skip_log_setup,
               "Locustfiles: leave Python's logging to the locustfile (or Python's defaults) instead of "
               "Locust's format at --loglevel; cicada's own log lines are unchanged");
  app.add_flag("-l,--list", o.list_user_types,
               "Print the scenario's user types (Locust's user classes) and exit");
  app.add_flag("--show-task-ratio", o.show_task_ratio,
               "Print the table of each user type's task ratio, then of all (as Locust) and exit");
  app.add_flag("--show-task-ratio-json", o.show_task_ratio_json,
               "Print the task ratios as Locust's JSON ({per_class, total}) and exit");
  app.set_version_flag("-V,--version", std::string("cicada ") + CICADA_VERSION);
  app.add_option("--config", o.config_file, "Config file (default ./cicada.conf if it exists)");
  app.add_option("--threads", o.run.threads, "Event loop threads (default: one per usable CPU)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", o.run.seed, "Seed of every user's random stream (default: random, logged)");
  add_shape_flags(app, o);
  add_client_flags(app, o.run);
  add_history_flags(app, o);
  add_web_flags(app, o);
  add_distributed_flags(app, o);
  std::string footer = "\nSubcommands (cicada NAME --help for each):\n";
  for (const auto& sub : subcommands())
    footer += "  " + std::string(sub.name) + "  " + std::string(sub.summary) + "\n";
  app.footer((subcommands().empty() ? std::string() : footer) + kPrecedence);
}

bool truthy(const std::string& v, bool& out) {
  std::string l;
  for (char c : v) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "true" || l == "1" || l == "yes" || l == "on") return out = true, true;
  if (l == "false" || l == "0" || l == "no" || l == "off" || l.empty()) return out = false, true;
  return false;
}

bool read_config(const std::string& path, ConfigSettings& out, std::string& err) {
  std::ifstream in(path);
  if (!in) {
    err = path + ": cannot read config file";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), path, out, err);
}

bool has_option(const CLI::App& app, const std::string& long_name) {
  for (const CLI::Option* opt : app.get_options())
    if (opt->check_lname(long_name)) return true;
  return false;
}

// One source of settings under the command line: environment variables (PREFIX<FLAG>) or a config file.
struct Layer {
  std::string env_prefix;  // "CICADA_", "LOCUST_"; empty for a file
  std::string path;        // the file; empty: none
  ConfigSettings file;
  bool locust = false;  // Locust's variables or files, read as Locust reads them
  // The value this layer gives the option `name` (its long name), and where it comes from for messages.
  bool lookup(const std::string& name, std::string& value, std::string& source) const {
    if (!env_prefix.empty()) {
      std::string var = env_name(env_prefix, env_prefix == "LOCUST_" ? locust_env_name(name) : name);
      const char* env = std::getenv(var.c_str());
      // CICADA_LOCUSTFILE as well as CICADA_SCENARIO: -f's other name, as LOCUST_LOCUSTFILE is Locust's.
      if (!env && env_prefix == "CICADA_" && locust_env_name(name) != name) {
        var = env_name(env_prefix, locust_env_name(name));
        env = std::getenv(var.c_str());
      }
      if (!env) return false;
      value = env, source = var;
      return true;
    }
    auto it = file.find(name);
    if (it == file.end()) return false;
    value = it->second.first, source = path + ":" + std::to_string(it->second.second);
    return true;
  }
};

// Turns a layered "key = value" into command-line words for the option.
bool to_args(CLI::Option* opt, const std::string& value, std::vector<std::string>& args) {
  const std::string flag = "--" + opt->get_single_name();
  if (opt->get_expected_max() == 0) {  // a flag
    bool on = false;
    if (!truthy(value, on)) return false;
    if (on) args.push_back(flag);
    return true;
  }
  if (opt->get_expected_max() > 1) {  // a list: comma or space separated
    std::string item;
    for (char c : value + ",") {
      if (c == ',' || c == ' ') {
        if (!item.empty()) args.push_back(flag), args.push_back(item);
        item.clear();
      } else {
        item += c;
      }
    }
    return true;
  }
  args.push_back(flag);
  args.push_back(value);
  return true;
}

int parse_words(CLI::App& app, std::vector<std::string> words) {
  std::reverse(words.begin(), words.end());  // CLI11 takes the vector form last word first
  try {
    app.parse(std::move(words));
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return -1;
}

// One setting taken from a layer under the command line, as command-line words.
struct LayeredSetting {
  std::string name;    // the option's long name
  std::string source;  // "LOCUST_USERS", "cicada.conf:3"
  std::string value;
  std::vector<std::string> words;  // "--users", "abc"
};

// The first layered setting whose value the option refuses, as a message naming where it came from.
// CLI11 names only the flag ("-u,--users: Value abc could not be converted"), which the user never typed
// when the value came from LOCUST_USERS. Each setting is parsed alone by a fresh parser, so only its own
// value can fail: conversion and validators, not rules between options (those name the flags, rightly).
std::optional<std::string> refused_layered_setting(const std::vector<LayeredSetting>& settings) {
  for (const auto& s : settings) {
    CliOptions scratch;
    CLI::App probe;
    define(probe, scratch);
    try {
      probe.parse(std::vector<std::string>(s.words.rbegin(), s.words.rend()));
    } catch (const CLI::ParseError& e) {
      // Only the value's own faults: rules between options (a flag that needs another) and --version are
      // pass 2's to report as they are.
      const std::string kind = e.get_name();
      if (kind == "ConversionError" || kind == "ValidationError" || kind == "ArgumentMismatch")
        return s.source + ": '" + s.value + "' is not a valid value for --" + s.name + " (" + e.what() + ")";
    }
  }
  return std::nullopt;
}

// A config file that is there to read. One that cannot even be looked at (a $HOME the user may not enter,
// as under `docker run --user`) counts as absent, as it does for Locust, instead of ending the program
// with an exception; one that is there but unreadable is read_config's error, which names it.
bool config_file_present(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

// A locustfile's own arguments (Locust's init_command_line_parser) are long options cicada does not define.
// They are taken out before parsing, each with the word after it unless that is an option (its value, or a
// user class name, which the locustfile's parser hands back), and given to the locustfile. Only with a .py
// scenario: anything else keeps CLI11's "not expected" error.
std::vector<std::string> take_locustfile_options(const CLI::App& app, std::vector<std::string>& words) {
  bool python = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    std::string file;
    if ((w == "-f" || w == "--scenario" || w == "--locustfile") && i + 1 < words.size()) file = words[i + 1];
    if (w.rfind("--scenario=", 0) == 0) file = w.substr(11);
    if (w.rfind("--locustfile=", 0) == 0) file = w.substr(13);
    python = python || (file.size() > 3 && file.compare(file.size() - 3, 3, ".py") == 0);
  }
  if (!python) return {};
  std::set<std::string> known;
  for (const CLI::Option* opt : app.get_options())
    for (const auto& name : opt->get_lnames()) known.insert(name);
  std::vector<std::string> kept, taken;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const std::string name = w.size() > 2 && w.rfind("--", 0) == 0 ? w.substr(2, w.find('=') - 2) : "";
    if (name.empty() || known.count(name)) {
      kept.push_back(w);
      continue;
    }
    taken.push_back(w);
    if (w.find('=') == std::string::npos && i + 1 < words.size() && words[i + 1].rfind("-", 0) != 0)
      taken.push_back(words[++i]);
  }
  words = std::move(kept);
  return taken;
}

// Why a flag Locust removed cannot run (Locust's words, and cicada's way of doing it), if one was given.
std::optional<std::string> removed_flag_problem(const CLI::App& app) {
  auto given = [&](const char* name) { return app.get_option(name)->count() > 0; };
  if (given("--slave") || given("--expect-slaves"))
    return "The --slave/--expect-slaves parameters have been renamed --worker/--expect-workers";
  for (const char* name : {"--step-load", "--step-users", "--step-clients", "--step-time"})
    if (given(name))
      return std::string("The step load feature (") + name +
             ") was removed in Locust 1.3: use --stages (e.g. --stages 1m:10@10,1m:20@10, docs/scenarios.md) "
             "or a LoadTestShape class";
  return std::nullopt;
}

ParseOutcome parse_cli(int argc, char** argv) {
  CliOptions o;
  CLI::App app{"cicada: load test any HTTP API (Locust's model of users and tasks, in C++)", "cicada"};
  define(app, o);
  std::vector<std::string> words(argv + 1, argv + argc);
  const std::vector<std::string> locustfile_options = take_locustfile_options(app, words);

  // Pass 1: the command line alone, to learn which options the user set explicitly.
  if (int code = parse_words(app, words); code >= 0) return {std::nullopt, code};
  std::map<std::string, bool> given;
  for (CLI::Option* opt : app.get_options()) given[opt->get_single_name()] = opt->count() > 0;

  std::vector<Layer> layers;  // highest precedence first
  std::string config_path = o.config_file;
  if (config_path.empty() && config_file_present("cicada.conf")) config_path = "cicada.conf";
  layers.push_back({"CICADA_", {}, {}, false});
  layers.push_back({"", config_path, {}, false});
  layers.push_back({"LOCUST_", {}, {}, true});
  layers.push_back({"", "locust.conf", {}, true});
  if (const char* home = std::getenv("HOME"); home && *home)
    layers.push_back({"", (std::filesystem::path(home) / ".locust.conf").string(), {}, true});
  for (Layer& layer : layers) {
    if (!layer.env_prefix.empty() || layer.path.empty()) continue;
    const bool locust = layer.locust;
    if (locust && !config_file_present(layer.path)) continue;
    std::string err;
    if (!read_config(layer.path, layer.file, err)) {
      std::cerr << "cicada: " << err << "\n";
      return {std::nullopt, 2};
    }
    // Locust's name for the scenario, in any file (a Locust config file given with --config too).
    if (auto it = layer.file.find("locustfile"); it != layer.file.end()) {
      layer.file.emplace("scenario", it->second);
      layer.file.erase(it);
    }
    // Keys cicada does not know may be the locustfile's own arguments (the locustfile reads them itself)
    // or Locust settings without a cicada counterpart: not errors in Locust's files.
    if (locust) continue;
    for (const auto& [key, value_line] : layer.file) {
      if (!has_option(app, key)) {
        const auto near = closest_name(key, layerable_names(app));
        std::cerr << "cicada: " << layer.path << ":" << value_line.second << ": unknown setting '" << key
                  << "' (" << (near ? "did you mean '" + *near + "'? " : "")
                  << "use the long flag names, see --help)\n";
        return {std::nullopt, 2};
      }
    }
  }
  for (const auto& warning : unknown_variable_warnings(app, environ))
    std::cerr << "cicada: warning: " << warning << "\n";
  std::vector<std::string> layered;
  std::vector<LayeredSetting> settings;
  for (CLI::Option* opt : app.get_options()) {
    const std::string name = opt->get_single_name();
    if (!layerable(name) || given[name]) continue;
    std::string source, value;
    const Layer* from = nullptr;
    for (const Layer& layer : layers) {
      if (layer.lookup(name, value, source)) {
        from = &layer;
        break;
      }
    }
    if (source.empty()) continue;
    // Locust reads a blank value (LOCUST_CSV=, "html =" in locust.conf, as templated configs leave them)
    // as "none": so does cicada for Locust's own layers. cicada's (the command line, CICADA_*, cicada.conf)
    // refuse one where it names a report or a check (not_blank_check.hpp).
    if (from->locust && value.find_first_not_of(" \t") == std::string::npos) continue;
    LayeredSetting setting{name, source, value, {}};
    if (!to_args(opt, value, setting.words)) {
      std::cerr << "cicada: " << source << ": '" << value << "' is not a valid value for --" << name << "\n";
      return {std::nullopt, 2};
    }
    layered.insert(layered.end(), setting.words.begin(), setting.words.end());
    settings.push_back(std::move(setting));
  }
  if (auto refused = refused_layered_setting(settings)) {
    std::cerr << "cicada: " << *refused << "\n";
    return {std::nullopt, 2};
  }
  if (!layered.empty()) {
    // Pass 2: the layered settings first, the command line last (it wins: TakeLast).
    layered.insert(layered.end(), words.begin(), words.end());
    app.clear();
    o = CliOptions{};
    if (int code = parse_words(app, layered); code >= 0) return {std::nullopt, code};
  }
  o.extra_args = locustfile_options;
  if (auto problem = removed_flag_problem(app)) {
    std::cerr << "cicada: " << *problem << "\n";
    return {std::nullopt, 2};
  }
  if (o.headful) o.headless = false;  // as Locust: over a config file's headless
  for (const auto& s : settings) o.layered_from[s.name] = s.source;
  for (CLI::Option* opt : app.get_options())
    if (opt->count() > 0) o.given.insert(opt->get_single_name());
  if (o.hatch_rate > 0) {
    std::cerr << "[DEPRECATED] The --hatch-rate parameter has been renamed --spawn-rate\n";  // Locust's words
    o.run.spawn_rate = o.hatch_rate;
    // Given, as the spawn rate: a scenario's own spawn_rate does not replace it.
    o.given.insert("spawn-rate");
    if (auto it = o.layered_from.find("hatch-rate"); it != o.layered_from.end())
      o.layered_from["spawn-rate"] = it->second;
  }
  if (o.scenario_file.empty() && !o.distributed.worker) {  // a worker gets its scenario from the master
    std::cerr << "cicada: no scenario: pass -f FILE (a .yaml or .cpp scenario, or a locustfile; see "
                 "docs/scenarios.md)\n";
    return {std::nullopt, 2};
  }
  return {o, -1};
}

}  // namespace cicada::app
