// get_handler.h: GET /api/v1/export/get?id=ID, one bundle's events as gzip-compressed JSON.
#pragma once

#include "sim_handler.h"

namespace fssim {

class GetHandler final : public SimHandler {
 public:
  using SimHandler::SimHandler;

 protected:
  void serve(Exchange& exchange) override;
};

}  // namespace fssim
