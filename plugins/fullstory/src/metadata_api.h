// metadata_api.h: FullStory's metadata endpoints (users, segments, recording settings and
// their histories), read page by page over the ApiSession every FullStory API shares: the
// same connection handling, retries, Retry-After, wait budget, cancellation and redaction as
// the events stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "api_session.h"
#include "metadata_streams.h"

namespace fullstory {

/// One page as FullStory answered it: its items (a singleton's one object) and the next
/// page's token ("" on the last page).
struct MetadataPage {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  std::string next;
};

/// Parses a page of `stream` (nesting bounded). Throws std::runtime_error saying what is
/// wrong with a body that is not what FullStory documents; items are not checked here.
MetadataPage parse_metadata_page(const MetadataStream& stream, std::string_view body);

class MetadataApi {
 public:
  /// Gets one item the API sent (a user, a segment, a settings object or version); returns
  /// false to stop paging (a history has reached the versions already delivered).
  using ItemHandler = std::function<bool(const nlohmann::ordered_json& item)>;

  /// Speaks to config.api_base_url. `tls` is the source's (null without any https root).
  MetadataApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch);

  /// Hands every item of `stream` to `on_item` in the API's order: each page of a list or
  /// history in turn (following its page token to the end), or a singleton's one object.
  /// Throws etl::Error: ETL_E_PERMISSION_DENIED for a 403 (its message says what key the
  /// stream needs), ETL_E_INVALID_DATA for a page that is not what FullStory documents.
  void read(const MetadataStream& stream, const ItemHandler& on_item);

  /// Pages read by the last read().
  uint64_t pages() const { return pages_; }

 private:
  MetadataPage fetch(const MetadataStream& stream, const std::string& token, uint64_t number);
  std::string target(const MetadataStream& stream, const std::string& token) const;

  SourceConfig config_;  // the source's, with base_url = api_base_url: the session's root
  ApiSession session_;
  uint64_t pages_ = 0;
};

}  // namespace fullstory
