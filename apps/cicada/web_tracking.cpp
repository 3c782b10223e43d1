#include "web_tracking.hpp"

#include "threshold_observer.hpp"
#include "tracking_observers.hpp"

namespace cicada::app {

void WebTestTracking::on_test_start(runner::LocalRunner& runner) {
  observers_.clear();
  if (!thresholds_.empty()) observers_.push_back(std::make_unique<ThresholdObserver>(thresholds_, false));
  add_history_observer(observers_, o_);  // after the thresholds: it records their verdicts
  for (auto& obs : observers_) obs->on_start(runner);
}

void WebTestTracking::on_second(const stats::Snapshot& snap) {
  for (auto& obs : observers_) obs->on_second(snap);
}

int WebTestTracking::on_test_end(const stats::Snapshot& snap) {
  int code = 0;
  for (auto& obs : observers_) {
    const int c = obs->on_finish(snap);
    if (code == 0) code = c;  // the first non-zero wins, as in a headless run (thresholds come first)
  }
  for (auto& obs : observers_) obs->on_exit(code);
  observers_.clear();
  return code;
}

}  // namespace cicada::app
