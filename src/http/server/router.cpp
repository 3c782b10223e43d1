#include "http/server/router.hpp"

#include <utility>

namespace cicada::http {

void Router::add(std::string_view method, std::string_view path, Handler handler) {
  Route* route = nullptr;
  for (auto& r : routes_) {
    if (r.path == path) route = &r;
  }
  if (route == nullptr) {
    routes_.push_back(Route{std::string(path), {}, {}});
    route = &routes_.back();
  }
  for (auto& m : route->methods) {
    if (m.name == method) {
      m.handler = std::move(handler);  // re-registering replaces
      return;
    }
  }
  route->methods.push_back(Method{std::string(method), std::move(handler)});
  route->allow = allow_of(route->methods);
}

std::string Router::allow_of(const std::vector<Method>& methods) {
  bool own_head = false;
  for (const auto& m : methods) own_head = own_head || m.name == "HEAD";
  std::string allow;
  auto append = [&allow](std::string_view name) {
    if (!allow.empty()) allow += ", ";
    allow += name;
  };
  for (const auto& m : methods) {
    append(m.name);
    if (m.name == "GET" && !own_head) append("HEAD");  // match() answers HEAD with the GET handler
  }
  return allow;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    if (r.path != path) continue;
    const Method* get = nullptr;
    for (const auto& m : r.methods) {
      if (m.name == method) return Match{&m.handler, i, {}};
      if (m.name == "GET") get = &m;
    }
    if (method == "HEAD" && get != nullptr) return Match{&get->handler, i, {}};
    return Match{nullptr, i, r.allow};
  }
  return Match{};
}

std::string_view path_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace cicada::http
