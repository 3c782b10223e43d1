#include "distributed/codec.hpp"

#include <array>
#include <chrono>
#include <msgpack.hpp>
#include <optional>

#include "distributed/stats_codec.hpp"

namespace cicada::distributed {
namespace {

using detail::Packer;

// Each body's fields are listed once, in fields(); the same list drives packing and reading, so the
// two cannot drift apart. Bodies are msgpack maps keyed by field name (docs/protocol.md).
template <class Io>
void fields(Io& io, Hello& m) {
  io("hostname", m.hostname);
  io("pid", m.pid);
  io("threads", m.threads);
  io("known_options", m.known_options);  // nil when absent (tests' hand-built hellos of older workers)
}
template <class Io>
void fields(Io& io, Heartbeat& m) {
  io("state", m.state);
  io("user_count", m.user_count);
  io("cpu_usage", m.cpu_usage);
  io("memory_usage", m.memory_usage);
}
template <class Io>
void fields(Io& io, Start& m) {
  io("test_id", m.test_id);
  io("scenario_kind", m.scenario.kind);
  io("scenario_file", m.scenario.file_name);
  io("scenario_text", m.scenario.text);
  io("scenario_options", m.scenario.parsed_options);
  io("options", m.options);
  io("worker_index", m.worker_index);
  io("users", m.users);
  io("spawn_rate", m.spawn_rate);
  io("open_model", m.open_model);
  io("arrival_rate", m.arrival_rate);
  io("max_inflight", m.max_inflight);
  io("fixed_counts", m.fixed_counts);
  io("weighted_counts", m.weighted_counts);
  io("user_types", m.user_types);
}
template <class Io>
void fields(Io& io, Spawn& m) {
  io("test_id", m.test_id);
  io("users", m.users);
  io("spawn_rate", m.spawn_rate);
  io("arrival_rate", m.arrival_rate);
  io("max_inflight", m.max_inflight);
  io("fixed_counts", m.fixed_counts);
  io("weighted_counts", m.weighted_counts);
}
template <class Io>
void fields(Io& io, Stop& m) {
  io("test_id", m.test_id);
}
template <class Io>
void fields(Io&, Quit&) {}
template <class Io>
void fields(Io& io, Stats& m) {
  io("test_id", m.test_id);
  io("seq", m.seq);
  io("user_count", m.user_count);
  io("deltas", m.deltas);
}
template <class Io>
void fields(Io& io, Stopped& m) {
  io("test_id", m.test_id);
  io("last_seq", m.last_seq);
}
template <class Io>
void fields(Io& io, WorkerError& m) {
  io("test_id", m.test_id);
  io("message", m.message);
}
template <class Io>
void fields(Io&, Goodbye&) {}
template <class Io>
void fields(Io& io, Custom& m) {
  io("msg_type", m.type);
  io("data", m.data);
}

struct Counter {
  std::uint32_t n = 0;
  template <class T>
  void operator()(const char*, const T&) {
    ++n;
  }
};

struct Writer {
  Packer& pk;
  template <class T>
  void operator()(const char* key, const T& value) {
    pk.pack(std::string_view(key));
    pk.pack(value);
  }
  void operator()(const char* key, const std::vector<stats::StatsDelta>& deltas) {
    pk.pack(std::string_view(key));
    pk.pack_array(static_cast<std::uint32_t>(deltas.size()));
    for (const auto& d : deltas) detail::pack_delta(pk, d);
  }
  // Durations travel as integer microseconds, an absent one as nil.
  template <class Rep, class Period>
  void operator()(const char* key, const std::chrono::duration<Rep, Period>& d) {
    pk.pack(std::string_view(key));
    pk.pack(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
  }
  void operator()(const char* key, const std::optional<std::chrono::microseconds>& d) {
    if (d) return (*this)(key, *d);
    pk.pack(std::string_view(key));
    pk.pack_nil();
  }
  void operator()(const char* key, const runner::RunOptions& options) {
    pk.pack(std::string_view(key));
    Counter counter;
    runner::visit_run_options(options, counter);
    pk.pack_map(counter.n);
    runner::visit_run_options(options, *this);
  }
};

// Looks each field up by name; an absent field keeps its default (an older sender), unknown keys are
// skipped (a newer sender).
struct Reader {
  const msgpack::object& map;
  const msgpack::object* find(std::string_view key) const {
    for (std::uint32_t i = 0; i < map.via.map.size; ++i) {
      const auto& kv = map.via.map.ptr[i];
      if (kv.key.type == msgpack::type::STR &&
          std::string_view(kv.key.via.str.ptr, kv.key.via.str.size) == key)
        return &kv.val;
    }
    return nullptr;
  }
  template <class T>
  void operator()(const char* key, T& value) {
    if (const auto* v = find(key)) v->convert(value);
  }
  void operator()(const char* key, std::vector<stats::StatsDelta>& deltas) {
    const auto* v = find(key);
    if (!v) return;
    if (v->type != msgpack::type::ARRAY) throw msgpack::type_error();
    for (std::uint32_t i = 0; i < v->via.array.size; ++i)
      deltas.push_back(detail::read_delta(v->via.array.ptr[i]));
  }
  template <class Rep, class Period>
  void operator()(const char* key, std::chrono::duration<Rep, Period>& d) {
    if (const auto* v = find(key))
      d = std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(
          std::chrono::microseconds(v->as<std::int64_t>()));
  }
  void operator()(const char* key, std::optional<std::chrono::microseconds>& d) {
    const auto* v = find(key);
    if (!v) return;
    if (v->type == msgpack::type::NIL)
      d.reset();
    else
      d = std::chrono::microseconds(v->as<std::int64_t>());
  }
  void operator()(const char* key, runner::RunOptions& options) {
    const auto* v = find(key);
    if (!v) return;
    if (v->type != msgpack::type::MAP) throw msgpack::type_error();
    runner::visit_run_options(options, Reader{*v});
  }
};

constexpr std::array<const char*, std::variant_size_v<Body>> kTypeNames = {
    "hello", "heartbeat", "start", "spawn", "stop", "quit", "stats", "stopped", "error", "goodbye", "custom"};

template <std::size_t I = 0>
Body read_body(std::string_view type, const msgpack::object& map, bool& known) {
  if constexpr (I < std::variant_size_v<Body>) {
    if (type == kTypeNames[I]) {
      std::variant_alternative_t<I, Body> body;
      Reader reader{map};
      fields(reader, body);
      known = true;
      return body;
    }
    return read_body<I + 1>(type, map, known);
  } else {
    known = false;
    return Goodbye{};
  }
}

}  // namespace

const char* type_name(const Body& body) { return kTypeNames[body.index()]; }

std::vector<std::pair<std::string, std::string>> encode_run_option_fields(const runner::RunOptions& options) {
  std::vector<std::pair<std::string, std::string>> out;
  runner::visit_run_options(options, [&](const char* name, const auto& value) {
    msgpack::sbuffer buffer;
    Packer pk(&buffer);
    Writer{pk}(name, value);
    out.emplace_back(name, std::string(buffer.data(), buffer.size()));
  });
  return out;
}

std::string encode(const Message& message) {
  msgpack::sbuffer buffer;
  Packer pk(&buffer);
  pk.pack_array(4);
  pk.pack(kProtocolVersion);
  pk.pack(std::string_view(type_name(message.body)));
  pk.pack(message.sender);
  std::visit(
      [&](const auto& body) {
        auto& m = const_cast<std::remove_const_t<std::remove_reference_t<decltype(body)>>&>(body);
        Counter counter;
        fields(counter, m);
        pk.pack_map(counter.n);
        Writer writer{pk};
        fields(writer, m);
      },
      message.body);
  return std::string(buffer.data(), buffer.size());
}

// GCC 12 at -O3 reports the variant's Stats alternative as maybe used uninitialized when the decoded
// Message is moved into its Result (every member has an initializer; a known false positive of
// -Wmaybe-uninitialized with std::variant). Silenced for this function only, so the plain -O3 Release
// build, where warnings are errors, builds.
#if defined(__GNUC__) && !defined(__clang__)  // clang (the fuzz build) has no such warning
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
Result<Message> decode(std::string_view bytes) {
  try {
    // msgpack allocates a container's items when it reads its header, before they arrive: a 200-byte
    // frame declaring a map of 2^32 entries made it allocate 128 GB (found by tests/fuzz/codec_fuzz).
    // An item takes at least one byte (a map entry two), so no honest container declares more than the
    // frame holds, and our messages nest 7 deep: allocation stays within a small multiple of the frame.
    const std::size_t n = bytes.size();
    const msgpack::unpack_limit limit(n, n / 2, n, n, n, 16);
    msgpack::object_handle handle = msgpack::unpack(bytes.data(), n, nullptr, nullptr, limit);
    const msgpack::object& root = handle.get();
    if (root.type != msgpack::type::ARRAY || root.via.array.size < 4)
      return make_error("not a cicada message (expected [version, type, sender, body])");
    const auto* f = root.via.array.ptr;
    const auto version = f[0].as<std::uint32_t>();
    if (version != kProtocolVersion) {
      return make_error("protocol version " + std::to_string(version) + " received, this cicada speaks " +
                        std::to_string(kProtocolVersion) +
                        ": run the same cicada version on master and workers");
    }
    const auto type = f[1].as<std::string>();
    Message message;
    message.sender = f[2].as<std::string>();
    if (f[3].type != msgpack::type::MAP) return make_error("message '" + type + "': body is not a map");
    bool known = false;
    message.body = read_body(type, f[3], known);
    if (!known) return make_error("unknown message type '" + type + "'");
    return message;
  } catch (const std::exception& e) {
    return make_error(std::string("malformed message: ") + e.what());
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace cicada::distributed
