#include "tracking_observers.hpp"

#include "history_observer.hpp"
#include "threshold_observer.hpp"

namespace cicada::app {

Result<std::vector<report::Threshold>> collect_thresholds(const CliOptions& o,
                                                          const scenario::LoadedScenario& loaded) {
  std::vector<std::string> texts = loaded.thresholds;
  for (auto& t : o.history.threshold_list()) texts.push_back(std::move(t));
  auto parsed = report::parse_thresholds(texts);
  if (!parsed) return parsed.error();
  if (!loaded.entries.empty()) {
    std::vector<report::EntryKey> known;
    for (const auto& e : loaded.entries) known.emplace_back(e.method, e.name);
    if (auto r = report::check_threshold_entries(*parsed, known); !r) return r.error();
    // The scenario's entries are every task's of every type: with a tag filter or a choice of user
    // classes some of them cannot run, and "no data" for one the user filtered out would be false. Then a
    // NAME: threshold is judged on the entries that ran, as before.
    const bool filtered =
        !o.run.tags.empty() || !o.run.exclude_tags.empty() || !o.user_classes.empty() || o.web.class_picker;
    if (!filtered) report::declare_entries(*parsed, known);
  }
  return parsed;
}

void add_threshold_observer(std::vector<std::unique_ptr<RunObserver>>& list,
                            std::vector<report::Threshold> thresholds, const CliOptions& o) {
  if (thresholds.empty()) return;
  list.push_back(std::make_unique<ThresholdObserver>(std::move(thresholds), o.history.abort_on_threshold));
}

void add_history_observer(std::vector<std::unique_ptr<RunObserver>>& list, const CliOptions& o,
                          const report::RunLoad& load) {
  if (!o.history.records_run()) return;
  const ThresholdObserver* thresholds = nullptr;
  for (const auto& obs : list) {
    if (auto* t = dynamic_cast<const ThresholdObserver*>(obs.get())) thresholds = t;
  }
  list.push_back(std::make_unique<HistoryObserver>(o, thresholds, load));
}

}  // namespace cicada::app
