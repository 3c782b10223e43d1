#pragma once
// The RequestHead (request_checks.hpp) of a request Beast parsed: what http_server.cpp checks before
// routing, and what the request parser's fuzz target (tests/fuzz/) checks the same way. Include only where
// Beast is already included.
#include <boost/beast/http.hpp>
#include <string>

#include "http/server/request_checks.hpp"

namespace cicada::http {

// transfer_encoding_storage holds the joined Transfer-Encoding lines the result points into (it allocates
// only when the header is there).
template <class Body, class Fields>
RequestHead request_head_of(const boost::beast::http::request<Body, Fields>& req,
                            std::string& transfer_encoding_storage) {
  namespace bhttp = boost::beast::http;
  RequestHead head;
  head.version = req.version();
  head.target = req.target();
  transfer_encoding_storage.clear();
  for (const auto& field : req) {
    switch (field.name()) {
      case bhttp::field::host:
        ++head.host_count;
        break;
      case bhttp::field::content_length:
        ++head.content_length_count;
        break;
      case bhttp::field::transfer_encoding:
        if (head.has_transfer_encoding) transfer_encoding_storage += ',';
        head.has_transfer_encoding = true;
        transfer_encoding_storage.append(field.value());
        break;
      default:
        break;
    }
  }
  head.transfer_encoding = transfer_encoding_storage;
  return head;
}

}  // namespace cicada::http
