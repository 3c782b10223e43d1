#include "base/byte_size.hpp"

#include <gtest/gtest.h>

namespace cicada {
namespace {

TEST(ByteSize, ReadsBytesAndBinaryUnitsInAnyCase) {
  EXPECT_EQ(*parse_byte_size("2000000"), 2'000'000u);
  EXPECT_EQ(*parse_byte_size("17B"), 17u);
  EXPECT_EQ(*parse_byte_size("512KB"), 512u * 1024);
  EXPECT_EQ(*parse_byte_size("1MiB"), 1u << 20);
  EXPECT_EQ(*parse_byte_size("3 mb"), 3u << 20);
  EXPECT_EQ(*parse_byte_size("2G"), std::size_t{2} << 30);
}

TEST(ByteSize, NamesWhatIsWrong) {
  auto unit = parse_byte_size("5 parsecs");
  ASSERT_FALSE(unit);
  EXPECT_NE(unit.error().message.find("unknown unit 'parsecs'"), std::string::npos) << unit.error().message;
  auto word = parse_byte_size("big");
  ASSERT_FALSE(word);
  EXPECT_NE(word.error().message.find("is not a size"), std::string::npos) << word.error().message;
  EXPECT_FALSE(parse_byte_size("-1MB"));
  auto huge = parse_byte_size("99999999999999GB");
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message.find("too large"), std::string::npos) << huge.error().message;
}

}  // namespace
}  // namespace cicada
