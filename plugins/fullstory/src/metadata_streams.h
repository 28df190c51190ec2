// metadata_streams.h: FullStory's metadata streams, the ones tap-fullstory 2.0 offers (users,
// segments, six recording settings and their histories), each fact about them in one table:
// endpoint, paging, keys, replication, schema. Their names, keys and replication keys are
// 2.0's, so a user's tables keep them; its bugs are not (see metadata_sync.h).
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fullstory {

enum class MetadataShape : uint8_t {
  kPagedList,  // every item of every page, each run (FULL_TABLE)
  kSingleton,  // one object: the current settings (INCREMENTAL: emitted when changed)
  kHistory,    // versions newest first (INCREMENTAL by lastUpdated)
};

struct MetadataStream {
  const char* name;  // the stream's name: "users", "block_rules_history", ...
  const char* path;  // "/v2/users", "/settings/recording/v1/blocking/history"
  MetadataShape shape;
  const char* items_key;               // the page's array: "results", "segments", "versions"; singleton: nullptr
  const char* page_query;              // the query naming the next page: "page_token" or "paginationToken"
  const char* next_page_keys[2];       // where a page names the next one (FullStory's docs show both spellings)
  unsigned page_limit;                 // `limit` sent (100, FullStory's maximum); 0: none (users take none)
  bool admin_only;                     // privacy settings need an Admin key
  const char* legacy_name;             // its name in tap-fullstory 2.0 when that differs, else nullptr
  nlohmann::ordered_json (*fields)();  // the schema's "properties", in column order
};

/// The 14 streams in the order a run syncs them: users, segments, then per settings kind
/// the current object and its history.
std::span<const MetadataStream> metadata_streams();

/// FULL_TABLE (users, segments) or INCREMENTAL by lastUpdated (settings).
bool is_incremental(const MetadataStream& stream);

/// {"schema":...,"key_properties":[...],"bookmark_properties":[...]} for sync's SCHEMA.
std::string metadata_schema_message(const MetadataStream& stream);
/// The same plus Singer catalog "metadata" (opt-in: selected-by-default false).
std::string metadata_catalog_message(const MetadataStream& stream);
/// A key property or the replication key: a catalog cannot deselect it.
bool is_automatic_property(const MetadataStream& stream, std::string_view property);

/// The RECORD for an object the API sent: every member kept in the API's order, nested ones
/// whole, minus `deselected`; settings objects also get metadata's lastUpdated, created and
/// createdBy at the top level (null when metadata lacks them), 2.0's columns and key.
std::string metadata_record(const MetadataStream& stream, const nlohmann::ordered_json& object,
                            const std::set<std::string>& deselected);

}  // namespace fullstory
