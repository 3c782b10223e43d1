#pragma once
// Killable: implemented by a User whose code waits in ways the engine does not see (a locustfile's user:
// its sleeps, its greenlet), so that a kill reaches it. The engine kills a user that is still in a task
// when the run stops (cicada::UserKilled, cicada/http_client.hpp): its HTTP client cuts the request in
// flight; kill() wakes and interrupts the rest. Called on the user's event loop thread, while the user's
// code is suspended.
namespace cicada {

class Killable {
 public:
  virtual void kill() = 0;

 protected:
  ~Killable() = default;
};

}  // namespace cicada
