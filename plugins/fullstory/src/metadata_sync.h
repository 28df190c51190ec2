// metadata_sync.h: one metadata stream's sync (users, segments, the recording settings and
// their histories): its SCHEMA, its records, then one STATE with its bookmark, merged with
// every other stream's by the StateBook and committed by the host once the sink holds the
// records.
//
// How each kind of stream decides what to emit (tap-fullstory 2.0 got each of these wrong):
// - full table (users, segments): every item of every page, each run; the bookmark records
//   when and how many ({"synced_at","records"}), so the records are committed with it.
// - current object (block_rules, ...): emitted only when it changed since the last run: its
//   record's digest differs from the bookmark's ({"lastUpdated","digest"}).
// - history (block_rules_history, ...): the versions whose metadata.lastUpdated is after the
//   bookmark, compared as instants to the microsecond (on a first run: from start_date on).
//   Versions come newest first, so paging stops at the first one already delivered. The
//   bookmark ({"lastUpdated"}) is tap-fullstory 2.0's shape: its state carries on.
#pragma once

#include <set>
#include <string>

#include "etlhost/plugin.hpp"
#include "metadata_api.h"
#include "metadata_streams.h"
#include "source_config.h"
#include "state_book.h"

namespace fullstory {

/// Throws etl::Error(ETL_E_INVALID_STATE) naming bookmarks.<stream> when the state holds a
/// bookmark of `stream` (a settings one) that it cannot use: sync() checks every selected
/// stream's before its first request.
void check_metadata_bookmark(const StateBook& book, const MetadataStream& stream);

class MetadataSync {
 public:
  MetadataSync(const SourceConfig& config, const etl::Host& host, MetadataApi& api, etl::Emitter& out, StateBook& book)
      : config_(config), host_(host), api_(api), out_(out), book_(book) {}

  /// Syncs `stream` without the top-level properties the catalog `deselected`. A 403 before
  /// any record skips the stream with a warning when skip_forbidden_streams is true.
  void run(const MetadataStream& stream, const std::set<std::string>& deselected);

 private:
  void full_table(const MetadataStream& stream, const std::set<std::string>& deselected);
  void current_object(const MetadataStream& stream, const std::set<std::string>& deselected);
  void history(const MetadataStream& stream, const std::set<std::string>& deselected);
  void emit(const MetadataStream& stream, const std::string& record);

  const SourceConfig& config_;
  const etl::Host& host_;
  MetadataApi& api_;
  etl::Emitter& out_;
  StateBook& book_;
  uint64_t emitted_ = 0;  // records of the stream being synced, so far
};

}  // namespace fullstory
