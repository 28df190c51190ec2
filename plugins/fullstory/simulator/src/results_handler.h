// results_handler.h: GET /search/v1/exports/{id}/results: a completed export's signed download location.
#pragma once

#include "api_handler.h"

namespace fssim {

class ResultsHandler final : public ApiHandler {
 public:
  using ApiHandler::ApiHandler;

 protected:
  void serve_api(Exchange& exchange) override;
};

}  // namespace fssim
