#include "web_tracking.hpp"

#include "threshold_observer.hpp"
#include "tracking_observers.hpp"

namespace cicada::app {

void WebTestTracking::on_test_start(const runner::RunDescription& run, const report::RunLoad& load) {
  observers_ = ObserverSet();
  auto& list = observers_.list();
  if (!thresholds_.empty()) list.push_back(std::make_unique<ThresholdObserver>(thresholds_, false));
  add_history_observer(list, o_, load);  // after the thresholds: it records their verdicts
  observers_.start(run);
}

// Live --abort-on-threshold is not applied in the UI (see web_tracking.hpp): a stop wish is ignored.
void WebTestTracking::on_second(const stats::Snapshot& snap) { observers_.second(snap); }

int WebTestTracking::on_test_end(const stats::Snapshot& snap) {
  // Thresholds first: their code wins, as in a headless run.
  const int code = observers_.exit(observers_.finish(snap));
  observers_ = ObserverSet();
  return code;
}

}  // namespace cicada::app
