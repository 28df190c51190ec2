// events_sync.h: the `events` stream's main loop: page through export/list from the
// bookmark, read each bundle, and emit STATE (bookmark and fields seen) right after its last record.
#pragma once

#include <optional>

#include "bookmark.h"
#include "etlhost/plugin.hpp"
#include "export_api.h"
#include "record_shaper.h"
#include "source_config.h"
#include "state_book.h"

namespace fullstory {

class EventsSync {
 public:
  /// Each STATE carries `book`'s bookmarks of the other streams too.
  EventsSync(const SourceConfig& config, const etl::Host& host, ExportApi& api, etl::Emitter& out, RecordShaper& shaper,
             StateBook& book)
      : config_(config), host_(host), api_(api), out_(out), shaper_(shaper), book_(book) {}

  /// Emits every bundle that ends after `resume` (or after start_date on a first run).
  void run(const std::optional<Bookmark>& resume);

 private:
  const SourceConfig& config_;
  const etl::Host& host_;
  ExportApi& api_;
  etl::Emitter& out_;
  RecordShaper& shaper_;
  StateBook& book_;
};

}  // namespace fullstory
