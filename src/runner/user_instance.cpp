#include "runner/user_instance.hpp"

#include "base/killable.hpp"
#include "runner/scenario_exception.hpp"
#include "runner/shard.hpp"
#include "scenario/user_binder.hpp"

namespace cicada::runner {

UserInstance::UserInstance(Shard& shard, const UserType& type, std::uint64_t id, std::uint64_t seed)
    : shard_(shard),
      type_(type),
      rng_(seed),
      client_(shard.client_state_for(type), shard.stats, type.host),
      grpc_(shard.grpc_channels, client_),
      user_(type.factory ? type.factory() : std::make_unique<User>()) {
  for (const auto& [name, value] : type.default_headers) client_.set_default_header(name, value);
  detail::UserBinder::bind(*user_, client_, rng_, id);
  detail::UserBinder::bind_grpc(*user_, grpc_);
}

Task<> UserInstance::on_start() {
  try {
    co_await user_->on_start();
  } catch (const UserKilled&) {
    // Killed in on_start (the run ended meanwhile): on_stop follows, as in Locust.
  } catch (...) {
    record_current_exception(shard_.stats, type_.name, "on_start");
  }
}

Task<> UserInstance::on_stop() {
  in_on_stop_ = true;
  client_.disarm_kill();  // a kill that came between tasks: on_stop's requests are made (Locust's too)
  try {
    co_await user_->on_stop();
  } catch (const UserKilled&) {
  } catch (...) {
    record_current_exception(shard_.stats, type_.name, "on_stop");
  }
}

void UserInstance::kill() {
  if (in_on_stop_) return;
  client_.kill();
  grpc_.kill();
  if (auto* killable = dynamic_cast<Killable*>(user_.get())) killable->kill();
}

}  // namespace cicada::runner
