#include "request_router.h"

#include <Poco/URI.h>

#include "admin_handlers.h"
#include "create_export_handler.h"
#include "get_handler.h"
#include "list_handler.h"
#include "metadata_handler.h"
#include "operation_handler.h"
#include "request_parsing.h"
#include "results_handler.h"
#include "storage_handler.h"

namespace fssim {

Poco::Net::HTTPRequestHandler* RequestRouter::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
  std::string path = Poco::URI(request.getURI()).getPath();
  if (path.find("//") != std::string::npos) {  // what tap-fullstory 2.0 sends: served, and counted
    ++context_.stats.double_slash_requests;
    path = collapse_slashes(path);
  }
  if (path == "/api/v1/export/list") return new ListHandler(context_);
  if (path == "/api/v1/export/get") return new GetHandler(context_);
  if (path == "/segments/v1/exports") return new CreateExportHandler(context_);
  if (path == "/operations/v1" || path.starts_with("/operations/v1/")) return new OperationHandler(context_);
  if (path.starts_with("/search/v1/exports/") && path.ends_with("/results")) return new ResultsHandler(context_);
  if (path.starts_with("/storage/")) return new StorageHandler(context_);
  if (MetadataHandler::serves(path)) return new MetadataHandler(context_, path);
  if (path == "/__sim/stats") return new StatsHandler(context_);
  if (path == "/__sim/health") return new HealthHandler(context_);
  return new NotFoundHandler(context_);
}

}  // namespace fssim
