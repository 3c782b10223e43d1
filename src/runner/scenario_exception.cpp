#include "runner/scenario_exception.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <typeinfo>

namespace cicada::runner {
namespace {

// The type as written in C++ ("std::runtime_error"), not its mangled name. std::throw_with_nested throws
// a library type wrapping the scenario's own: the scenario's is named.
std::string type_name(const std::type_info* type) {
  if (type == nullptr) return "unknown type";
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type->name(), nullptr, nullptr, &status), std::free);
  std::string out = status == 0 && name ? name.get() : type->name();
  constexpr std::string_view kNested = "std::_Nested_exception<";
  if (out.starts_with(kNested) && out.ends_with('>'))
    out = out.substr(kNested.size(), out.size() - kNested.size() - 1);
  return out;
}

// "  Type: what()" for the exception and, for each exception it nests (std::throw_with_nested), a
// "  caused by Type: what()" line, outermost first, as far down as the chain goes.
void describe(const std::exception& e, std::string& trace, bool cause) {
  trace.append(cause ? "  caused by " : "  ").append(type_name(&typeid(e))).append(": ").append(e.what());
  trace += '\n';
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception& inner) {
    describe(inner, trace, true);
  } catch (...) {
    trace.append("  caused by ").append(type_name(abi::__cxa_current_exception_type())) += '\n';
  }
}

}  // namespace

void record_current_exception(stats::ThreadStats& stats, std::string_view user_type, std::string_view phase) {
  // Native code has no frames to show once the exception is caught: the trace says where (user type and
  // task), what was thrown (its type) and what it nests, the most a C++ or YAML scenario can tell.
  std::string trace;
  trace.append("  in ").append(user_type).append(1, '.').append(phase) += '\n';
  // Rethrowing the exception being handled is how its type can be told without catching it twice
  // at every call site.
  try {
    throw;
  } catch (const std::exception& e) {
    describe(e, trace, false);
    stats.record_exception(e.what(), trace);
  } catch (const char* text) {  // throw "text"
    trace.append("  const char*: ").append(text) += '\n';
    stats.record_exception(text, trace);
  } catch (const std::string& text) {
    trace.append("  std::string: ").append(text) += '\n';
    stats.record_exception(text, trace);
  } catch (...) {
    const std::string type = type_name(abi::__cxa_current_exception_type());
    trace.append("  ").append(type) += '\n';
    stats.record_exception("exception of type " + type, trace);
  }
}

}  // namespace cicada::runner
