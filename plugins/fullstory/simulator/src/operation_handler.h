// operation_handler.h: GET /operations/v1/{id}: where an export's preparation stands; and
// GET /operations/v1, the list (an empty page), which clients use to probe a key.
#pragma once

#include "api_handler.h"

namespace fssim {

class OperationHandler final : public ApiHandler {
 public:
  using ApiHandler::ApiHandler;

 protected:
  void serve_api(Exchange& exchange) override;
};

}  // namespace fssim
