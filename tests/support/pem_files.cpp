#include "support/pem_files.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace cicada::testing {
namespace {

const std::string kNewKey = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 ";

}  // namespace

void run_openssl(const TempDir& dir, const std::string& args) {
  const std::string cmd = "cd '" + dir.path().string() + "' && openssl " + args + " > openssl.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n" << read_file(dir.path() / "openssl.log");
}

void make_self_signed_pem(const TempDir& dir, const std::string& san, const std::string& name) {
  const std::string cn = san.substr(san.find(':') + 1);
  run_openssl(dir, "req -x509 " + kNewKey + "-subj /CN=" + cn + " -addext subjectAltName=" + san +
                       " -keyout " + name + ".key -out " + name + ".pem");
}

void make_pki(const TempDir& dir, const std::string& server_san) {
  run_openssl(dir, "req -x509 " + kNewKey + "-subj /CN=cicada-test-ca -keyout ca.key -out ca.pem");
  run_openssl(dir, "req " + kNewKey + "-subj /CN=server -keyout server.key -out server.csr");
  std::ofstream(dir.path() / "san.ext") << "subjectAltName=" << server_san << "\n";
  run_openssl(dir,
              "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext "
              "-out server.pem");
  run_openssl(dir, "req " + kNewKey + "-subj /CN=client -keyout client.key -out client.csr");
  run_openssl(dir,
              "x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out client.pem");
}

}  // namespace cicada::testing
