// create_export_handler.h: POST /segments/v1/exports: starts a Segment Export, answers its operation id.
#pragma once

#include "api_handler.h"

namespace fssim {

class CreateExportHandler final : public ApiHandler {
 public:
  using ApiHandler::ApiHandler;

 protected:
  void serve_api(Exchange& exchange) override;
};

}  // namespace fssim
