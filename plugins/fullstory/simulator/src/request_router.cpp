#include "request_router.h"

#include <Poco/URI.h>

#include "admin_handlers.h"
#include "get_handler.h"
#include "list_handler.h"

namespace fssim {

Poco::Net::HTTPRequestHandler* RequestRouter::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
  const std::string path = Poco::URI(request.getURI()).getPath();
  if (path == "/api/v1/export/list") return new ListHandler(context_);
  if (path == "/api/v1/export/get") return new GetHandler(context_);
  if (path == "/__sim/stats") return new StatsHandler(context_);
  if (path == "/__sim/health") return new HealthHandler(context_);
  return new NotFoundHandler(context_);
}

}  // namespace fssim
