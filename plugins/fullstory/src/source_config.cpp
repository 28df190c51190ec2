#include "source_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "events_schema.h"
#include "timestamps.h"

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

// A date-time without an offset ("2024-01-01T00:00:00", "2024-01-01 00:00:00") is what
// most people type and what many tools print; RFC 3339 refuses it. It is read as UTC,
// FullStory's own zone for export bundles, and the run's first line says so.
std::optional<int64_t> parse_start_date(std::string text, bool& without_offset) {
  without_offset = false;
  if (const auto exact = parse_rfc3339(text)) return exact;
  if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T' && text[10] != 't')) return std::nullopt;
  text[10] = 'T';
  const auto as_utc = parse_rfc3339(text + "Z");
  without_offset = as_utc.has_value();
  return as_utc;
}

int64_t read_start_date(const etl::Config& config, int64_t now_unix, SourceConfig& out) {
  out.start_date_defaulted = !config.has("start_date");
  if (out.start_date_defaulted) return now_unix - kSecondsPerYear;
  const std::string text = config.string("start_date");
  const auto start = parse_start_date(text, out.start_date_without_offset);
  if (!start) {
    reject("start_date",
           "an RFC 3339 date (2023-01-31) or date-time (2023-01-31T00:00:00Z, or 2023-01-31T00:00:00 read as UTC; "
           "an offset is +HH:MM)",
           in_quotes(text));
  }
  if (*start < 0) reject("start_date", "a date after 1970-01-01", in_quotes(text));
  if (*start > now_unix) reject("start_date", "a time in the past", in_quotes(text));
  return *start;
}

ExportApiKind read_export_api(const etl::Config& config) {
  const std::string text = config.string("export_api");
  if (text == "data_export") return ExportApiKind::kDataExport;
  if (text == "segment_export") return ExportApiKind::kSegmentExport;
  reject("export_api", "\"data_export\" (the legacy bundles) or \"segment_export\" (Segment Export)", in_quotes(text));
}

// FullStory's keys start with their data center ("eu1.<...>"), and EU accounts are served by
// api.eu1.fullstory.com: the current APIs' root follows the key unless configured.
std::string current_api_root(const SourceConfig& out, const char* key, std::string& origin) {
  if (out.api_key.rfind("eu1.", 0) == 0) {
    origin = std::string("derived from the api_key's eu1. prefix (an EU account); set ") + key + " to override";
    return kEuApiRoot;
  }
  origin = std::string("the default for ") + (std::string_view(key) == "base_url" ? "export_api segment_export" : key);
  return kApiRoot;
}

// Unset, base_url follows export_api (and for Segment Export the key's data center).
std::string default_base_url(const SourceConfig& out, std::string& origin) {
  if (out.export_api == ExportApiKind::kDataExport) {
    origin = "the default for export_api data_export";
    return kDataExportRoot;
  }
  return current_api_root(out, "base_url", origin);
}

BaseUrl read_url(const etl::Config& config, const char* key, const std::string& default_text) {
  const std::string text = config.has(key) ? config.string(key) : default_text;
  std::string problem;
  auto url = parse_base_url(text, problem);
  if (!url) {
    // Never echo a URL with user info: it may carry a password.
    const bool has_user_info = text.find('@') != std::string::npos;
    reject(key,
           std::string("http(s)://host[:port][/path] such as ") +
               (std::string_view(key) == "base_url" ? kDataExportRoot : kApiRoot),
           (has_user_info ? std::string("a URL that ") : in_quotes(text) + ", which ") + problem);
  }
  return *url;
}

BaseUrl read_base_url(const etl::Config& config, SourceConfig& out) {
  return read_url(config, "base_url", config.has("base_url") ? "" : default_base_url(out, out.base_url_origin));
}

// The metadata streams always speak the current API: under segment_export that is base_url
// already; under data_export base_url is the export host, so the current API has its own root.
BaseUrl read_api_base_url(const etl::Config& config, SourceConfig& out) {
  if (config.has("api_base_url")) return read_url(config, "api_base_url", "");
  if (out.export_api == ExportApiKind::kSegmentExport) {
    out.api_base_url_origin = "base_url (export_api segment_export)";
    return out.base_url;
  }
  return read_url(config, "api_base_url", current_api_root(out, "api_base_url", out.api_base_url_origin));
}

std::string read_user_agent(const etl::Config& config) {
  const std::string agent = config.string("user_agent");
  for (const char c : agent) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) reject("user_agent", "text without control characters", "a control character");
  }
  return agent;
}

std::string read_ca_file(const etl::Config& config) {
  if (!config.has("ca_file")) return {};  // the system's CA store
  const std::string path = config.string("ca_file");
  if (path.empty()) return path;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    reject("ca_file", "the path of a PEM file of CA certificates", in_quotes(path) + ", which is not a readable file");
  }
  if (!std::ifstream(path).good())
    reject("ca_file", "a readable PEM file", in_quotes(path) + ", which cannot be opened");
  return path;
}

// Bounded below by retry_base_delay_ms, which no table range can say.
std::chrono::milliseconds read_retry_max_delay(const etl::Config& config, std::chrono::milliseconds base_delay) {
  const int64_t max_delay = config.integer("retry_max_delay_ms");
  if (max_delay < base_delay.count() || max_delay > kMaxRetryDelayMs) {
    reject("retry_max_delay_ms",
           "an integer from retry_base_delay_ms (" + std::to_string(base_delay.count()) + ") to " +
               std::to_string(kMaxRetryDelayMs) + " (milliseconds)",
           std::to_string(max_delay));
  }
  return std::chrono::milliseconds(max_delay);
}

// Spliced into records unescaped (record_shaper.cpp), so a name that needs no escape.
std::string read_key_field(const etl::Config& config) {
  const std::string name = config.string("event_key");
  if (name == kNoEventKey) return {};
  const bool plain = !name.empty() && name.size() <= 64 &&
                     name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                         std::string::npos;
  if (!plain) reject("event_key", "\"none\" or a field name of 1 to 64 letters, digits and '_'", in_quotes(name));
  if (is_documented_field(name) || custom_variable_type(name)) {
    reject("event_key", "a name FullStory does not use for a field of its own", in_quotes(name));
  }
  return name;
}

// A segment id goes into a JSON body, and into messages: printable, bounded.
std::string read_segment_id(const etl::Config& config) {
  const std::string id = config.string("segment_id");
  const bool printable = std::all_of(id.begin(), id.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte != 0x7f;
  });
  if (id.empty() || id.size() > 256 || !printable) {
    reject("segment_id",
           "a FullStory segment id (\"everyone\", or the id in the segment's URL) of 1 to 256 "
           "printable characters",
           id.empty() ? std::string("an empty string") : in_quotes(id));
  }
  return id;
}

// Windows are aligned to UTC midnight, so a window never straddles two days.
void check_window(const SourceConfig& out) {
  if (1440 % out.window.count() != 0) {
    reject("export_window_minutes",
           "a number of minutes that divides a day, 1440 (such as 15, 30, 60, 120, 360 or 1440)",
           std::to_string(out.window.count()));
  }
}

std::vector<std::string> read_export_fields(const etl::Config& config) {
  if (!config.has("export_fields")) return {};
  const nlohmann::json& list = config.json().at("export_fields");
  constexpr size_t kMaxFields = 2000;
  if (!list.is_array() || list.empty() || list.size() > kMaxFields) {
    reject("export_fields", "a non-empty array of at most 2000 field names", "something else");
  }
  std::vector<std::string> fields;
  for (const auto& name : list) {
    if (!name.is_string() || name.get_ref<const std::string&>().empty() ||
        name.get_ref<const std::string&>().size() > 512) {
      reject("export_fields", "field names (strings of 1 to 512 bytes) such as \"EventStart\" or \"user_*\"",
             "an element that is not one");
    }
    fields.push_back(name.get<std::string>());
  }
  return fields;
}

std::vector<ExtraField> read_custom_fields(const etl::Config& config) {
  if (!config.has("custom_fields")) return {};
  return read_extra_fields(config.json().at("custom_fields"), "config key 'custom_fields'", ETL_E_INVALID_ARGUMENT,
                           kMaxExtraFields);
}

}  // namespace

SourceConfig read_source_config(const etl::Config& config, std::chrono::system_clock::time_point now) {
  const int64_t now_unix = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  SourceConfig out = kSourceConfig.read(config);
  out.api_key = read_api_key(config);
  out.start_unix = read_start_date(config, now_unix, out);
  out.export_api = read_export_api(config);
  out.base_url = read_base_url(config, out);
  out.api_base_url = read_api_base_url(config, out);
  out.user_agent = read_user_agent(config);
  out.ca_file = read_ca_file(config);
  out.retry_max_delay = read_retry_max_delay(config, out.retry_base_delay);
  out.key_field = read_key_field(config);
  out.custom_fields = read_custom_fields(config);
  out.segment_id = read_segment_id(config);
  check_window(out);
  out.export_fields = read_export_fields(config);
  return out;
}

void require_api_key(const SourceConfig& config) {
  if (config.api_key.empty()) {
    throw etl::Error(ETL_E_INVALID_ARGUMENT,
                     "config key 'api_key' is missing: set it in the config or in FULLSTORY_API_KEY");
  }
}

}  // namespace fullstory
