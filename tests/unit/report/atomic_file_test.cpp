// write_file_atomically: a reader sees the old file or the new one, a write that fails leaves no
// temporary file behind, a link keeps naming the new report, and a pipe or a device is written through.
#include "report/atomic_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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

TEST(AtomicFile, ASymbolicLinkStaysAndTheFileItNamesGetsTheReport) {
  // A CI job that points ci/latest.json at a file of its own reads that file: renaming over the link
  // replaced the link and left the file with the old report.
  TempDir dir;
  fs::create_directory(dir.path() / "real");
  const auto real = (dir.path() / "real" / "target.json").string();
  std::ofstream(real) << "old";
  const auto link = (dir.path() / "link.json").string();
  fs::create_symlink("real/target.json", link);
  ASSERT_TRUE(write_file_atomically(link, "new"));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(read_file(real), "new");
  EXPECT_FALSE(fs::exists(real + ".tmp"));
  EXPECT_FALSE(fs::exists(link + ".tmp"));
  // A link to a file not there yet: the file is made where the link points.
  const auto dangling = (dir.path() / "dangling.json").string();
  fs::create_symlink("real/made.json", dangling);
  ASSERT_TRUE(write_file_atomically(dangling, "made"));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dangling)));
  EXPECT_EQ(read_file((dir.path() / "real" / "made.json").string()), "made");
}

// A FIFO (or a device: /dev/stdout, /dev/full, which as root a rename replaced with a plain file), named
// or behind a link: written through, and still what it was. (A FIFO stands for the devices here: a test
// that got it wrong must not replace a device node of the machine.) The reader end is open before the
// write and read without blocking, so a write that replaced the FIFO fails the test instead of hanging it.
TEST(AtomicFile, APipeIsWrittenThroughNotReplacedNamedOrBehindALink) {
  TempDir dir;
  const auto fifo = (dir.path() / "report.fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto link = (dir.path() / "report.json").string();
  fs::create_symlink("report.fifo", link);
  for (const auto& path : {fifo, link}) {
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(reader, 0);
    const auto r = write_file_atomically(path, "through the pipe");
    char buf[64] = {};
    const ssize_t n = ::read(reader, buf, sizeof buf);
    ::close(reader);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0), "through the pipe") << path;
    EXPECT_EQ(fs::status(fifo).type(), fs::file_type::fifo) << path;
    EXPECT_FALSE(fs::exists(path + ".tmp")) << path;
  }
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
}

// /dev/stderr is /proc/self/fd/2, whose link names what the descriptor is open on: for `2>>ci.log` the
// user's log file, which a rename replaced with the report (and later log lines went to a lost file).
// Such a path is appended to in place.
TEST(AtomicFile, APathThroughProcIsAppendedToNeverReplaced) {
  TempDir dir;
  const auto log = (dir.path() / "ci.log").string();
  std::ofstream(log) << "before\n";
  const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  struct stat before {};
  ASSERT_EQ(::stat(log.c_str(), &before), 0);
  const auto r = write_file_atomically("/proc/self/fd/" + std::to_string(fd), "report\n");
  ::close(fd);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(read_file(log), "before\nreport\n");
  struct stat after {};
  ASSERT_EQ(::stat(log.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the log was replaced by a new file";
  EXPECT_FALSE(fs::exists(log + ".tmp"));
}
