// sim_handler.h: what every endpoint does around its own logic: read the request body,
// survive a client that hangs up, count bytes, write the --verbose log line.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include "exchange.h"
#include "sim_context.h"

namespace fssim {

class SimHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit SimHandler(const SimContext& context) : context_(context) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) final;

 protected:
  virtual void serve(Exchange& exchange) = 0;

  const SimContext& context_;
};

}  // namespace fssim
