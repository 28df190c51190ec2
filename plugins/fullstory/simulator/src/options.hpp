// options.hpp: the simulator's command line, parsed and validated.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bundle_catalog.hpp"
#include "fault_plan.hpp"
#include "list_lies.hpp"

namespace fssim {

// A bad command line. main() prints it and exits with status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How export/get encodes its gzip body (see --help).
enum class GzipMode { negotiate, payload, encoding, none };
enum class RateLimitBody { json, text };
enum class RetryAfterFormat { seconds, http_date };

// What to do instead of serving: write a file and exit.
struct OfflineCommand {
  enum class Kind { write_bundle, dump_events, dump_bundles } kind;
  std::string output_path;
  std::int64_t bundle_id = 0;  // write_bundle only
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
  GzipMode gzip = GzipMode::negotiate;

  unsigned rate_limit = 2;  // 0 = unlimited
  unsigned rate_window_seconds = 60;
  RateLimitBody rate_limit_body = RateLimitBody::text;
  RetryAfterFormat retry_after_format = RetryAfterFormat::seconds;

  std::size_t list_page_size = BundleCatalog::kMaxListed;
  ListLie list_lie = ListLie::none;

  std::vector<FaultSpec> faults;
  unsigned stall_seconds = 30;
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
