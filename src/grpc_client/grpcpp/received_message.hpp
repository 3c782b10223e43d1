#pragma once
// ReceivedMessage: a unary call's response as grpc++ delivers it, plus what grpc++'s callback API does not
// say: whether a message came at all, and whether it parsed as the method's response type.
//
// A generated stub's callback call allows a call without a message (CallOpRecvMessage::AllowNoMessage)
// and drops a parse failure on the floor: both complete with the server's status, OK included, and leave
// the response message as it was (the previous call's, since ours are reused). grpc++'s blocking stub
// turns the missing message into an error; the callback API leaves it to the caller. Calls made with
// this type as the response (CallbackUnaryCall<Request, ReceivedMessage>) parse into `message` through
// the SerializationTraits below, which note what happened, so the client can fail an OK call that has
// no response to show (user_grpc_client.cpp).
#include <google/protobuf/message_lite.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>

namespace cicada::grpc_client {

struct ReceivedMessage {
  enum class State { kNone, kParsed, kUnparseable };
  google::protobuf::MessageLite* message = nullptr;  // where the response is parsed
  // Written on gRPC's thread before the call's completion is posted, read on the loop after it.
  State state = State::kNone;
};

}  // namespace cicada::grpc_client

namespace grpc {

// Only deserialization: ReceivedMessage is never sent.
template <>
class SerializationTraits<cicada::grpc_client::ReceivedMessage, void> {
 public:
  static Status Deserialize(ByteBuffer* buffer, cicada::grpc_client::ReceivedMessage* received) {
    using State = cicada::grpc_client::ReceivedMessage::State;
    Status parsed = GenericDeserialize<ProtoBufferReader, protobuf::MessageLite>(buffer, received->message);
    received->state = parsed.ok() ? State::kParsed : State::kUnparseable;
    return parsed;
  }
};

}  // namespace grpc
