// cicada-model: train the heart-disease pipeline and serve it over HTTP.
// Thin main: each subcommand lives in its own file (train_command.cpp, serve_command.cpp).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"cicada-model: train a tabular classifier (XGBoost) and serve it as a hardened HTTP API"};
  app.require_subcommand(1);
  auto train = cicada::model_app::add_train_command(app);
  auto serve = cicada::model_app::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;  // bad usage exits 2, like every cicada command
  }
  try {
    if (app.got_subcommand("train")) return train();
    return serve();
  } catch (const std::exception& e) {
    // A bug, not bad input: one line and exit 1 rather than std::terminate's abort (134).
    std::fprintf(stderr, "cicada-model: internal error: %s\n", e.what());
    return 1;
  }
}
