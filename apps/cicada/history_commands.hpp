#pragma once
// Entry points of the run-history subcommands, listed in subcommands.cpp. argv[0] is the subcommand.
namespace cicada::app {

int run_history_command(int argc, char** argv);  // history list|show|export|delete
int run_compare_command(int argc, char** argv);  // compare A B
int run_report_command(int argc, char** argv);   // report --markdown [--readme FILE] | --html FILE [ID...]

}  // namespace cicada::app
