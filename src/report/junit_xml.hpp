#pragma once
// --junit FILE: a run as a JUnit XML report, the format GitLab, Jenkins and GitHub test reporters read.
// One <testsuite> per run with
//   - one <testcase> per threshold verdict (classname "cicada.thresholds"), failed when it was not met;
//   - one <testcase> per request stats entry (classname "cicada.requests"), failed when any of its
//     requests failed, the failure body listing the error texts and their counts;
//   - one <testcase> per exception group (classname "cicada.exceptions"), as an <error>;
//   - a "requests were made" case that fails when the run made none, so an empty run never passes.
// Text from the target (names, error messages) is made valid UTF-8 and XML (control characters and
// broken byte sequences become U+FFFD). The layout matches tests/unit/report/junit.xsd.
#include <string>

#include "report/history_db.hpp"

namespace cicada::report {

std::string junit_xml(const StoredRun& run);

// s as XML 1.0 character data or attribute text: valid UTF-8, no characters XML forbids, escaped.
std::string xml_text(std::string_view s);

}  // namespace cicada::report
