// source_config.h: the plugin's config, read from the host-validated JSON and checked.
//
// The host already refused unknown keys, wrong JSON types and (for run) a missing api_key; this file
// checks values (ranges, formats, files) so that a bad config fails in create(), before any
// request, with a message naming the key, what was expected and what was found. The
// api_key is never part of any message.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base_url.h"
#include "etlhost/plugin.hpp"

namespace fullstory {

struct SourceConfig {
  std::string api_key;             // empty only for discover, which needs no key
  int64_t start_unix = 0;          // from start_date: list bundles whose Stop is after this
  bool start_date_defaulted = false;
  BaseUrl base_url;
  std::string user_agent;
  std::string ca_file;             // empty: the system's CA store
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds idle_timeout{300};
  int max_attempts = 8;
  std::chrono::milliseconds retry_base_delay{1000};
  std::chrono::milliseconds retry_max_delay{60000};
  std::chrono::seconds max_total_wait{3600};
  int downloads_per_minute = 2;    // 0: no pacing
  bool allow_bundle_gaps = false;  // see ListingCheck
};

/// Reads and checks every key. `now` fixes the default start_date (one year before now,
/// Stitch's historical window) and the "not in the future" check. Throws etl::Error
/// (ETL_E_INVALID_ARGUMENT) naming the key.
SourceConfig read_source_config(const etl::Config& config, std::chrono::system_clock::time_point now);

/// Throws etl::Error(ETL_E_INVALID_ARGUMENT) when there is no api_key: sync() calls it
/// before any request (the host enforces the key for runs; this is the plugin's own guard).
void require_api_key(const SourceConfig& config);

}  // namespace fullstory
