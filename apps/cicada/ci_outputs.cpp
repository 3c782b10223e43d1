#include "ci_outputs.hpp"

#include "base/log.hpp"
#include "report/atomic_file.hpp"
#include "report/junit_xml.hpp"
#include "report/run_summary_json.hpp"

namespace cicada::app {

bool write_ci_outputs(const report::StoredRun& run, const std::string& json_file,
                      const std::string& junit_file) {
  bool ok = true;
  auto write = [&](const char* flag, const std::string& file, const std::string& text) {
    if (file.empty()) return;
    if (auto r = report::write_file_atomically(file, text); !r) {
      log::error("{}: {}", flag, r.error().message);
      ok = false;
      return;
    }
    log::info("{} written to {}", flag == std::string("--json") ? "JSON summary" : "JUnit report", file);
  };
  write("--json", json_file, json_file.empty() ? "" : report::run_summary_text(run));
  write("--junit", junit_file, junit_file.empty() ? "" : report::junit_xml(run));
  return ok;
}

}  // namespace cicada::app
