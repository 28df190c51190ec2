// segment_sync.h: a Segment Export stream's main loop: export each settled window in
// order, and emit STATE (the window's end, and the fields seen) right after its last record.
//
// Pipelined without threads: FullStory prepares an export on its side, so while window N
// downloads, the exports of the next windows (up to exports_in_flight in all) are already
// created and preparing. A backfill then runs at the pace FullStory prepares exports, not at
// the sum of preparing and downloading. Exports created ahead and never downloaded (the run
// stopped) are left to expire on FullStory's side; nothing about them is in the state.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "bookmark.h"
#include "bundle_reader.h"
#include "etlhost/plugin.hpp"
#include "export_window.h"
#include "record_shaper.h"
#include "segment_export_api.h"
#include "source_config.h"
#include "state_book.h"

namespace fullstory {

/// One stream read from windowed exports.
struct WindowStream {
  const char* name;                         // "events", "individuals"
  const char* type;                         // "TYPE_EVENT", "TYPE_INDIVIDUAL"
  RecordShaper& shaper;                     // its schema
  std::optional<WindowBookmark>& bookmark;  // in the WindowState: moved after each window
  std::vector<std::string> fields;          // export_fields for events; empty: all
};

class SegmentSync {
 public:
  /// `state` holds every window stream's bookmark, `book` every other stream's: each STATE
  /// carries all of them.
  SegmentSync(const SourceConfig& config, const etl::Host& host, SegmentExportApi& api, etl::Emitter& out,
              WindowState& state, StateBook& book)
      : config_(config), host_(host), api_(api), out_(out), state_(state), book_(book) {}

  /// Exports every settled window of `stream` after its bookmark (or start_date).
  void run(WindowStream& stream);

 private:
  struct Export {
    ExportWindow window;
    std::string operation_id;
  };

  Export create(const WindowStream& stream, const ExportWindow& window);
  /// Polls until the export completed; returns its searchExportId.
  std::string await_completion(const Export& created);
  /// Downloads `created` (created again if its results expired) and emits its records.
  BundleStats read_window(WindowStream& stream, BundleReader& reader, Export& created);
  void commit(WindowStream& stream, const ExportWindow& window);

  const SourceConfig& config_;
  const etl::Host& host_;
  SegmentExportApi& api_;
  etl::Emitter& out_;
  WindowState& state_;
  StateBook& book_;
};

}  // namespace fullstory
