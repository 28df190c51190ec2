#include "options.h"

#include <charconv>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <utility>

namespace fssim {

namespace {

// The last second the event timestamps (4-digit years) can express: 9999-12-31T23:59:59Z.
constexpr std::int64_t kLastRepresentableSecond = 253'402'300'799;
constexpr std::uint64_t kMaxBundles = 1'000'000;
constexpr std::uint64_t kMaxEventsPerBundle = 1'000'000'000;
constexpr std::uint64_t kMaxHugeEventBytes = std::uint64_t{4} << 30;
constexpr unsigned kMaxDeepEventDepth = 100'000'000;

const char* const kUsage =
    R"(fullstory-sim: a stand-in for FullStory's legacy Data Export API, for tests and benchmarks.

Usage: fullstory-sim --api-key KEY [options]          serve over HTTP(S) until SIGTERM/SIGINT
       fullstory-sim --write-bundle ID FILE [options]  write one bundle's gzip body and exit
       fullstory-sim --dump-events FILE [options]      write every event as NDJSON and exit
       fullstory-sim --dump-bundles FILE [options]     write the bundle list as NDJSON and exit
       fullstory-sim --dump-segment-export FILE --export-start T --export-end T [options]
                                                       write a Segment Export's records as NDJSON
(FILE may be '-' for stdout.)

Server:
  --host HOST              address to listen on (default 127.0.0.1)
  --port N                 port, 0 picks a free one (default 0)
  --port-file FILE         once listening, write the bound port to FILE (atomically)
  --api-key KEY            the key clients must send as "Authorization: Basic KEY" (the key
                           verbatim, not base64) or "Bearer KEY"; default $FULLSTORY_SIM_API_KEY
  --tls-cert FILE          serve HTTPS with this PEM certificate (needs --tls-key)
  --tls-key FILE           PEM private key of --tls-cert
  --verbose                one log line per request on stderr
  Endpoints: GET /api/v1/export/list?start=UNIX (or POST {"start":UNIX}),
             GET /api/v1/export/get?id=ID, GET /__sim/stats, GET /__sim/health (no auth);
             Segment Export: POST /segments/v1/exports, GET /operations/v1/{id},
             GET /search/v1/exports/{id}/results, GET /storage/{id}?expires=&sig= (the
             signed URL: no Authorization header allowed; Range: bytes=N- resumes).

Segment Export API:
  --segment ID             a segment that exists besides 'everyone' (repeatable)
  --prepare-ms N           an export stays PENDING N ms after its creation (default 0)
  --export-ttl-seconds S   results stay downloadable S seconds after completion (default 3600)
  --location-ttl-seconds S a results location (signed URL) is valid S seconds (default 600)
  --api-rate-limit N       create/operation/results requests per window, 0 = unlimited
                           (default 0); over it: 429 with Retry-After and a JSON body
  --api-rate-window S      that window in seconds (default 1)
  --api-burst B            with --api-rate-limit R: a token bucket B deep refilled at R per
                           --api-rate-window (FullStory's per-second limit plus a burst);
                           default 0: R per rolling window
  --max-pending-exports N  a create while N exports are PENDING gets 429 (default 0, no limit)
  --dump-segment-export FILE  (offline) the records of the export below, one compact JSON
                           object per line, byte for byte the elements FORMAT_JSON serves:
  --export-start T, --export-end T   its timeRange (RFC 3339, "" = unbounded)
  --export-type TYPE_EVENT|TYPE_INDIVIDUAL   (default TYPE_EVENT)
  --export-fields a,b,c    its fields (default all)

Metadata APIs (behind the key and --api-rate-limit like Segment Export):
  GET /v2/users?page_token=&include_schema=, GET /v2/users/{id}, GET /segments/v1?limit=&
  paginationToken=, GET /settings/recording/v1/{blocking,domain,geo,privacy,features,targeting}
  and .../history?limit=&paginationToken= (versions newest first). Double slashes are served.
  --users N                users (default 250)
  --users-page-size N      users per /v2/users page (default 100)
  --extra-segments N       segments listed besides the --segment ones (default 130)
  --history-versions N     versions of each setting, >= 1 (default 130); a larger N adds newer
                           versions and keeps the older ones byte for byte
  --non-admin-key          the key is not an Admin key: privacy endpoints answer 403
  --pagination-token-key camel|snake   nextPaginationToken or next_pagination_token ("" on
                           the last page), as FullStory's docs show both (default camel)
  --dump-metadata STREAM FILE  (offline) every object the API serves for STREAM (users,
                           segments, block_rules, ..., block_rules_history, ...), one compact
                           JSON per line, in the order the API serves them

Bundles and events:
  --bundles N              number of bundles (default 3)
  --bundle-period S        seconds each bundle covers (default 86400)
  --first-start UNIX       start of the first bundle (default 1700006400)
                           Bundle i has Id 9007199254740993 + i*1000 (above 2^53 on purpose)
                           and covers [first + i*period, first + (i+1)*period).
  --events-per-bundle N[,N...]  events in every bundle, or one count per bundle (default 1000)
  --seed N                 generator seed; same seed, same bytes (default 1)
  --huge-event-bytes B     one event is padded to B bytes (a "SimPadding" string member):
                           event E/3 of the first bundle's E events; default 0, none
  --deep-event-depth D     the same event holds a "SimDeep" member of arrays nested D
                           deep; default 0, none
  --identical-events       every event of a bundle is a copy of its first (same bytes), as
                           a client keying events by their fields would find them

Responses:
  --gzip MODE              how export/get sends its gzip body (default negotiate):
                           negotiate  Accept-Encoding has gzip: Content-Encoding: gzip with
                                      Content-Type application/json; otherwise the gzip bytes as
                                      the payload, Content-Type application/gzip (like FullStory)
                           payload    always Content-Type application/gzip, no Content-Encoding
                           encoding   always Content-Encoding: gzip, application/json
                           none       plain JSON, uncompressed
  --cache-dir DIR          generate bundles once into DIR/<id>.json.gz (at startup) and serve
                           those files with Content-Length; not with --gzip none

Rate limiting (export/get only):
  --rate-limit N           successful downloads per window, 0 = unlimited (default 2)
  --rate-window S          rolling window in seconds (default 60)
  --rate-limit-body json|text       429 body format (default text)
  --retry-after-format seconds|http-date  Retry-After format (default seconds)

Faults:
  --fault ENDPOINT:KIND[:COUNT][@BUNDLE_ID|@START]   repeatable; checked in order,
                           consumed by requests in arrival order
                           ENDPOINT  list | get | create | operation | results | storage |
                                     users | segments | settings
                           KIND      500|502|503|504|429|401|403|404 (that status; 429
                                     with Retry-After: 1),
                                     reset (close with RST, no response), truncate (half the
                                     body, then close mid-chunk), malformed (a 200 whose JSON
                                     breaks halfway, valid gzip), stall (half the body, then
                                     silence for --stall-seconds, then close; storage:
                                     about half of Content-Length, then close),
                                     failed (operation only: the export ends FAILED after
                                     its prepare time; counted per export),
                                     expired (results only: the location handed out has
                                     already expired)
                           COUNT     how many requests get it (default 1) or 'always'
                           BUNDLE_ID restrict a get fault to one bundle
                           START     restrict a create|operation|results|storage fault to
                                     exports whose timeRange.start is this unix second
  --stall-seconds S        how long a stall lasts (default 30)
  --slow-body-bytes-per-second N  every export/list and export/get body trickles at N bytes
                           a second, in 10 flushed slices a second (a slowloris; default 0, off)
  --list-page-size N       bundles per export/list page (default 20, FullStory's)
  --list-lie KIND          export/list breaks its promise, on every call (default none):
                           newest-first (the newest bundles, newest first), duplicate-id,
                           duplicate-stop (2nd listed bundle has the 1st one's range), future-stop
                           (last listed ends 2100-01-01), max-stop (ends at INT64_MAX),
                           gap (bundle 1 never listed), overlap (2nd starts with the 1st),
                           stale (the bundle ending at start is listed first)
  --reflect-auth [ENDPOINT:]MODE  every export/list and export/get (or only ENDPOINT's, list
                           or get) answers an error that echoes the request's Authorization
                           header, as a proxy or WAF might (default: off). MODE:
                           verbatim (502, text body), json-escaped (502, JSON body, '/' as \/
                           and all but letters and digits as \u00XX), url-encoded (502, form
                           body, all but letters and digits as %XX), base64 (502, the key in
                           base64), base64-colon (502, base64 of "KEY:"), straddle (502, the
                           key across byte 300 of the body, where the plugin cuts its excerpt),
                           retry-after (429 with the header as Retry-After), reason (502 whose
                           reason phrase quotes the header minus its last byte)

  --help                   this text
)";

// Walks argv, handing out flag values whether given as "--flag value" or "--flag=value".
class ArgCursor {
 public:
  ArgCursor(int argc, const char* const* argv) : argc_(argc), argv_(argv) {}

  bool done() const { return index_ >= argc_; }

  // The next flag name; an inline "=value" is kept for value().
  std::string_view next_flag() {
    std::string_view arg = argv_[index_++];
    inline_value_.reset();
    if (!arg.starts_with("--")) throw UsageError("unexpected argument '" + std::string(arg) + "'");
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      inline_value_ = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    return arg;
  }

  std::string_view value(std::string_view flag) {
    if (inline_value_) return *std::exchange(inline_value_, std::nullopt);
    if (done()) throw UsageError(std::string(flag) + " expects a value, got nothing");
    return argv_[index_++];
  }

  void expect_no_value(std::string_view flag) const {
    if (inline_value_)
      throw UsageError(std::string(flag) + " takes no value, got '" + std::string(*inline_value_) + "'");
  }

 private:
  int argc_;
  const char* const* argv_;
  int index_ = 1;
  std::optional<std::string_view> inline_value_;
};

template <typename Integer>
Integer parse_number(std::string_view flag, std::string_view text, Integer min, Integer max) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw UsageError(std::string(flag) + " expects an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                     "], got '" + std::string(text) + "'");
  }
  return value;
}

template <typename Choice>
Choice parse_choice(std::string_view flag, std::string_view text,
                    std::initializer_list<std::pair<std::string_view, Choice>> choices) {
  std::string names;
  for (const auto& [name, choice] : choices) {
    if (text == name) return choice;
    names += (names.empty() ? "" : "|") + std::string(name);
  }
  throw UsageError(std::string(flag) + " expects one of " + names + ", got '" + std::string(text) + "'");
}

std::vector<std::uint64_t> parse_event_counts(std::string_view flag, std::string_view text) {
  std::vector<std::uint64_t> counts;
  while (true) {
    const auto comma = text.find(',');
    counts.push_back(parse_number<std::uint64_t>(flag, text.substr(0, comma), 0, kMaxEventsPerBundle));
    if (comma == std::string_view::npos) return counts;
    text = text.substr(comma + 1);
  }
}

// "a,b,c" as its items; "" as none.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  return items;
}

void set_offline(SimOptions& options, std::string_view flag, OfflineCommand command) {
  if (options.offline)
    throw UsageError(std::string(flag) + ": only one of --write-bundle, --dump-events, "
                                         "--dump-bundles, --dump-segment-export, --dump-metadata may be given");
  options.offline = std::move(command);
}

// The metadata APIs' flags; false for a flag that is not one of them.
bool apply_metadata_flag(SimOptions& options, std::string_view flag, ArgCursor& args) {
  auto count = [&](std::size_t min) { return parse_number<std::size_t>(flag, args.value(flag), min, 1'000'000); };
  if (flag == "--users") options.users = count(0);
  else if (flag == "--users-page-size") options.users_page_size = count(1);
  else if (flag == "--extra-segments") options.extra_segments = count(0);
  else if (flag == "--history-versions") options.history_versions = count(1);
  else if (flag == "--api-burst") options.api_burst = parse_number<unsigned>(flag, args.value(flag), 0, 1'000'000);
  else if (flag == "--pagination-token-key") {
    options.snake_case_tokens = parse_choice<bool>(flag, args.value(flag), {{"camel", false}, {"snake", true}});
  } else if (flag == "--non-admin-key") {
    args.expect_no_value(flag);
    options.non_admin_key = true;
  } else if (flag == "--dump-metadata") {
    const std::string stream(args.value(flag));
    set_offline(options, flag, {OfflineCommand::Kind::kDumpMetadata, std::string(args.value(flag)), 0, stream});
  } else {
    return false;
  }
  return true;
}

void apply_flag(SimOptions& options, std::string_view flag, ArgCursor& args) {
  auto value = [&] { return args.value(flag); };
  auto seconds = [&](unsigned min) { return parse_number<unsigned>(flag, value(), min, 10'000'000); };
  CatalogConfig& catalog = options.catalog;

  if (flag == "--host") options.host = value();
  else if (flag == "--port") options.port = parse_number<std::uint16_t>(flag, value(), 0, 65535);
  else if (flag == "--port-file") options.port_file = value();
  else if (flag == "--api-key") options.api_key = value();
  else if (flag == "--tls-cert") options.tls_cert = value();
  else if (flag == "--tls-key") options.tls_key = value();
  else if (flag == "--bundles") catalog.bundles = parse_number<std::size_t>(flag, value(), 0, kMaxBundles);
  else if (flag == "--bundle-period")
    catalog.bundle_period = parse_number<std::int64_t>(flag, value(), 1, kLastRepresentableSecond);
  else if (flag == "--first-start")
    catalog.first_start = parse_number<std::int64_t>(flag, value(), 0, kLastRepresentableSecond);
  else if (flag == "--events-per-bundle") catalog.events_per_bundle = parse_event_counts(flag, value());
  else if (flag == "--huge-event-bytes")
    options.odd_events.huge_bytes = parse_number<std::uint64_t>(flag, value(), 0, kMaxHugeEventBytes);
  else if (flag == "--deep-event-depth")
    options.odd_events.deep_depth = parse_number<unsigned>(flag, value(), 0, kMaxDeepEventDepth);
  else if (flag == "--seed")
    options.seed = parse_number<std::uint64_t>(flag, value(), 0, std::numeric_limits<std::uint64_t>::max());
  else if (flag == "--gzip") {
    options.gzip = parse_choice<GzipMode>(flag, value(),
                                          {{"negotiate", GzipMode::kNegotiate},
                                           {"payload", GzipMode::kPayload},
                                           {"encoding", GzipMode::kEncoding},
                                           {"none", GzipMode::kNone}});
  } else if (flag == "--rate-limit") options.rate_limit = parse_number<unsigned>(flag, value(), 0, 1'000'000);
  else if (flag == "--rate-window") options.rate_window_seconds = seconds(1);
  else if (flag == "--rate-limit-body") {
    options.rate_limit_body = parse_choice<RateLimitBody>(
        flag, value(), {{"json", RateLimitBody::kJson}, {"text", RateLimitBody::kText}});
  } else if (flag == "--retry-after-format") {
    options.retry_after_format = parse_choice<RetryAfterFormat>(
        flag, value(), {{"seconds", RetryAfterFormat::kSeconds}, {"http-date", RetryAfterFormat::kHttpDate}});
  } else if (flag == "--fault") {
    const std::string_view spec = value();
    try {
      options.faults.push_back(parse_fault_spec(spec));
    } catch (const std::invalid_argument& error) {
      throw UsageError("--fault expects ENDPOINT:KIND[:COUNT][@BUNDLE_ID|@START]: " + std::string(error.what()) +
                       " (in '" + std::string(spec) + "')");
    }
  } else if (flag == "--list-page-size") {
    options.list_page_size = parse_number<std::size_t>(flag, value(), 1, BundleCatalog::kMaxListed);
  } else if (flag == "--list-lie") {
    const std::string_view name = value();
    const auto lie = parse_list_lie(name);
    if (!lie)
      throw UsageError("--list-lie expects one of " + std::string(list_lie_names()) + ", got '" + std::string(name) +
                       "'");
    options.list_lie = *lie;
  } else if (flag == "--reflect-auth") {
    const std::string_view spec = value();
    const auto reflection = parse_auth_reflection(spec);
    if (!reflection)
      throw UsageError("--reflect-auth expects [list:|get:]MODE with MODE one of " +
                       std::string(auth_reflection_names()) + ", got '" + std::string(spec) + "'");
    options.reflect_auth = *reflection;
  } else if (flag == "--slow-body-bytes-per-second") {
    options.slow_body_bytes_per_second = parse_number<unsigned>(flag, value(), 0, 1'000'000'000);
  } else if (flag == "--stall-seconds") options.stall_seconds = seconds(0);
  else if (flag == "--cache-dir") options.cache_dir = value();
  else if (flag == "--write-bundle") {
    const auto id = parse_number<std::int64_t>(flag, value(), 0, std::numeric_limits<std::int64_t>::max());
    set_offline(options, flag, {OfflineCommand::Kind::kWriteBundle, std::string(args.value(flag)), id});
  } else if (flag == "--dump-events")
    set_offline(options, flag, {OfflineCommand::Kind::kDumpEvents, std::string(value())});
  else if (flag == "--dump-bundles")
    set_offline(options, flag, {OfflineCommand::Kind::kDumpBundles, std::string(value())});
  else if (flag == "--dump-segment-export")
    set_offline(options, flag, {OfflineCommand::Kind::kDumpSegmentExport, std::string(value())});
  else if (flag == "--export-start") options.segment_dump.start = value();
  else if (flag == "--export-end") options.segment_dump.end = value();
  else if (flag == "--export-type") options.segment_dump.type = value();
  else if (flag == "--export-fields") options.segment_dump.fields = split_list(value());
  else if (flag == "--segment") options.segments.emplace_back(value());
  else if (flag == "--prepare-ms") options.prepare_ms = parse_number<unsigned>(flag, value(), 0, 86'400'000);
  else if (flag == "--export-ttl-seconds") options.export_ttl_seconds = seconds(1);
  else if (flag == "--location-ttl-seconds") options.location_ttl_seconds = seconds(1);
  else if (flag == "--api-rate-limit") options.api_rate_limit = parse_number<unsigned>(flag, value(), 0, 1'000'000);
  else if (flag == "--api-rate-window") options.api_rate_window_seconds = seconds(1);
  else if (flag == "--max-pending-exports")
    options.max_pending_exports = parse_number<std::size_t>(flag, value(), 0, 1'000'000);
  else if (flag == "--identical-events") {
    args.expect_no_value(flag);
    options.odd_events.identical = true;
  } else if (flag == "--verbose") {
    args.expect_no_value(flag);
    options.verbose = true;
  } else if (!apply_metadata_flag(options, flag, args)) {
    throw UsageError("unknown flag '" + std::string(flag) + "'");
  }
}

// Checks that need every flag: combinations and ranges spanning several flags.
void validate(SimOptions& options) {
  const CatalogConfig& catalog = options.catalog;
  if (catalog.events_per_bundle.size() != 1 && catalog.events_per_bundle.size() != catalog.bundles) {
    throw UsageError("--events-per-bundle expects 1 count or " + std::to_string(catalog.bundles) +
                     " (one per bundle, see --bundles), got " + std::to_string(catalog.events_per_bundle.size()));
  }
  // Cannot overflow: at most 10^6 bundles of at most 2.6 * 10^11 seconds.
  const auto span = static_cast<std::int64_t>(catalog.bundles) * catalog.bundle_period;
  if (catalog.first_start + span > kLastRepresentableSecond + 1) {
    throw UsageError("--first-start + --bundles * --bundle-period expects the last bundle to end by "
                     "year 9999, got end " +
                     std::to_string(catalog.first_start + span));
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    throw UsageError("--tls-cert and --tls-key expect to be given together, got only " +
                     std::string(options.tls_cert.empty() ? "--tls-key" : "--tls-cert"));
  }
  if (!options.cache_dir.empty() && options.gzip == GzipMode::kNone) {
    throw UsageError("--cache-dir expects a gzip mode (the cache holds gzip bodies), got --gzip none");
  }
  if (options.offline) return;
  if (options.api_key.empty()) {
    if (const char* env = std::getenv("FULLSTORY_SIM_API_KEY")) options.api_key = env;
  }
  if (options.api_key.empty()) {
    throw UsageError("--api-key expects the key clients must send, got nothing (nor FULLSTORY_SIM_API_KEY)");
  }
}

}  // namespace

SimOptions parse_options(int argc, const char* const* argv) {
  SimOptions options;
  ArgCursor args(argc, argv);
  while (!args.done()) {
    const std::string_view flag = args.next_flag();
    if (flag == "--help") {
      options.help = true;
      return options;
    }
    apply_flag(options, flag, args);
  }
  validate(options);
  return options;
}

const char* usage_text() { return kUsage; }

}  // namespace fssim
