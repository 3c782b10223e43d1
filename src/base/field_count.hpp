#pragma once
// field_count<T>(): how many members the aggregate T has, found by brace-initializing it with ever more
// "anything" values until that stops compiling. Lets a test check that a hand-written field list
// (runner/run_options.hpp visit_run_options) names every member, so a new member cannot be forgotten.
#include <cstddef>
#include <utility>

namespace cicada {
namespace detail {

struct AnyField {
  template <class T>
  operator T() const;  // never defined: only used in unevaluated requires-expressions
};

template <class T, std::size_t... I>
constexpr bool brace_constructible_with(std::index_sequence<I...>) {
  return requires { T{(void(I), AnyField{})...}; };
}

}  // namespace detail

template <class T, std::size_t N = 0>
constexpr std::size_t field_count() {
  if constexpr (!detail::brace_constructible_with<T>(std::make_index_sequence<N + 1>{}))
    return N;
  else
    return field_count<T, N + 1>();
}

}  // namespace cicada
