// The model API's per-thread JSON buffers (issue 13, defect 1): warm, they parse without allocating, but
// one large request must not leave a large allocation behind for the life of the server's thread.
#include "serving/api_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace cicada::serving {
namespace {

std::string batch_of_rows(std::size_t rows) {
  std::string text = "[";
  for (std::size_t i = 0; i < rows; ++i) text += i ? ",{\"age\":54,\"sex\":1}" : "{\"age\":54,\"sex\":1}";
  return text + "]";
}

// Each case on a thread of its own, as each server worker has its own buffers.
template <class F>
void on_a_new_thread(F f) {
  std::thread(f).join();
}

TEST(ThreadBufferTrim, ASmallRequestKeepsTheThreadsBuffersWarm) {
  on_a_new_thread([] {
    const std::string text = batch_of_rows(10);
    {
      ThreadBufferTrim trim;
      simdjson::dom::element doc;
      ASSERT_EQ(parse_json(text, doc), simdjson::SUCCESS);
    }
    EXPECT_GE(thread_json_buffer_bytes(), text.size());
    EXPECT_LE(thread_json_buffer_bytes(), 2 * ThreadBufferTrim::kKeepBytes);
  });
}

TEST(ThreadBufferTrim, ALargeRequestsBuffersAreReleasedOnceItIsAnswered) {
  on_a_new_thread([] {
    const std::string text = batch_of_rows(100'000);  // about 2 MB
    std::vector<double> values;
    {
      ThreadBufferTrim trim(&values);
      simdjson::dom::element doc;
      ASSERT_EQ(parse_json(text, doc), simdjson::SUCCESS);
      values.resize(200'000);  // the handler's row values for that batch
      EXPECT_GT(thread_json_buffer_bytes(), 2 * text.size()) << "the copy and the parser's own buffers";
    }
    EXPECT_LE(thread_json_buffer_bytes(), ThreadBufferTrim::kKeepBytes);
    EXPECT_LE(values.capacity() * sizeof(double), ThreadBufferTrim::kKeepBytes);
    // And the thread still parses afterwards.
    simdjson::dom::element doc;
    EXPECT_EQ(parse_json(batch_of_rows(2), doc), simdjson::SUCCESS);
  });
}

}  // namespace
}  // namespace cicada::serving
