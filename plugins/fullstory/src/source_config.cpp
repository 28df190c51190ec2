#include "source_config.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "timestamps.h"
#include "version.h"

namespace fullstory {
namespace {

constexpr int64_t kSecondsPerYear = 365 * 86400;

[[noreturn]] void reject(const std::string& key, const std::string& expected, const std::string& found) {
  throw etl::Error(ETL_E_INVALID_ARGUMENT, "config key '" + key + "': expected " + expected + ", found " + found);
}

std::string in_quotes(std::string_view text) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  out += text.size() > kMax ? std::string(text.substr(0, kMax)) + "..." : std::string(text);
  return out + "'";
}

int64_t integer_in(const etl::Config& config, const std::string& key, int64_t fallback, int64_t min, int64_t max,
                   const std::string& unit) {
  const int64_t value = config.integer_or(key, fallback);
  if (value < min || value > max) {
    reject(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max) + unit,
           std::to_string(value));
  }
  return value;
}

// Empty when absent: `etlhost discover` needs no key (the catalog is static), and sync()
// refuses to start without one (require_api_key).
std::string read_api_key(const etl::Config& config) {
  if (!config.has("api_key")) return {};
  const std::string key = config.string("api_key");
  // The value is a secret: describe what is wrong with it, never show it.
  if (key.empty()) reject("api_key", "your FullStory API key", "an empty string");
  if (key.rfind("Basic ", 0) == 0 || key.rfind("Bearer ", 0) == 0) {
    reject("api_key", "the bare key (the plugin adds 'Basic ' itself)", "a value starting with 'Basic ' or 'Bearer '");
  }
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      reject("api_key", "a key without spaces or control characters",
             "a value containing whitespace or a control character (a stray newline from a file?)");
    }
  }
  return key;
}

int64_t read_start_date(const etl::Config& config, int64_t now_unix, bool& defaulted) {
  defaulted = !config.has("start_date");
  if (defaulted) return now_unix - kSecondsPerYear;
  const std::string text = config.string("start_date");
  const auto start = parse_rfc3339(text);
  if (!start) reject("start_date", "an RFC 3339 date (2023-01-31) or date-time (2023-01-31T00:00:00Z)", in_quotes(text));
  if (*start < 0) reject("start_date", "a date after 1970-01-01", in_quotes(text));
  if (*start > now_unix) reject("start_date", "a time in the past", in_quotes(text));
  return *start;
}

BaseUrl read_base_url(const etl::Config& config) {
  const std::string text = config.string_or("base_url", "https://export.fullstory.com");
  std::string problem;
  auto url = parse_base_url(text, problem);
  if (!url) {
    // Never echo a URL with user info: it may carry a password.
    const bool has_user_info = text.find('@') != std::string::npos;
    reject("base_url", "http(s)://host[:port][/path] such as https://export.fullstory.com",
           (has_user_info ? std::string("a URL that ") : in_quotes(text) + ", which ") + problem);
  }
  return *url;
}

std::string read_user_agent(const etl::Config& config) {
  const std::string agent = config.string_or("user_agent", "etlhost-fullstory/" ETL_FULLSTORY_VERSION);
  for (const char c : agent) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) reject("user_agent", "text without control characters", "a control character");
  }
  return agent;
}

std::string read_ca_file(const etl::Config& config) {
  const std::string path = config.string_or("ca_file", "");
  if (path.empty()) return path;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    reject("ca_file", "the path of a PEM file of CA certificates", in_quotes(path) + ", which is not a readable file");
  }
  if (!std::ifstream(path).good()) reject("ca_file", "a readable PEM file", in_quotes(path) + ", which cannot be opened");
  return path;
}

}  // namespace

SourceConfig read_source_config(const etl::Config& config, std::chrono::system_clock::time_point now) {
  const int64_t now_unix = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  SourceConfig out;
  out.api_key = read_api_key(config);
  out.start_unix = read_start_date(config, now_unix, out.start_date_defaulted);
  out.base_url = read_base_url(config);
  out.user_agent = read_user_agent(config);
  out.ca_file = read_ca_file(config);
  out.connect_timeout = std::chrono::seconds(integer_in(config, "connect_timeout_seconds", 30, 1, 3600, " (seconds)"));
  out.idle_timeout = std::chrono::seconds(integer_in(config, "idle_timeout_seconds", 300, 1, 86400, " (seconds)"));
  out.max_attempts = static_cast<int>(integer_in(config, "max_attempts", 8, 1, 100, ""));
  out.retry_base_delay =
      std::chrono::milliseconds(integer_in(config, "retry_base_delay_ms", 1000, 0, 3'600'000, " (milliseconds)"));
  const int64_t max_delay = config.integer_or("retry_max_delay_ms", 60000);
  if (max_delay < out.retry_base_delay.count() || max_delay > 3'600'000) {
    reject("retry_max_delay_ms",
           "an integer from retry_base_delay_ms (" + std::to_string(out.retry_base_delay.count()) +
               ") to 3600000 (milliseconds)",
           std::to_string(max_delay));
  }
  out.retry_max_delay = std::chrono::milliseconds(max_delay);
  out.max_total_wait =
      std::chrono::seconds(integer_in(config, "max_total_wait_seconds", 3600, 0, 7 * 86400, " (seconds)"));
  out.downloads_per_minute = static_cast<int>(integer_in(config, "downloads_per_minute", 2, 0, 600, " (0 = no pacing)"));
  out.allow_bundle_gaps = config.boolean_or("allow_bundle_gaps", false);
  return out;
}

void require_api_key(const SourceConfig& config) {
  if (config.api_key.empty()) {
    throw etl::Error(ETL_E_INVALID_ARGUMENT,
                     "config key 'api_key' is missing: set it in the config or in FULLSTORY_API_KEY");
  }
}

}  // namespace fullstory
