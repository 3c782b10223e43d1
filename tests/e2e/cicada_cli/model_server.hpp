#pragma once
// A trained model served by the real `cicada-model serve` on an ephemeral loopback port, shared by the
// tests of one suite (training takes a second; serving starts in milliseconds).
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace cicada::testing {

class ModelServer {
 public:
  // extra_serve_args are appended to `serve` (e.g. {"--simulated-cost-us", "2000"}).
  explicit ModelServer(const std::vector<std::string>& extra_serve_args = {}) {
    ChildProcess train({binary("apps/cicada-model/cicada-model").string(), "train", "--data",
                        source("data/heart-disease.csv").string(), "--out",
                        (dir_.path() / "model").string()});
    auto code = train.wait(std::chrono::seconds(120));
    if (code != 0) throw std::runtime_error("training failed: " + train.err());
    const std::string model_dir = (dir_.path() / "model").string();
    std::vector<std::string> serve{binary("apps/cicada-model/cicada-model").string(), "serve"};
    serve.insert(serve.end(), {"--model", model_dir, "--port", "0", "--threads", "1"});
    serve.insert(serve.end(), extra_serve_args.begin(), extra_serve_args.end());
    server_ = std::make_unique<ChildProcess>(std::move(serve));
    // http://, or https:// when served with --tls-cert/--tls-key.
    auto text = server_->wait_for_output("://127.0.0.1:", std::chrono::seconds(20));
    if (!text) throw std::runtime_error("server did not start: " + server_->err());
    std::smatch m;
    std::regex re("https?://127\\.0\\.0\\.1:[0-9]+");
    if (!std::regex_search(*text, m, re)) throw std::runtime_error("no URL in: " + *text);
    url_ = m.str();
  }
  const std::string& url() const { return url_; }

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> server_;
  std::string url_;
};

}  // namespace cicada::testing
