// restrict_to_named and shares_of_named_types: a load shape's target that names user types, as the counts of
// every type the runner follows (fixed types not named 0, the rest dealt over the named weighted types alone,
// in Locust's order of them).
#include "runner/named_types.hpp"

#include <gtest/gtest.h>

namespace cicada::runner {
namespace {

UserType type(const std::string& name, double weight, std::optional<int> fixed = std::nullopt) {
  UserType t;
  t.name = name;
  t.weight = weight;
  t.fixed_count = fixed;
  return t;
}

TEST(NamedTypes, OnlyTheNamedTypesGetUsers) {
  const std::vector<UserType> types{type("A", 1), type("B", 1), type("Admin", 1, 2), type("C", 5)};
  const auto shares = shares_of_named_types(types, {"A", "B", "Admin"}, 7);
  EXPECT_EQ(shares.fixed, (std::map<std::string, int>{{"Admin", 2}}));
  // 5 weighted users over A and B (1:1, A first by name): A 3, B 2; C, not named, none.
  EXPECT_EQ(shares.weighted, (std::map<std::string, int>{{"A", 3}, {"B", 2}, {"C", 0}}));
}

TEST(NamedTypes, AFixedTypeNotNamedGetsNoneAndTheWeightsAreRescaledAmongTheNamed) {
  const std::vector<UserType> types{type("A", 3), type("B", 1), type("Admin", 1, 2), type("C", 1)};
  // A and C named: 3:1 among themselves, so 8 users are 6 A and 2 C, whatever B's weight was.
  const auto shares = shares_of_named_types(types, {"C", "A"}, 8);
  EXPECT_EQ(shares.fixed, (std::map<std::string, int>{{"Admin", 0}}));
  EXPECT_EQ(shares.weighted, (std::map<std::string, int>{{"A", 6}, {"B", 0}, {"C", 2}}));
}

TEST(NamedTypes, NoUsersLeftForTheWeightedAndNothingNamed) {
  const std::vector<UserType> types{type("A", 1), type("Admin", 1, 3)};
  const auto under_fixed = shares_of_named_types(types, {"A", "Admin"}, 2);
  EXPECT_EQ(under_fixed.fixed.at("Admin"), 3);
  EXPECT_EQ(under_fixed.weighted.at("A"), 0);
  const auto none = shares_of_named_types(types, {}, 5);
  EXPECT_EQ(none.fixed.at("Admin"), 0);
  EXPECT_EQ(none.weighted.at("A"), 0);
}

// The rule both a local run and a master's plan apply: named types as declared, fixed types not named
// kept at 0, weighted types not named left out.
TEST(NamedTypes, RestrictToNamedKeepsEveryFixedTypeAndOnlyTheNamedWeightedOnes) {
  const std::vector<UserType> types{type("A", 3), type("B", 1), type("Admin", 1, 2), type("Ops", 1, 4)};
  const auto kept = restrict_to_named(types, {"B", "Ops"});
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].name, "B");
  EXPECT_FALSE(kept[0].fixed_count.has_value());
  EXPECT_EQ(kept[0].weight, 1);
  EXPECT_EQ(kept[1].name, "Admin");
  EXPECT_EQ(kept[1].fixed_count, 0);
  EXPECT_EQ(kept[2].name, "Ops");
  EXPECT_EQ(kept[2].fixed_count, 4);
}

TEST(NamedTypes, UnknownNamesAreReported) {
  const std::vector<UserType> types{type("A", 1), type("B", 1)};
  EXPECT_EQ(unknown_types(types, {"A", "Ghost", "B", "Other"}), (std::vector<std::string>{"Ghost", "Other"}));
  EXPECT_TRUE(unknown_types(types, {"B"}).empty());
}

}  // namespace
}  // namespace cicada::runner
