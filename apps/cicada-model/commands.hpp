#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace cicada::model_app {

// Each adds its subcommand to app and returns the function that runs it once parsed (its exit code).
std::function<int()> add_train_command(CLI::App& app);
std::function<int()> add_serve_command(CLI::App& app);

}  // namespace cicada::model_app
