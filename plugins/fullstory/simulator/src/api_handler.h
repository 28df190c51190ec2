// api_handler.h: what every Segment Export API endpoint (create, operation, results) does
// first: check the API key and pass the --api-rate-limit limiter.
#pragma once

#include <string>
#include <string_view>

#include "sim_handler.h"

namespace fssim {

class ApiHandler : public SimHandler {
 public:
  using SimHandler::SimHandler;

 protected:
  void serve(Exchange& exchange) final;
  virtual void serve_api(Exchange& exchange) = 0;
};

// 404 {"code":"resource_not_found","message":"<what> '<id>' not found"}.
void send_resource_not_found(Exchange& exchange, std::string_view what, std::string_view id);

}  // namespace fssim
