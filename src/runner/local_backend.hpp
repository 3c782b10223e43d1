#pragma once
// LocalBackend: a test's users on this process's event-loop threads (one Shard per loop), as the control
// loop drives them (run_backend.hpp). It starts users at the spawn rate (user k on loop k mod N), stops
// the newest ones when the target goes down (each loop frees a user once it has finished, with its
// connections), runs the open model's arrival executors, and brings each loop's stats delta to the
// control thread once a second.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cicada/user.hpp"
#include "http/client/client_config.hpp"
#include "runner/delta_collector.hpp"
#include "runner/run_backend.hpp"
#include "runner/run_options.hpp"
#include "runner/user_mix.hpp"

namespace cicada::reactor {
class ReactorPool;
}

namespace cicada::runner {

struct Shard;

// The HTTP client settings of a run: one place that maps run options to the client's, with a user
// type's own settings (UserType::client) over them.
http::ClientConfig client_config(const RunOptions& options, const ClientSettings& type = {});

class LocalBackend final : public RunBackend {
 public:
  // scenario and pickers (one per user type) must outlive the backend. From options: the loops
  // (threads), the HTTP client's settings (client_config below) and the open model's max_lateness.
  LocalBackend(const Scenario& scenario, const std::vector<TaskPicker>& pickers, const RunOptions& options,
               std::uint64_t seed);
  ~LocalBackend() override;

  void begin() override;
  void set_users(int users, double spawn_rate, const TypeShares& shares, MonoTime now) override;
  bool spawn_step(MonoTime now) override;
  void start_arrivals(MonoTime origin, double rate, std::size_t max_inflight) override;
  void set_arrival_rate(double rate) override;
  void set_max_inflight(std::size_t total) override;
  int reported_users() const override;
  std::optional<int> users_now() const override { return users_now_.load(); }
  std::map<std::string, int> users_by_type() const override;
  std::optional<int> user_cap() const override;
  std::vector<stats::StatsDelta> take_deltas(bool final) override;
  bool wait(MonoTime until) override;
  void stop(std::chrono::microseconds stop_timeout, const std::atomic<bool>& hurry) override;

 private:
  void start_user(std::size_t ordinal);
  // Stops the newest `count` live users whose type index `of_type` accepts.
  template <class OfType>
  void stop_newest_users(std::size_t count, OfType of_type);
  // After the pool's stop: waits for each loop's thread; one the scenario's code holds for good
  // (Scenario::release_blocked_loop) is left behind with its shard, its stats kept.
  void join_loops();
  void apply_shares(const TypeShares& shares);
  // Of the target: what the fixed counts leave (all of them: the fixed users come first); the weighted users
  // it can run of that (no more than a worker's weighted counts add up to); the users it can run in all.
  std::size_t weighted_rest() const;
  std::size_t weighted_room(std::size_t rest) const;
  std::size_t runnable_target() const;
  void trim_to_target();
  int live_users() const { return users_now_.load(); }  // live_.size(), kept in step with it

  const Scenario& scenario_;
  const std::vector<TaskPicker>& pickers_;
  http::ClientConfig client_;
  std::vector<std::pair<const UserType*, http::ClientConfig>> type_clients_;  // types with their own
  std::size_t threads_;
  std::chrono::microseconds max_lateness_;
  bool poisson_arrivals_;
  std::uint64_t seed_;
  std::unique_ptr<reactor::ReactorPool> pool_;
  std::vector<std::unique_ptr<Shard>> shards_;
  DeltaCollector collector_;

  // Closed model (control thread).
  UserMix mix_;
  int target_users_ = 0;
  double spawn_rate_ = 1;
  std::size_t spawned_ = 0;    // users started so far: the ordinal (and id) of the next one
  std::size_t ramp_base_ = 0;  // live users when the current ramp began
  MonoTime ramp_start_{};
  std::vector<std::size_t> live_per_type_;
  struct LiveUser {
    std::size_t ordinal;
    std::size_t type;
  };
  std::vector<LiveUser> live_;     // in spawn order; a ramp-down stops the newest
  std::atomic<int> users_now_{0};  // live_.size(), for other threads (users_now)
  // The user types a load shape named last (TypeShares::named_types): they decide every target's mix.
  std::optional<std::vector<std::string>> named_types_;

  // Open model (control thread).
  bool open_model_ = false;
  std::size_t max_inflight_ = 0;
};

}  // namespace cicada::runner
