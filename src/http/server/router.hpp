#pragma once
// Router: exact-path routes with per-method handlers. The answer to "no such path" (404) and "path exists,
// not with this method" (405 + Allow) lives here so every server built on it gets them right, and so does
// HEAD: a GET route answers HEAD (RFC 9110 §9.3.2; the server drops the body), and its Allow says so.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/server/server_types.hpp"

namespace cicada::http {

class Router {
 public:
  // Registers handler for (method, path). A path's route index is shared by all its methods and is the
  // label metrics use, so cardinality stays bounded by the routes registered, not the paths requested.
  void add(std::string_view method, std::string_view path, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: 404 (route == kUnmatchedRoute) or 405 (see allow)
    std::size_t route = kUnmatchedRoute;
    std::string_view allow;  // for 405: the methods the path accepts, "GET, HEAD, POST"
  };
  // path must not include the query string. HEAD without its own handler matches the path's GET handler.
  Match match(std::string_view method, std::string_view path) const;

  // Route index -> path, for metric labels.
  const std::string& route_path(std::size_t route) const { return routes_[route].path; }
  std::size_t route_count() const { return routes_.size(); }

 private:
  struct Method {
    std::string name;
    Handler handler;
  };
  struct Route {
    std::string path;
    std::vector<Method> methods;
    std::string allow;  // rebuilt by add(): registration order, HEAD right after GET
  };
  static std::string allow_of(const std::vector<Method>& methods);
  std::vector<Route> routes_;  // few routes: a linear scan beats hashing the path
};

// The path part of a request target ("/a/b?x=1" -> "/a/b").
std::string_view path_of(std::string_view target);

}  // namespace cicada::http
