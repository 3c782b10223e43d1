#pragma once
// cicada::Task<T>: the coroutine type of user tasks and of every awaitable step under them.
//
// Lazy (starts when awaited or started by the engine), single-awaiter, symmetric transfer so that deep
// chains of co_await do not grow the stack. Exceptions thrown inside propagate to the awaiter, and the
// engine catches them per task and records them as scenario exceptions.
//
// Frames come from a per-thread recycling pool (detail::FramePool): a user runs on one event loop thread
// and calls its tasks again and again, so after warm-up no task invocation reaches malloc.
#include <coroutine>
#include <cstddef>
#include <exception>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

namespace cicada {

namespace detail {

// Size-class free lists of coroutine frames, one set per thread. Frames freed on another thread simply
// join that thread's lists. Written here, not taken from a library, because it sits on every task call.
class FramePool {
 public:
  static constexpr std::size_t kGranule = 64;
  static constexpr std::size_t kClasses = 64;  // frames up to 4 KiB are pooled, larger ones use operator new

  static void* allocate(std::size_t size) {
    std::size_t cls = (size + kGranule - 1) / kGranule;
    if (cls >= kClasses) return ::operator new(size);
    auto& head = lists()[cls];
    if (head) {
      Node* n = head;
      head = n->next;
      return n;
    }
    return ::operator new(cls* kGranule);
  }

  static void deallocate(void* p, std::size_t size) noexcept {
    std::size_t cls = (size + kGranule - 1) / kGranule;
    if (cls >= kClasses) {
      ::operator delete(p);
      return;
    }
    auto& head = lists()[cls];
    head = new (p) Node{head};
  }

 private:
  struct Node {
    Node* next;
  };
  struct Lists {
    Node* heads[kClasses] = {};
    ~Lists() {
      for (auto*& h : heads) {
        while (h) {
          Node* n = h;
          h = h->next;
          ::operator delete(n);
        }
      }
    }
    Node*& operator[](std::size_t i) { return heads[i]; }
  };
  static Lists& lists() {
    thread_local Lists l;
    return l;
  }
};

struct PromiseBase {
  std::coroutine_handle<> continuation_;
  std::exception_ptr exception_;

  static void* operator new(std::size_t size) { return FramePool::allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept { FramePool::deallocate(p, size); }

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      auto next = h.promise().continuation_;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }
};

// Where a finished task keeps its result: a value for Task<T>, nothing for Task<void>.
template <class T>
struct ResultSlot : PromiseBase {
  std::optional<T> value_;
  template <class U>
  void return_value(U&& v) {
    value_.emplace(std::forward<U>(v));
  }
};
template <>
struct ResultSlot<void> : PromiseBase {
  void return_void() noexcept {}
};

}  // namespace detail

template <class T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::ResultSlot<T> {
    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
  };

  Task() = default;
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~Task() { destroy(); }

  bool await_ready() const noexcept { return !h_ || h_.done(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    h_.promise().continuation_ = awaiting;
    return h_;
  }
  T await_resume() {
    auto& p = h_.promise();
    if (p.exception_) std::rethrow_exception(p.exception_);
    if constexpr (!std::is_void_v<T>) return std::move(*p.value_);
  }

  std::coroutine_handle<promise_type> handle() const { return h_; }
  std::coroutine_handle<promise_type> release() { return std::exchange(h_, {}); }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : h_(h) {}
  void destroy() {
    if (h_) h_.destroy();
    h_ = {};
  }
  std::coroutine_handle<promise_type> h_;
};

}  // namespace cicada
