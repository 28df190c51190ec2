// options.h: the simulator's command line, parsed and validated.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth_reflection.h"
#include "bundle_catalog.h"
#include "fault_plan.h"
#include "list_lies.h"
#include "odd_events.h"

namespace fssim {

// A bad command line. main() prints it and exits with status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How export/get encodes its gzip body (see --help).
enum class GzipMode { kNegotiate, kPayload, kEncoding, kNone };
enum class RateLimitBody { kJson, kText };
enum class RetryAfterFormat { kSeconds, kHttpDate };

// What to do instead of serving: write a file and exit.
struct OfflineCommand {
  enum class Kind { kWriteBundle, kDumpEvents, kDumpBundles, kDumpSegmentExport, kDumpMetadata } kind;
  std::string output_path;
  std::int64_t bundle_id = 0;  // write_bundle only
  std::string stream;          // dump_metadata only: the stream whose objects are written
};

// --dump-segment-export's export: checked like a create request's body.
struct SegmentDumpRequest {
  std::string start, end;  // RFC 3339 or "" (unbounded)
  std::string type = "TYPE_EVENT";
  std::optional<std::vector<std::string>> fields;
};

struct SimOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string port_file;
  std::string api_key;
  std::string tls_cert;
  std::string tls_key;

  CatalogConfig catalog;
  std::uint64_t seed = 1;
  OddEvents odd_events;
  GzipMode gzip = GzipMode::kNegotiate;

  unsigned rate_limit = 2;  // 0 = unlimited
  unsigned rate_window_seconds = 60;
  RateLimitBody rate_limit_body = RateLimitBody::kText;
  RetryAfterFormat retry_after_format = RetryAfterFormat::kSeconds;

  std::size_t list_page_size = BundleCatalog::kMaxListed;
  ListLie list_lie = ListLie::kNone;
  AuthReflectionSpec reflect_auth;

  // Segment Export API.
  std::vector<std::string> segments{"everyone"};
  unsigned prepare_ms = 0;
  unsigned export_ttl_seconds = 3600;
  unsigned location_ttl_seconds = 600;
  unsigned api_rate_limit = 0;  // 0 = unlimited
  unsigned api_rate_window_seconds = 1;
  std::size_t max_pending_exports = 0;  // 0 = unlimited
  SegmentDumpRequest segment_dump;
  unsigned api_burst = 0;  // 0: --api-rate-limit is a rolling window; else a token bucket this deep

  // Metadata APIs (users, segments, recording settings).
  std::size_t users = 250;
  std::size_t users_page_size = 100;
  std::size_t extra_segments = 130;
  std::size_t history_versions = 130;
  bool non_admin_key = false;      // the key is not an Admin key: privacy settings answer 403
  bool snake_case_tokens = false;  // next_pagination_token instead of nextPaginationToken

  std::vector<FaultSpec> faults;
  unsigned stall_seconds = 30;
  unsigned slow_body_bytes_per_second = 0;  // 0: full speed
  std::string cache_dir;
  bool verbose = false;

  std::optional<OfflineCommand> offline;
  bool help = false;

  bool tls() const { return !tls_cert.empty(); }
};

// Parses argv (and FULLSTORY_SIM_API_KEY when --api-key is absent). Throws UsageError naming
// the flag, what it expects and what it got.
SimOptions parse_options(int argc, const char* const* argv);

// The --help text.
const char* usage_text();

}  // namespace fssim
