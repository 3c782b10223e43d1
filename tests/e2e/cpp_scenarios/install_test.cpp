// `cmake --install` into a temporary prefix, then both C++ paths from the installed copy alone: the
// installed cicada compiles a .cpp scenario against <prefix>/include, and examples/library builds with
// find_package(cicada) against <prefix> and runs a test in-process.
#include <fstream>

#include "cpp_fixture.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::CppScenarioTest;
using cicada::testing::find_row;
using cicada::testing::source;

TEST_F(CppScenarioTest, InstalledCopyRunsCppScenariosAndBuildsTheLibraryExample) {
  const fs::path prefix = dir_.path() / "prefix";
  auto install = start(CICADA_CMAKE_COMMAND, {"--install", binary("").string(), "--prefix", prefix.string()});
  ASSERT_EQ(install->wait(120s), 0) << install->out() << install->err();
  for (auto file : {"bin/cicada", "include/cicada/cicada.hpp", "include/cicada/run.hpp",
                    "lib/cmake/cicada/cicadaConfig.cmake", "lib/cmake/cicada/cicadaTargets.cmake"}) {
    EXPECT_TRUE(fs::exists(prefix / file)) << file;
  }

  // The installed binary finds the installed headers (next to it), not the source tree's.
  auto run = start((prefix / "bin/cicada").string(),
                   {"-f", source("examples/health.cpp").string(), "--host", server_->url(), "--headless",
                    "-u", "2", "-r", "2", "-t", "1s", "--csv", "out", "--only-summary", "-L", "DEBUG"});
  ASSERT_EQ(run->wait(60s), 0) << run->err();
  EXPECT_NE(run->err().find((prefix / "include").string()), std::string::npos) << run->err();
  const auto rows = stats();
  auto* health = find_row(rows, "GET", "/health");
  ASSERT_NE(health, nullptr);
  EXPECT_GT(std::stoi((*health)[2]), 0);

  const fs::path build = dir_.path() / "example-build";
  std::vector<std::string> configure_args = {"-S",
                                             source("examples/library").string(),
                                             "-B",
                                             build.string(),
                                             "-G",
                                             "Ninja",
                                             "-DCMAKE_BUILD_TYPE=Release",
                                             "-DCMAKE_PREFIX_PATH=" + prefix.string()};
#if defined(__SANITIZE_ADDRESS__)
  // The asan preset installs sanitized libraries: a program linking them links the sanitizer runtimes.
  configure_args.push_back("-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined");
#endif
  auto configure = start(CICADA_CMAKE_COMMAND, configure_args);
  ASSERT_EQ(configure->wait(120s), 0) << configure->out() << configure->err();
  auto compile = start(CICADA_CMAKE_COMMAND, {"--build", build.string()});
  ASSERT_EQ(compile->wait(300s), 0) << compile->out() << compile->err();

  auto example = start((build / "health_check").string(), {server_->url()});
  ASSERT_EQ(example->wait(60s), 0) << example->out() << example->err();
  EXPECT_NE(example->out().find("GET /health: "), std::string::npos) << example->out();
  EXPECT_NE(example->out().find("PASS"), std::string::npos) << example->out();
}
