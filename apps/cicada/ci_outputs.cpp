#include "ci_outputs.hpp"

#include "base/log.hpp"
#include "report/atomic_file.hpp"
#include "report/junit_xml.hpp"
#include "report/run_summary_json.hpp"
#include "run_observer.hpp"

namespace cicada::app {

namespace {

// Writes the file when it is asked for (a path); false when it could not be (logged).
template <typename MakeText>
bool write_report(const char* flag, const char* what, const std::string& file, MakeText make_text) {
  if (file.empty()) return true;
  if (auto r = report::write_file_atomically(file, make_text()); !r) {
    log::error("{}: {}", flag, r.error().message);
    return false;
  }
  log::info("{} written to {}", what, file);
  return true;
}

bool write_json(const report::StoredRun& run, const std::string& file) {
  return write_report("--json", "JSON summary", file, [&] { return report::run_summary_text(run); });
}

bool write_junit(const report::StoredRun& run, const std::string& file) {
  return write_report("--junit", "JUnit report", file, [&] { return report::junit_xml(run); });
}

}  // namespace

bool write_ci_outputs(const report::StoredRun& run, const std::string& json_file,
                      const std::string& junit_file) {
  const bool json_ok = write_json(run, json_file);
  return write_junit(run, junit_file) && json_ok;
}

int write_run_ci_outputs(report::StoredRun& run, const std::string& json_file,
                         const std::string& junit_file) {
  const bool json_ok = write_json(run, json_file);
  const bool junit_ok = write_junit(run, junit_file);
  const int code = run.info.exit_code.value_or(0);
  if ((json_ok && junit_ok) || code != 0) return code;
  run.info.exit_code = kReportNotWritten;
  if (json_ok) write_json(run, json_file);
  if (junit_ok) write_junit(run, junit_file);
  return kReportNotWritten;
}

}  // namespace cicada::app
