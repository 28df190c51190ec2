// list_handler.h: GET /api/v1/export/list?start=UNIX (or POST {"start":UNIX}).
#pragma once

#include "sim_handler.h"

namespace fssim {

class ListHandler final : public SimHandler {
 public:
  using SimHandler::SimHandler;

 protected:
  void serve(Exchange& exchange) override;
};

}  // namespace fssim
