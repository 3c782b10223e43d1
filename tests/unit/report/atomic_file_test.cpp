// write_file_atomically: a reader sees the old file or the new one, and a write that fails leaves no
// temporary file behind.
#include "report/atomic_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/child_process.hpp"

namespace fs = std::filesystem;
using cicada::report::write_file_atomically;
using cicada::testing::read_file;
using cicada::testing::TempDir;

TEST(AtomicFile, ReplacesTheFileAndLeavesNoTemporary) {
  TempDir dir;
  const auto path = (dir.path() / "run.json").string();
  std::ofstream(path) << "old";
  ASSERT_TRUE(write_file_atomically(path, "new"));
  EXPECT_EQ(read_file(path), "new");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(AtomicFile, AFailedRenameRemovesItsTemporaryFile) {
  // A folder where the file should go: the temporary file is written, the rename over it fails.
  TempDir dir;
  const auto path = (dir.path() / "run.json").string();
  fs::create_directory(path);
  auto r = write_file_atomically(path, "text");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot rename " + path + ".tmp to " + path), std::string::npos)
      << r.error().message;
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_TRUE(fs::is_directory(path));
}

TEST(AtomicFile, ATemporaryNameItCannotOpenIsLeftAlone) {
  // Not its file (here a folder of that name): it is not removed.
  TempDir dir;
  const auto path = (dir.path() / "run.json").string();
  fs::create_directory(path + ".tmp");
  auto r = write_file_atomically(path, "text");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot write " + path + ".tmp");
  EXPECT_TRUE(fs::is_directory(path + ".tmp"));
  EXPECT_FALSE(fs::exists(path));
}

TEST(AtomicFile, ADiskFullWriteFailsAndRemovesItsTemporaryFile) {
  // The temporary name leads to /dev/full, where every write fails with ENOSPC as on a full disk.
  TempDir dir;
  const auto path = (dir.path() / "run.json").string();
  std::ofstream(path) << "old";
  fs::create_symlink("/dev/full", path + ".tmp");
  auto r = write_file_atomically(path, "text");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot write " + path + ".tmp (disk full?)");
  EXPECT_FALSE(fs::exists(fs::symlink_status(path + ".tmp")));
  EXPECT_EQ(read_file(path), "old");
}
