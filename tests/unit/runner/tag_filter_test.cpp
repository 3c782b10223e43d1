#include "runner/tag_filter.hpp"

#include <gtest/gtest.h>

using cicada::Scenario;
using cicada::TaskSpec;
using cicada::UserType;
using cicada::runner::apply_tag_filter;

namespace {
Scenario golden_like() {
  Scenario s;
  s.source = "golden.yaml";
  UserType u;
  u.name = "GoldenUser";
  auto task = [](const char* name, std::vector<std::string> tags) {
    TaskSpec t;
    t.name = name;
    t.tags = std::move(tags);
    return t;
  };
  u.tasks = {task("predict_valid", {"predict"}), task("predict_invalid", {"predict", "invalid"}),
             task("health", {"health"}), task("missing_route", {"errors"}), task("untagged", {})};
  s.user_types.push_back(u);
  return s;
}
std::vector<std::string> names(const Scenario& s) {
  std::vector<std::string> out;
  for (const auto& t : s.user_types.at(0).tasks) out.push_back(t.name);
  return out;
}
}  // namespace

TEST(TagFilter, TagsKeepOnlyTaggedTasks) {
  auto s = golden_like();
  ASSERT_TRUE(apply_tag_filter(s, {"errors", "health"}, {}).ok());
  EXPECT_EQ(names(s), (std::vector<std::string>{"health", "missing_route"}));
}

TEST(TagFilter, ExcludeDropsTasksAndKeepsUntagged) {
  auto s = golden_like();
  ASSERT_TRUE(apply_tag_filter(s, {}, {"invalid", "errors"}).ok());
  EXPECT_EQ(names(s), (std::vector<std::string>{"predict_valid", "health", "untagged"}));
}

TEST(TagFilter, NothingLeftIsAnErrorNamingTheTags) {
  auto s = golden_like();
  auto r = apply_tag_filter(s, {"nope"}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--tags nope"), std::string::npos);
  EXPECT_NE(r.error().message.find("golden.yaml"), std::string::npos);
}
