// Master and worker in two network namespaces joined by a veth pair, each with its own address
// (10.200.N.1 and 10.200.N.2, which exist only inside those namespaces): the worker reaches the master
// over a real link, not loopback. The target is an HTTP server on the worker namespace's own loopback.
// Needs root (ip netns add); skipped otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "fleet.hpp"
#include "support/csv_rows.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing;

namespace {

int sh(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// Two namespaces and the link between them, removed at the end (deleting a namespace deletes its veth).
class NetnsPair {
 public:
  NetnsPair() {
    const int id = static_cast<int>(::getpid() % 200) + 20;
    master_ns_ = "cicada-m-" + std::to_string(id);
    worker_ns_ = "cicada-w-" + std::to_string(id);
    master_ip_ = "10.200." + std::to_string(id) + ".1";
    worker_ip_ = "10.200." + std::to_string(id) + ".2";
    cleanup();
    if (sh("ip netns add " + master_ns_) != 0) return;
    const std::string vm = "cvm" + std::to_string(id), vw = "cvw" + std::to_string(id);
    ok_ = sh("ip netns add " + worker_ns_) == 0 &&
          sh("ip link add " + vm + " type veth peer name " + vw) == 0 &&
          sh("ip link set " + vm + " netns " + master_ns_) == 0 &&
          sh("ip link set " + vw + " netns " + worker_ns_) == 0 &&
          sh(in_master("ip addr add " + master_ip_ + "/24 dev " + vm)) == 0 &&
          sh(in_worker("ip addr add " + worker_ip_ + "/24 dev " + vw)) == 0 &&
          sh(in_master("ip link set " + vm + " up")) == 0 &&
          sh(in_worker("ip link set " + vw + " up")) == 0 && sh(in_master("ip link set lo up")) == 0 &&
          sh(in_worker("ip link set lo up")) == 0;
  }
  ~NetnsPair() { cleanup(); }
  bool ok() const { return ok_; }
  std::string in_master(const std::string& c) const { return "ip netns exec " + master_ns_ + " " + c; }
  std::string in_worker(const std::string& c) const { return "ip netns exec " + worker_ns_ + " " + c; }
  std::vector<std::string> argv_in(const std::string& ns, std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"/usr/sbin/ip", "netns", "exec", ns});
    return argv;
  }
  std::string master_ns_, worker_ns_, master_ip_, worker_ip_;

 private:
  void cleanup() {
    sh("ip netns del " + master_ns_);
    sh("ip netns del " + worker_ns_);
  }
  bool ok_ = false;
};

TEST(Netns, MasterAndWorkerInSeparateNamespacesWithTheirOwnAddresses) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for ip netns";
  NetnsPair net;
  if (!net.ok()) GTEST_SKIP() << "ip netns / veth not permitted here";

  TempDir dir;
  const auto scenario = write_get_scenario(dir.path(), "constant(0.05)");
  std::ofstream(dir.path() / "x") << "ok";  // GET /x: a file http.server serves
  ChildProcess target(
      net.argv_in(net.worker_ns_, {"/usr/bin/python3", "-u", "-m", "http.server", "--bind", "127.0.0.1",
                                   "18080", "--directory", dir.path().string()}));
  ASSERT_TRUE(target.wait_for_output("Serving HTTP", 10s)) << target.err();

  const auto prefix = dir.path() / "run";
  auto margv = master_argv(scenario, "http://127.0.0.1:18080", 5557, 1,
                           {"-u", "2", "-r", "10", "-t", "3s", "--csv", prefix.string()});
  margv[6] = net.master_ip_;  // --master-bind-host: the master's own address in its namespace
  ChildProcess master(net.argv_in(net.master_ns_, margv), dir.path());
  auto wargv = worker_argv(5557);
  wargv[3] = net.master_ip_;  // --master-host
  ChildProcess worker(net.argv_in(net.worker_ns_, wargv));

  const auto code = master.wait(30s);
  ASSERT_TRUE(code) << master.err();
  EXPECT_EQ(*code, 0) << master.err();
  const auto wcode = worker.wait(10s);
  ASSERT_TRUE(wcode) << worker.err();
  EXPECT_EQ(*wcode, 0) << worker.err();
  EXPECT_NE(master.err().find("listening on " + net.master_ip_ + ":5557"), std::string::npos) << master.err();
  EXPECT_NE(master.err().find("connected"), std::string::npos);
  const auto rows = read_csv(prefix.string() + "_stats.csv");
  const auto* row = find_row(rows, "GET", "/x");
  ASSERT_NE(row, nullptr);
  EXPECT_GT(std::stoull((*row)[2]), 20u);  // 2 users x ~15/s x 3 s, all over the worker's own loopback
}

}  // namespace
