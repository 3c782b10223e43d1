#include "distributed/transport.hpp"

#include <cerrno>
#include <zmq.hpp>

#include "base/log.hpp"
#include "distributed/codec.hpp"

namespace cicada::distributed {
namespace {

std::optional<Message> decoded(const zmq::message_t& frame, std::string sender) {
  auto message = decode(std::string_view(static_cast<const char*>(frame.data()), frame.size()));
  if (!message) {
    log::warning("dropping a message from '{}': {}", sender, message.error().message);
    return std::nullopt;
  }
  message->sender = std::move(sender);
  return std::move(*message);
}

bool readable(zmq::socket_t& socket, std::chrono::milliseconds timeout) {
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  try {
    return zmq::poll(&item, 1, timeout) > 0;
  } catch (const zmq::error_t& e) {
    // A signal landed on this thread while it waited (Ctrl-C on a headless master): nothing to read, and
    // the caller's loop goes on to see the stop the handler asked for. Uncaught, it aborted the master.
    if (e.num() == EINTR) return false;
    throw;
  }
}

}  // namespace

struct MasterSocket::Impl {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::router};
};

MasterSocket::MasterSocket() : impl_(std::make_unique<Impl>()) {
  impl_->socket.set(zmq::sockopt::linger, 0);
  // Without this a message to an unknown routing id vanishes silently; with it send() would throw.
  // We want the silent drop (a worker may die at any moment), so it stays off.
  impl_->socket.set(zmq::sockopt::router_mandatory, 0);
}

MasterSocket::~MasterSocket() = default;

Result<void> MasterSocket::bind(const std::string& host, int port) {
  const std::string endpoint = "tcp://" + host + ":" + (port == 0 ? std::string("*") : std::to_string(port));
  try {
    impl_->socket.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return make_error("cannot bind the master to " + endpoint + ": " + e.what());
  }
  const std::string last = impl_->socket.get(zmq::sockopt::last_endpoint);
  port_ = std::stoi(last.substr(last.rfind(':') + 1));
  return {};
}

void MasterSocket::send(const std::string& worker_id, const Message& message) {
  const std::string bytes = encode(message);
  try {
    impl_->socket.send(zmq::buffer(worker_id), zmq::send_flags::sndmore);
    impl_->socket.send(zmq::buffer(bytes), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    log::warning("cannot send '{}' to worker {}: {}", type_name(message.body), worker_id, e.what());
  }
}

std::optional<Message> MasterSocket::receive(std::chrono::milliseconds timeout) {
  if (!readable(impl_->socket, timeout)) return std::nullopt;
  zmq::message_t id;
  zmq::message_t frame;
  if (!impl_->socket.recv(id, zmq::recv_flags::dontwait)) return std::nullopt;
  if (!id.more() || !impl_->socket.recv(frame, zmq::recv_flags::dontwait)) return std::nullopt;
  while (frame.more()) {  // a peer that sent extra frames: drain them, they are not ours
    zmq::message_t extra;
    if (!impl_->socket.recv(extra, zmq::recv_flags::dontwait)) break;
    frame.swap(extra);
  }
  return decoded(frame, id.to_string());
}

struct WorkerSocket::Impl {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::dealer};
};

WorkerSocket::WorkerSocket(std::string worker_id)
    : impl_(std::make_unique<Impl>()), id_(std::move(worker_id)) {
  impl_->socket.set(zmq::sockopt::linger, 200);  // a last Goodbye gets a moment to leave
  impl_->socket.set(zmq::sockopt::routing_id, id_);
}

WorkerSocket::~WorkerSocket() = default;

Result<void> WorkerSocket::connect(const std::string& host, int port) {
  const std::string endpoint = "tcp://" + host + ":" + std::to_string(port);
  try {
    impl_->socket.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return make_error("cannot connect to the master at " + endpoint + ": " + e.what());
  }
  return {};
}

void WorkerSocket::send(const Message& message) {
  const std::string bytes = encode(message);
  try {
    // Don't block a worker on a master that is not there: ZeroMQ queues up to the high-water mark.
    (void)impl_->socket.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    log::warning("cannot send '{}' to the master: {}", type_name(message.body), e.what());
  }
}

std::optional<Message> WorkerSocket::receive(std::chrono::milliseconds timeout) {
  if (!readable(impl_->socket, timeout)) return std::nullopt;
  zmq::message_t frame;
  if (!impl_->socket.recv(frame, zmq::recv_flags::dontwait)) return std::nullopt;
  return decoded(frame, "master");
}

}  // namespace cicada::distributed
