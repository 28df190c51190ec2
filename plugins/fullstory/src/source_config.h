// source_config.h: the plugin's config: its table (spec, defaults, ranges, help), and the
// reading of the host-validated JSON into SourceConfig.
//
// The host already refused unknown keys, wrong JSON types and (for run) a missing api_key,
// and filled every default from the table; this file checks values (ranges, formats, files)
// so that a bad config fails in create(), before any request, with a message naming the
// key, what was expected and what was found. The api_key is never part of any message.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base_url.h"
#include "etlhost/plugin.hpp"
#include "export_api_kind.h"
#include "field_types.h"
#include "fullstory_version.h"

namespace fullstory {

// No member has an initializer: every value comes from the config, defaults from kSourceConfig.
struct SourceConfig {
  std::string api_key;     // empty only for discover, which needs no key
  int64_t start_unix = 0;  // from start_date: list bundles whose Stop is after this
  bool start_date_defaulted = false;
  bool start_date_without_offset = false;  // "2024-01-01T00:00:00": read as UTC
  ExportApiKind export_api{};
  BaseUrl base_url;
  std::string base_url_origin;  // why this base_url: "" when set, else "the default ..." (logged)
  BaseUrl api_base_url;         // the current API's root, for the users, segments and settings streams
  std::string api_base_url_origin;
  bool skip_forbidden_streams{};  // a metadata stream answering 403 is skipped with a warning
  std::string user_agent;
  std::string ca_file;  // empty: the system's CA store
  std::chrono::seconds connect_timeout{};
  std::chrono::seconds connect_retry{};  // how long a refused connection is retried
  std::chrono::seconds idle_timeout{};
  std::chrono::seconds request_timeout{};
  int max_attempts{};
  std::chrono::milliseconds retry_base_delay{};
  std::chrono::milliseconds retry_max_delay{};
  std::chrono::seconds max_total_wait{};
  int downloads_per_minute{};  // 0: no pacing
  bool allow_bundle_gaps{};    // see ListingCheck
  int64_t max_event_bytes{};
  bool skip_oversized_events{};
  std::string key_field;                  // from event_key; empty: no key (Stitch's shape)
  std::vector<ExtraField> custom_fields;  // declared from the first SCHEMA on
  // Segment Export only (export_api segment_export); see segment_sync.h.
  std::string segment_id;
  std::chrono::minutes window{};          // export_window_minutes: divides a day
  std::chrono::minutes settle{};          // settle_minutes: a window is exported once it ended this long ago
  int64_t max_windows_per_run{};          // 0: every settled window
  int exports_in_flight{};                // created ahead of the one downloading, that one included
  std::chrono::minutes export_timeout{};  // longest an export may stay PENDING
  bool legacy_field_names{};
  std::vector<std::string> export_fields;  // empty: every field
};

/// The roots base_url defaults to, per export_api (and an eu1. key for Segment Export).
inline constexpr const char* kDataExportRoot = "https://export.fullstory.com";
inline constexpr const char* kApiRoot = "https://api.fullstory.com";
inline constexpr const char* kEuApiRoot = "https://api.eu1.fullstory.com";

/// event_key's value for Stitch's keyless shape.
inline constexpr const char* kNoEventKey = "none";

/// The longest retry wait, for retry_base_delay_ms and retry_max_delay_ms alike.
inline constexpr int64_t kMaxRetryDelayMs = 3'600'000;

// export/list bodies are small: request_timeout_seconds bounds the whole request. An
// export/get body can be hundreds of MB, which no fixed deadline fits without being either
// useless against a server trickling bytes or fatal to a big bundle on a modest link. So a
// download gets request_timeout_seconds for the head and a slow start, plus one second per
// 16 KiB it receives: any transfer faster than 16 KiB/s (128 kbit/s) never meets the
// deadline (and a 100 MB bundle at that rate still ends within two hours), a slower trickle
// is cut about request_timeout_seconds after it started.
inline constexpr uint64_t kDownloadEarnsBytesPerSecond = 16 * 1024;

/// The config spec (the descriptor's config fields) and the reader of the plain keys. The
/// custom keys are read in source_config.cpp (formats, files, one key bounded by another).
inline constexpr etl::ConfigMap kSourceConfig{{
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_STRING, "api_key",
        "FullStory API key with Admin or Architect permission, sent as 'Authorization: Basic <key>'.")
        .required()
        .secret()
        .env("FULLSTORY_API_KEY"),
    etl::custom_key<SourceConfig>(ETL_CONFIG_STRING, "start_date",
                                  "First run only: export bundles that end after this RFC 3339 date or date-time. "
                                  "Default: one year before now (Stitch's historical sync)."),
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_STRING, "export_api",
        "Which API the events stream comes from: \"data_export\" (the legacy bundles, needs the Data Export Pack) or "
        "\"segment_export\" (Segment Export, every plan).")
        .defaults_to("data_export"),
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_STRING, "base_url",
        "API root, http(s)://host[:port][/path]. Default: https://export.fullstory.com for data_export; "
        "https://api.fullstory.com for segment_export (https://api.eu1.fullstory.com for an eu1. key)."),
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_STRING, "api_base_url",
        "Root of FullStory's current API, for the users, segments and settings streams. Default: base_url under "
        "segment_export; https://api.fullstory.com (https://api.eu1.fullstory.com for an eu1. key) under "
        "data_export."),
    etl::boolean_key<&SourceConfig::skip_forbidden_streams>(
        "skip_forbidden_streams",
        "Skip a selected users, segments or settings stream that FullStory refuses with 403 (privacy_settings needs "
        "an Admin key) with a warning, instead of failing the run. The events stream is never skipped.")
        .defaults_to(true),
    etl::custom_key<SourceConfig>(ETL_CONFIG_STRING, "user_agent", "User-Agent header of every request.")
        .defaults_to("etlhost-fullstory/" ETL_FULLSTORY_VERSION),
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_STRING, "ca_file",
        "PEM file of CA certificates to trust instead of the system store (private CA, TLS proxy)."),
    etl::integer_key<&SourceConfig::connect_timeout>("connect_timeout_seconds",
                                                     "Seconds to wait for a TCP/TLS connection.")
        .defaults_to(30)
        .range(1, 3600, "seconds"),
    etl::integer_key<&SourceConfig::connect_retry>(
        "connect_retry_seconds",
        "Seconds of backoff a refused connection is retried for before the request fails (0: not at all; an "
        "unknown host or a failed TLS handshake is never retried)")
        .defaults_to(10)
        .range(0, 86400, "seconds"),
    etl::integer_key<&SourceConfig::idle_timeout>(
        "idle_timeout_seconds", "Seconds a request may go without receiving a byte before it is retried.")
        .defaults_to(300)
        .range(1, 86400, "seconds"),
    etl::integer_key<&SourceConfig::request_timeout>(
        "request_timeout_seconds",
        "Deadline of one request in seconds: all of an export/list; an export/get's head, plus 1 s per 16 KiB "
        "received. A request past it is retried.")
        .defaults_to(300)
        .range(1, 86400, "seconds"),
    etl::integer_key<&SourceConfig::max_attempts>("max_attempts", "Attempts per request (first try included).")
        .defaults_to(8)
        .range(1, 100),
    etl::integer_key<&SourceConfig::retry_base_delay>(
        "retry_base_delay_ms", "First retry wait in ms; doubles per attempt, jittered to 50-100%.")
        .defaults_to(1000)
        .range(0, kMaxRetryDelayMs, "milliseconds"),
    etl::custom_key<SourceConfig>(ETL_CONFIG_INTEGER, "retry_max_delay_ms", "Cap on a single retry wait in ms.")
        .defaults_to(60000),
    etl::integer_key<&SourceConfig::max_total_wait>(
        "max_total_wait_seconds",
        "Run-wide budget for retry and 429 Retry-After waits, in seconds (pacing not included).")
        .defaults_to(3600)
        .range(0, 7 * 86400, "seconds"),
    etl::integer_key<&SourceConfig::downloads_per_minute>(
        "downloads_per_minute", "Bundle downloads started per rolling minute (FullStory allows 2); 0 disables pacing.")
        .defaults_to(2)
        .range(0, 600, "0 = no pacing"),
    etl::boolean_key<&SourceConfig::allow_bundle_gaps>(
        "allow_bundle_gaps",
        "Accept a listed bundle that starts after the previous one stopped (FullStory exports paused), with a "
        "warning; by default such a list fails the run, since missing bundles would be lost.")
        .defaults_to(false),
    etl::integer_key<&SourceConfig::max_event_bytes>(
        "max_event_bytes",
        "Largest event accepted, in bytes of JSON; memory per event is about twice it. A bigger event fails the "
        "bundle unless skip_oversized_events is true.")
        .defaults_to(int64_t{64} << 20)
        .range(1024, int64_t{4} << 30, "bytes"),
    etl::boolean_key<&SourceConfig::skip_oversized_events>(
        "skip_oversized_events",
        "Skip an event over max_event_bytes with a warning naming it (bundle, event, size) and count it in the run "
        "report, instead of failing the bundle on every run.")
        .defaults_to(false),
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_STRING, "event_key",
        "Name of the stable key field added to every record and declared in key_properties: "
        "\"<bundle Id>:<position in the bundle>\". \"none\": no key, key_properties [] (Stitch's shape).")
        .defaults_to("event_id"),
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_JSON, "custom_fields",
        "Fields to declare in the schema from the first SCHEMA on, beyond the documented ones: custom variable "
        "names (typed by suffix) or {\"name\":..,\"type\":[\"string\",..]}. Others are declared when first "
        "seen."),
    etl::custom_key<SourceConfig>(ETL_CONFIG_STRING, "segment_id",
                                  "segment_export: the segment whose events are exported (\"everyone\": all).")
        .defaults_to("everyone"),
    etl::integer_key<&SourceConfig::window>(
        "export_window_minutes",
        "segment_export: the length of one export window in minutes, aligned to UTC midnight; must divide 1440.")
        .defaults_to(60)
        .range(15, 1440, "minutes"),
    etl::integer_key<&SourceConfig::settle>(
        "settle_minutes",
        "segment_export: a window is exported once it ended this many minutes ago (FullStory advises 24 h for "
        "settled data).")
        .defaults_to(1440)
        .range(0, 43200, "minutes"),
    etl::integer_key<&SourceConfig::max_windows_per_run>(
        "max_windows_per_run", "segment_export: the most windows one run exports (0: every settled window).")
        .defaults_to(0)
        .range(0, 1'000'000),
    etl::integer_key<&SourceConfig::exports_in_flight>(
        "exports_in_flight",
        "segment_export: exports created ahead while one downloads, so FullStory prepares the next windows "
        "meanwhile (1: one at a time).")
        .defaults_to(4)
        .range(1, 32),
    etl::integer_key<&SourceConfig::export_timeout>(
        "export_timeout_minutes", "segment_export: the longest an export may take FullStory to prepare.")
        .defaults_to(120)
        .range(1, 1440, "minutes"),
    etl::boolean_key<&SourceConfig::legacy_field_names>(
        "legacy_field_names",
        "segment_export: name fields as Data Export does (PageAgent, EventTargetSelectorTok), so a table loaded "
        "from data_export keeps its columns.")
        .defaults_to(false),
    etl::custom_key<SourceConfig>(
        ETL_CONFIG_JSON, "export_fields",
        "segment_export: the fields to export, [\"EventStart\", \"user_*\", ...] (default: all fields and custom "
        "variables)."),
}};

/// Reads and checks every key. `now` fixes the default start_date (one year before now,
/// Stitch's historical window) and the "not in the future" check. Throws etl::Error
/// (ETL_E_INVALID_ARGUMENT) naming the key.
SourceConfig read_source_config(const etl::Config& config, std::chrono::system_clock::time_point now);

/// Throws etl::Error(ETL_E_INVALID_ARGUMENT) when there is no api_key: sync() calls it
/// before any request (the host enforces the key for runs; this is the plugin's own guard).
void require_api_key(const SourceConfig& config);

}  // namespace fullstory
