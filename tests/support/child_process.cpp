#include "support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cicada::testing {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string command_output(const std::string& shell_command) {
  std::string out;
  FILE* p = ::popen(shell_command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

bool have_program(const std::string& name) {
  return std::system(("command -v " + name + " > /dev/null 2>&1").c_str()) == 0;
}

std::filesystem::path binary(const std::string& relative) {
  return std::filesystem::path(CICADA_BINARY_DIR) / relative;
}
std::filesystem::path source(const std::string& relative) {
  return std::filesystem::path(CICADA_SOURCE_DIR) / relative;
}

std::vector<std::string> cicada_argv(std::vector<std::string> args) {
  std::vector<std::string> argv;
  argv.reserve(args.size() + 1);
  argv.push_back(binary("apps/cicada/cicada").string());
  for (auto& a : args) argv.push_back(std::move(a));
  return argv;
}

std::unique_ptr<ChildProcess> start_cicada(std::vector<std::string> args,
                                           const std::filesystem::path& workdir,
                                           std::vector<std::string> env) {
  return std::make_unique<ChildProcess>(cicada_argv(std::move(args)), workdir, std::move(env));
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "cicada-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::filesystem::path& workdir,
                           std::vector<std::string> env) {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() /
                    ("cicada-child-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
  out_path_ = base.string() + ".out";
  err_path_ = base.string() + ".err";
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (auto& e : env) envs.push_back(e);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0), dup2(out, 1), dup2(err, 2);
    if (!workdir.empty() && chdir(workdir.c_str()) != 0) _exit(126);
    std::vector<char*> args, envp;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove(out_path_, ec);
  std::filesystem::remove(err_path_, ec);
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0 && !exited_) kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      exited_ = true;
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::optional<std::string> ChildProcess::wait_for_output(const std::string& needle,
                                                         std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string all = out() + err();
    if (all.find(needle) != std::string::npos) return all;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

std::string ChildProcess::out() const { return read_file(out_path_); }
std::string ChildProcess::err() const { return read_file(err_path_); }

}  // namespace cicada::testing
