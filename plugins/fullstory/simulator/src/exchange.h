// exchange.h: one request and its response, plus what the request log needs to know.
#pragma once

#include <cstdint>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace fssim {

struct Exchange {
  Poco::Net::HTTPServerRequest& request;
  Poco::Net::HTTPServerResponse& response;
  std::string request_body;
  std::uint64_t body_bytes_sent = 0;
  std::string note;  // for the log line: the injected fault, or that the client left
};

}  // namespace fssim
