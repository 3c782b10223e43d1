#include "scenario/cpp_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace cicada::scenario {

Result<ProcessOutcome> run_process(const std::vector<std::string>& argv, Capture capture) {
  const bool captured = capture != Capture::kNothing;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int pipe_fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (captured) {
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1],
                                     capture == Capture::kStdout ? STDOUT_FILENO : STDERR_FILENO);
  }
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (captured) close(pipe_fds[1]);
  if (rc != 0) {
    if (captured) close(pipe_fds[0]);
    return make_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }

  ProcessOutcome outcome;
  if (captured) {
    char buf[4096];
    for (;;) {
      const ssize_t n = read(pipe_fds[0], buf, sizeof buf);
      if (n > 0) {
        outcome.out.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        break;
      }
    }
    close(pipe_fds[0]);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

}  // namespace cicada::scenario
