#include "observer_set.hpp"

namespace cicada::app {

void ObserverSet::start(const runner::RunDescription& description) {
  for (auto& obs : list_) obs->on_start(description);
}

bool ObserverSet::second(const stats::Snapshot& snap) {
  bool stop = false;
  for (auto& obs : list_) {
    obs->on_second(snap);
    stop = stop || obs->wants_stop();
  }
  return stop;
}

int ObserverSet::finish(const stats::Snapshot& snap) {
  int code = 0;
  for (auto& obs : list_) {
    const int c = obs->on_finish(snap);
    if (code == 0) code = c;
  }
  return code;
}

int ObserverSet::exit(int code) {
  for (auto& obs : list_) code = obs->on_exit(code, ended_by_);
  return code;
}

void observe_run(runner::TestRun& run, ObserverSet& observers,
                 const std::function<void(const stats::Snapshot&)>& each_second) {
  observers.start(run.description());
  run.run([&](const stats::Snapshot& snap) {
    if (observers.second(snap)) {
      observers.stop_cause().note("threshold");  // the one observer that asks: --abort-on-threshold
      run.stop();
    }
    if (each_second) each_second(snap);
  });
  observers.set_ended_by(observers.stop_cause().ended_by(run));
}

}  // namespace cicada::app
