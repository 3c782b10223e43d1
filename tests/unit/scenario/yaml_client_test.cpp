// The `client:` block: HTTP client settings for every user type (top level) or one (in the type, over the
// top level's), with the run's flags' names; each unset setting keeps the run's flag.
#include <gtest/gtest.h>

#include "scenario/yaml_loader.hpp"

using namespace std::chrono_literals;
using cicada::scenario::load_yaml_scenario_text;

namespace {

constexpr const char* kFile = "/scenarios/s.yaml";

const cicada::UserType& type_named(const cicada::Scenario& s, const std::string& name) {
  for (const auto& t : s.user_types)
    if (t.name == name) return t;
  throw std::runtime_error("no user type " + name);
}

TEST(YamlClient, TopLevelSettingsReachEveryTypeAndATypesOwnOverrideThem) {
  auto r = load_yaml_scenario_text(R"(
client:
  request_timeout: 2s
  max_redirects: 3
user_types:
  Plain:
    tasks: {t: [{get: /a}]}
  Own:
    client:
      request_timeout: 250ms
      connect_timeout: 1500ms
      insecure: true
      ca_bundle: certs/ca.pem
      client_cert: /abs/me.pem
      client_key: me.key
      max_body_size: 64KiB
      http2: true
    tasks: {t: [{get: /b}]}
)",
                                   kFile);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& plain = type_named(r->scenario, "Plain").client;
  EXPECT_EQ(plain.request_timeout, 2000ms);
  EXPECT_EQ(plain.max_redirects, 3);
  EXPECT_FALSE(plain.connect_timeout);
  EXPECT_FALSE(plain.verify_tls);
  EXPECT_FALSE(plain.max_body_bytes);
  EXPECT_FALSE(plain.http2);

  const auto& own = type_named(r->scenario, "Own").client;
  EXPECT_EQ(own.request_timeout, 250ms);
  EXPECT_EQ(own.connect_timeout, 1500ms);
  EXPECT_EQ(own.max_redirects, 3);  // from the top level
  EXPECT_EQ(own.verify_tls, false);
  EXPECT_EQ(own.ca_bundle, "/scenarios/certs/ca.pem");  // relative to the scenario file
  EXPECT_EQ(own.client_cert, "/abs/me.pem");
  EXPECT_EQ(own.client_key, "/scenarios/me.key");
  EXPECT_EQ(own.max_body_bytes, 64u * 1024);
  EXPECT_EQ(own.http2, true);
}

TEST(YamlClient, ATypeWithoutSettingsHasNone) {
  auto r = load_yaml_scenario_text("user_types:\n  U:\n    tasks: {t: [{get: /a}]}\n", kFile);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->scenario.user_types[0].client.empty());
}

// Loads `yaml` and returns its error message ("" when it loaded).
std::string error_of(const std::string& client_block) {
  auto r = load_yaml_scenario_text(
      "user_types:\n  U:\n    client:\n" + client_block + "    tasks: {t: [{get: /a}]}\n", kFile);
  return r.ok() ? "" : r.error().message;
}

TEST(YamlClient, MistakesAreNamedWithTheirPlace) {
  EXPECT_NE(
      error_of("      request_timout: 1s\n")
          .find(
              "one of the keys of client settings (connect_timeout, request_timeout, max_redirects, "
              "insecure, ca_bundle, client_cert, client_key, max_body_size, http2), got \"request_timout\""),
      std::string::npos)
      << error_of("      request_timout: 1s\n");
  EXPECT_NE(error_of("      request_timeout: soon\n").find(":4:24: expected a timeout"), std::string::npos)
      << error_of("      request_timeout: soon\n");
  EXPECT_NE(error_of("      connect_timeout: 0s\n").find("expected a timeout of 1ms or more"),
            std::string::npos);
  EXPECT_NE(error_of("      max_redirects: -1\n").find("redirect hops from 0 to 1000"), std::string::npos);
  EXPECT_NE(error_of("      insecure: maybe\n").find("expected true or false"), std::string::npos);
  EXPECT_NE(error_of("      max_body_size: 5 parsecs\n").find("expected a size such as 64KiB"),
            std::string::npos);
  EXPECT_NE(error_of("      client_key: k.pem\n").find("expected client_cert: next to client_key:"),
            std::string::npos)
      << error_of("      client_key: k.pem\n");
  EXPECT_NE(error_of("      http2: h2c\n").find("expected true or false"), std::string::npos);
  EXPECT_EQ(error_of("      max_redirects: 0\n"), "");
}

}  // namespace
