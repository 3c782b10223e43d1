#pragma once
// The ZeroMQ side of the protocol: the master's ROUTER socket and a worker's DEALER socket, each sending
// and receiving whole Messages. Each socket belongs to one thread (ZeroMQ sockets are not thread-safe).
// Malformed frames are logged and dropped: a bad peer must not take the master down.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "distributed/protocol.hpp"

namespace cicada::distributed {

class MasterSocket {
 public:
  MasterSocket();
  ~MasterSocket();
  // host "*" means every interface; port 0 picks a free port (see port()).
  Result<void> bind(const std::string& host, int port);
  int port() const { return port_; }
  // To one worker, by its id. A worker that is gone is not an error: ZeroMQ drops the message.
  void send(const std::string& worker_id, const Message& message);
  // The next message, its sender set to the routing id of the socket it came on; nullopt on timeout.
  std::optional<Message> receive(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

class WorkerSocket {
 public:
  explicit WorkerSocket(std::string worker_id);
  ~WorkerSocket();
  // Connecting never fails on an absent master: ZeroMQ keeps trying in the background.
  Result<void> connect(const std::string& host, int port);
  void send(const Message& message);
  std::optional<Message> receive(std::chrono::milliseconds timeout);
  const std::string& id() const { return id_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string id_;
};

}  // namespace cicada::distributed
