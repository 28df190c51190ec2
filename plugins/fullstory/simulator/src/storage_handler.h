// storage_handler.h: GET /storage/{id}?expires=&sig=, the signed-URL download of an export's
// gzip file, as a cloud store serves it: no Authorization header allowed, Content-Length,
// ETag and byte ranges.
#pragma once

#include "sim_handler.h"

namespace fssim {

class StorageHandler final : public SimHandler {
 public:
  using SimHandler::SimHandler;

 protected:
  void serve(Exchange& exchange) override;
};

}  // namespace fssim
