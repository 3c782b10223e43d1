// cicada::Task, the coroutine type under every user task: values and exceptions reach the awaiter, and
// long chains of co_await do not grow the stack (symmetric transfer).
#include "cicada/task.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

cicada::Task<int> add_one(int x) { co_return x + 1; }

cicada::Task<std::string> greet(std::string name) {
  const int n = co_await add_one(41);
  co_return "hello " + name + " " + std::to_string(n);
}

cicada::Task<void> throws_after(int depth) {
  if (depth == 0) throw std::runtime_error("deep failure");
  co_await throws_after(depth - 1);
}

cicada::Task<int> count_down(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await count_down(n - 1);
}

cicada::Task<void> store(int& out, cicada::Task<int> inner) { out = co_await std::move(inner); }

// Runs a task to completion on this thread (every task here finishes without suspending on I/O).
template <class T>
void run(cicada::Task<T>& task) {
  task.handle().resume();
  ASSERT_TRUE(task.handle().done());
}

}  // namespace

TEST(Task, ValuesFlowThroughCoAwait) {
  int out = 0;
  auto task = store(out, add_one(1));
  run(task);
  EXPECT_EQ(out, 2);

  std::string text;
  auto outer = [](std::string& dst) -> cicada::Task<void> { dst = co_await greet("cicada"); }(text);
  run(outer);
  EXPECT_EQ(text, "hello cicada 42");
}

TEST(Task, ExceptionsReachTheAwaiter) {
  std::string caught;
  auto task = [](std::string& dst) -> cicada::Task<void> {
    try {
      co_await throws_after(50);
    } catch (const std::runtime_error& e) {
      dst = e.what();
    }
  }(caught);
  run(task);
  EXPECT_EQ(caught, "deep failure");
}

TEST(Task, DeepChainsDoNotOverflowTheStack) {
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
  GTEST_SKIP() << "g++ turns symmetric transfer into a tail call only when optimising";
#endif
  // 100,000 nested co_awaits: without symmetric transfer each resume would nest a stack frame.
  int out = -1;
  auto task = store(out, count_down(100'000));
  run(task);
  EXPECT_EQ(out, 100'000);
}

TEST(Task, AnEmptyOrFinishedTaskIsReady) {
  cicada::Task<int> empty;
  EXPECT_TRUE(empty.await_ready());
  auto task = add_one(1);
  EXPECT_FALSE(task.await_ready());
  task.handle().resume();
  EXPECT_TRUE(task.await_ready());
  EXPECT_EQ(task.await_resume(), 2);
}
