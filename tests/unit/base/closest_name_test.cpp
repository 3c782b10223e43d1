#include "base/closest_name.hpp"

#include <gtest/gtest.h>

namespace cicada {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutionsIgnoringCase) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("users", "USERS"), 0u);
  EXPECT_EQ(edit_distance("user", "users"), 1u);
  EXPECT_EQ(edit_distance("usres", "users"), 2u);  // a swap is two edits
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(ClosestName, SuggestsTheOneNearNameAndNothingForAStrangerOrATie) {
  const std::vector<std::string> known = {"USERS", "SPAWN_RATE", "RUN_TIME", "HOST", "HEADLESS"};
  EXPECT_EQ(closest_name("USER", known), "USERS");
  EXPECT_EQ(closest_name("usres", known), "USERS");
  EXPECT_EQ(closest_name("SPAWNRATE", known), "SPAWN_RATE");
  EXPECT_EQ(closest_name("RUNTIME", known), "RUN_TIME");
  EXPECT_EQ(closest_name("HOSTS", known), "HOST");
  EXPECT_EQ(closest_name("TIMEOUT", known), std::nullopt);
  EXPECT_EQ(closest_name("X", known), std::nullopt);
  EXPECT_EQ(closest_name("ABCD", {"ABCE", "ABCF"}), std::nullopt);  // equally near: no guess
  EXPECT_EQ(closest_name("ABCD", {}), std::nullopt);
}

}  // namespace
}  // namespace cicada
