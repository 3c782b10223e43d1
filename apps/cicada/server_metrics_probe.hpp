#pragma once
// `cicada capacity --server-metrics URL`: scrapes the target's Prometheus text and turns the scrapes
// nearest two window edges into the window's server figures (report/prometheus_text.hpp). Scraping is a
// plain blocking HTTP/1.0 GET on a thread of its own, every half second: an overloaded target answers
// /metrics late (behind its queue), and the search's control thread must not wait for it. A window
// whose edges saw no new scrape has no server figures (the first failure is logged once), rather
// than stale ones.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "http/client/url.hpp"
#include "report/prometheus_text.hpp"
#include "runner/capacity_search.hpp"

namespace cicada::app {

class ServerMetricsProbe {
 public:
  // Checks the URL (plain http) and scrapes it once: an unreachable URL is an error before the search.
  // Then scrapes in the background until destroyed.
  static Result<std::unique_ptr<ServerMetricsProbe>> start(const std::string& url);
  ~ServerMetricsProbe();
  // The figures between the latest scrape used by the previous call and the latest scrape now (empty
  // when no new scrape arrived since).
  runner::ServerFigures sample();

 private:
  struct Scrape {
    report::PromScrape data;
    std::chrono::steady_clock::time_point at;
    std::uint64_t serial = 0;
  };
  ServerMetricsProbe() = default;
  Result<report::PromScrape> scrape() const;
  void loop();

  http::Origin origin_;
  std::string target_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::shared_ptr<const Scrape> latest_;  // under mutex_
  std::shared_ptr<const Scrape> used_;    // sample()'s thread only
  std::thread thread_;
};

// GET url's body over plain HTTP within `timeout`; an error for anything but a 200.
Result<std::string> http_get_body(const http::Origin& origin, const std::string& target,
                                  std::chrono::milliseconds timeout);

}  // namespace cicada::app
