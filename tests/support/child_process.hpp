#pragma once
// ChildProcess: runs one of our built binaries as a user would (e2e tests), with its output captured
// in files, a deadline, and signals. Killed on destruction so a failing test never leaks a server.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cicada::testing {

class ChildProcess {
 public:
  // argv[0] is the program path. env entries "NAME=value" are added to the current environment.
  ChildProcess(std::vector<std::string> argv, const std::filesystem::path& workdir = {},
               std::vector<std::string> env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  void signal(int sig) const;
  // Waits for the exit; nullopt when the deadline passed (the process is then killed).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Waits until stdout+stderr contain `needle`; returns the full text so far, or nullopt on timeout.
  std::optional<std::string> wait_for_output(const std::string& needle,
                                             std::chrono::milliseconds timeout) const;

  std::string out() const;  // stdout so far
  std::string err() const;  // stderr so far

 private:
  int pid_ = -1;
  bool exited_ = false;
  std::filesystem::path out_path_, err_path_;
};

// A fresh temporary folder, removed with its contents at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& p);

// What a shell command prints on stdout (run by /bin/sh; "" when it cannot start). For tests that drive a
// real third-party client (curl, h2load, nghttp) and check its words.
std::string command_output(const std::string& shell_command);
// The program is on PATH (a test of a third-party client skips without it).
bool have_program(const std::string& name);

// Paths of the built binaries and the source tree (set by CMake for every test binary).
std::filesystem::path binary(const std::string& relative);  // e.g. "apps/cicada/cicada"
std::filesystem::path source(const std::string& relative);  // e.g. "examples/health.yaml"

// The built `cicada` with these arguments: its argv, and the process started in `workdir`.
std::vector<std::string> cicada_argv(std::vector<std::string> args);
std::unique_ptr<ChildProcess> start_cicada(std::vector<std::string> args,
                                           const std::filesystem::path& workdir,
                                           std::vector<std::string> env = {});

}  // namespace cicada::testing
