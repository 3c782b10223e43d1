// cicada-stream-target: the streaming test target (tests/support/stream_target.hpp) as a program, for
// trying cicada's streamed-response statistics by hand and in benchmarks. Loopback only; stops on SIGINT
// or SIGTERM. Prints "cicada-stream-target: serving on http://127.0.0.1:PORT" once listening.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "support/stream_target.hpp"

int main(int argc, char** argv) {
  CLI::App app{"cicada-stream-target: an OpenAI-style /v1/chat/completions that streams at a known pace"};
  double first_token_ms = 50, token_gap_ms = 10;
  int tokens = 16;
  std::string framing = "chunked";
  app.add_option("--first-token-ms", first_token_ms, "Request read -> first token event")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--token-gap-ms", token_gap_ms, "Gap between token events")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--tokens", tokens, "Token events per answer (max_tokens in a request overrides it)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--framing", framing, "chunked (keep-alive) or close (the body ends with the connection)")
      ->check(CLI::IsMember({"chunked", "close"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before the server's threads start: they inherit it

  cicada::testing::StreamPace pace;
  pace.first_token = std::chrono::microseconds(static_cast<std::int64_t>(first_token_ms * 1000));
  pace.token_gap = std::chrono::microseconds(static_cast<std::int64_t>(token_gap_ms * 1000));
  pace.tokens = tokens;
  pace.chunked = framing == "chunked";
  cicada::testing::ScriptedServer server;
  server.set_recording(false);
  cicada::testing::serve_stream_target(server, pace);
  std::printf("cicada-stream-target: serving on %s\n", server.url().c_str());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  return 0;
}
