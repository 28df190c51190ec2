// metadata_handler.h: FullStory's metadata APIs: GET /v2/users (page_token), /v2/users/{id},
// /segments/v1 (limit, paginationToken) and /settings/recording/v1/{kind}[/history]
// (limit, paginationToken, newest first), with the admin-only rule for privacy settings.
#pragma once

#include <string>

#include "api_handler.h"

namespace fssim {

class MetadataHandler final : public ApiHandler {
 public:
  // `path`: the request's path with repeated slashes collapsed (tap-fullstory 2.0 sends "//").
  MetadataHandler(const SimContext& context, std::string path) : ApiHandler(context), path_(std::move(path)) {}

  // Whether `path` (collapsed) is one of this handler's.
  static bool serves(const std::string& path);

 protected:
  void serve_api(Exchange& exchange) override;

 private:
  void serve_users(Exchange& exchange);
  void serve_user(Exchange& exchange, const std::string& id);
  void serve_segments(Exchange& exchange);
  void serve_settings(Exchange& exchange, const std::string& rest);
  void send(Exchange& exchange, Endpoint endpoint, std::string body);

  std::string path_;
};

}  // namespace fssim
