// request_router.h: picks the handler for a request's path.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "sim_context.h"

namespace fssim {

class RequestRouter final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestRouter(const SimContext& context) : context_(context) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

 private:
  const SimContext& context_;
};

}  // namespace fssim
