// Unit tests of bookmarks (ours and tap-fullstory's), config validation, base_url,
// timestamps, list parsing, the replay guard and the schema.
#include <doctest/doctest.h>

#include <chrono>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "base_url.h"
#include "bookmark.h"
#include "event_validator.h"
#include "events_schema.h"
#include "export_list.h"
#include "json_array_splitter.h"
#include "plugin_driver.h"
#include "plugin_loader.h"
#include "replay_guard.h"
#include "source_config.h"
#include "text.h"
#include "timestamps.h"

using namespace fullstory;
using etltest::contains;

namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'750'000'000));

etl_status no_create(const etl_host_api*, etl_str, void**, etl_error*) { return ETL_E_NOT_IMPLEMENTED; }
etl_status no_sync(void*, etl_str, etl_str, const etl_emitter*, etl_error*) { return ETL_E_NOT_IMPLEMENTED; }
void no_destroy(void*) {}

// A descriptor carrying kSourceConfig, so the host's config builder can fill the defaults
// as it does for the real plugin (whose entry point is not in etl_fullstory_core).
const etl_plugin& spec_only_plugin() {
  static constexpr auto kFields = etl::detail::pointers_to(kSourceConfig);
  static const etl_source_api kApi{
      ETL_STRUCT_SIZE(etl_source_api), &no_create, nullptr, &no_sync, &no_destroy, nullptr, nullptr, nullptr};
  static const etl_plugin kPlugin{
      ETL_STRUCT_SIZE(etl_plugin), ETL_ABI_VERSION, ETL_KIND_SOURCE, "fullstory", ETL_FULLSTORY_VERSION,
      "kSourceConfig only",        kFields.data(),  kFields.size(),  &kApi,       nullptr};
  return kPlugin;
}

// Required keys are not enforced, as for discover: the plugin's own api_key guard is tested.
SourceConfig config_from(const std::string& json) {
  static const auto plugin = etlhost::LoadedPlugin::from_descriptor(&spec_only_plugin(), "kSourceConfig");
  return read_source_config(etl::Config(etltest::build_config(*plugin, json, false)), kNow);
}

const etl_config_field& spec_of(const char* key) {
  for (const etl_config_field& field : kSourceConfig.fields()) {
    if (std::strcmp(field.key, key) == 0) return field;
  }
  FAIL("no config key " << key);
  throw;
}

// The etl::Error message for a config, or "" when it is accepted.
std::string config_error(const std::string& json) {
  try {
    config_from(json);
  } catch (const etl::Error& e) {
    CHECK(e.code() == ETL_E_INVALID_ARGUMENT);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("timestamps: RFC 3339 in, UTC out") {
  CHECK(parse_rfc3339("2023-11-16") == 1'700'092'800);
  CHECK(parse_rfc3339("2023-11-16T00:00:00Z") == 1'700'092'800);
  CHECK(parse_rfc3339("2023-11-16t00:00:00z") == 1'700'092'800);
  CHECK(parse_rfc3339("2023-11-16T00:00:00.999Z") == 1'700'092'800);  // floored
  CHECK(parse_rfc3339("2023-11-16T02:00:00+02:00") == 1'700'092'800);
  CHECK(parse_rfc3339("2023-11-15T19:00:00.5-05:00") == 1'700'092'800);
  CHECK(parse_rfc3339("2017-01-17T20:32:05Z") == 1'484'685'125);
  for (const char* bad :
       {"", "2023-11-16T00:00:00", "2023-13-01", "2023-02-29", "2023-11-16T24:00:00Z", "2023-11-16T00:00:00.Z",
        "2023-11-16 00:00:00Z", "2023-11-16T00:00:00Zjunk", "16/11/2023", "2023-11-16T00:00:00+2:00"}) {
    CHECK_MESSAGE(!parse_rfc3339(bad).has_value(), bad);
  }
  CHECK(format_rfc3339_utc(1'700'092'800) == "2023-11-16T00:00:00Z");
  CHECK(format_rfc3339_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339_utc(1'484'685'125) == "2017-01-17T20:32:05Z");
}

TEST_CASE("timestamps: a time outside years 0001-9999 is not read, so every bookmark read can be written back") {
  // Found by bookmark_fuzzer: year 0000 (or an offset across 9999) parsed, and the bookmark
  // then wrote "unix time ... (outside years 0001-9999)", which no later run could read.
  for (const char* outside :
       {"0000-01-01", "0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"}) {
    CHECK_MESSAGE(!parse_rfc3339(outside).has_value(), outside);
  }
  CHECK(parse_rfc3339("0001-01-01T00:00:00Z") == fullstory::kFirstRfc3339Second);
  CHECK(parse_rfc3339("9999-12-31T23:59:59Z") == fullstory::kLastRfc3339Second);
  CHECK_THROWS_AS(parse_bookmark(R"({"events":"0000-06-01T00:00:00Z"})"), etl::Error);
}

TEST_CASE("bookmark: ours round-trips, ids above 2^53 exact") {
  const Bookmark mark{1'700'092'800, 9'007'199'254'741'993, false, {}};
  const std::string text = bookmark_state_json(mark);
  CHECK(text ==
        R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z","last_bundle_id":9007199254741993}}})");
  const auto parsed = parse_bookmark(text);
  REQUIRE(parsed);
  CHECK(parsed->last_bundle_stop == 1'700'092'800);
  CHECK(parsed->last_bundle_id == 9'007'199'254'741'993);
  CHECK_FALSE(parsed->from_tap_fullstory);
}

TEST_CASE("bookmark: tap-fullstory's flat state is accepted, with or without fractions") {
  auto parsed = parse_bookmark(R"({"events": "2017-01-17T20:32:05Z"})");
  REQUIRE(parsed);
  CHECK(parsed->last_bundle_stop == 1'484'685'125);
  CHECK(parsed->from_tap_fullstory);
  CHECK_FALSE(parsed->last_bundle_id.has_value());
  parsed = parse_bookmark(R"({"events":"2017-01-17T20:32:05.123456Z","currently_syncing":null})");
  REQUIRE(parsed);
  CHECK(parsed->last_bundle_stop == 1'484'685'125);
}

TEST_CASE("bookmark: empty means first run") {
  CHECK_FALSE(parse_bookmark("").has_value());
  CHECK_FALSE(parse_bookmark("  \n").has_value());
  CHECK_FALSE(parse_bookmark("{}").has_value());
}

TEST_CASE("bookmark: anything else is ETL_E_INVALID_STATE with a clear message") {
  for (const char* bad :
       {"[]", "42", "not json", R"({"events":42})", R"({"events":"yesterday"})", R"({"bookmarks":{"users":{}}})",
        R"({"bookmarks":{"events":{}}})",
        R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z","extra":1}}})",
        R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z","last_bundle_id":"9"}}})",
        R"({"other":1})", R"({"events":"2017-01-17T20:32:05Z","bookmarks":{}})"}) {
    try {
      parse_bookmark(bad);
      FAIL("accepted " << bad);
    } catch (const etl::Error& e) {
      CHECK(e.code() == ETL_E_INVALID_STATE);
      CHECK_MESSAGE(contains(e.what(), "tap-fullstory"), e.what());
    }
  }
}

TEST_CASE("config: defaults") {
  const SourceConfig config = config_from(R"({"api_key":"na1.secret-key"})");
  CHECK(config.api_key == "na1.secret-key");
  CHECK(config.start_date_defaulted);
  CHECK(config.start_unix == 1'750'000'000 - 365 * 86400);
  CHECK(config.base_url.text() == "https://export.fullstory.com");
  CHECK(config.user_agent.rfind("etlhost-fullstory/", 0) == 0);
  CHECK(config.max_attempts == 8);
  CHECK(config.downloads_per_minute == 2);
  CHECK(config.idle_timeout == std::chrono::seconds(300));
}

TEST_CASE("config table: the spec carries each default and range once, reading enforces the range") {
  CHECK(kSourceConfig.fields().size() == 30);
  CHECK(std::strcmp(spec_of("event_key").default_json, "\"event_id\"") == 0);
  CHECK(std::strcmp(spec_of("allow_bundle_gaps").default_json, "false") == 0);
  CHECK(std::strcmp(spec_of("request_timeout_seconds").default_json, "300") == 0);
  CHECK(std::strcmp(spec_of("max_event_bytes").default_json, "67108864") == 0);
  CHECK(std::strcmp(spec_of("skip_oversized_events").default_json, "false") == 0);
  CHECK(std::strcmp(spec_of("connect_timeout_seconds").default_json, "30") == 0);
  CHECK(std::strcmp(spec_of("connect_timeout_seconds").help, "Seconds to wait for a TCP/TLS connection, 1-3600.") == 0);
  CHECK(std::strcmp(spec_of("connect_retry_seconds").default_json, "10") == 0);
  CHECK(std::strcmp(spec_of("max_attempts").help, "Attempts per request (first try included), 1-100.") == 0);
  CHECK(std::strcmp(spec_of("downloads_per_minute").default_json, "2") == 0);
  // base_url follows export_api (and an eu1. key), so the spec holds no default for it.
  CHECK(spec_of("base_url").default_json == nullptr);
  CHECK(std::strcmp(spec_of("export_api").default_json, "\"data_export\"") == 0);
  CHECK(std::strcmp(spec_of("export_window_minutes").default_json, "60") == 0);
  CHECK(std::strcmp(spec_of("settle_minutes").default_json, "1440") == 0);
  CHECK(std::strcmp(spec_of("user_agent").default_json, "\"etlhost-fullstory/" ETL_FULLSTORY_VERSION "\"") == 0);
  CHECK(spec_of("start_date").default_json == nullptr);
  const etl_config_field& api_key = spec_of("api_key");
  CHECK(api_key.flags == (ETL_CONFIG_REQUIRED | ETL_CONFIG_SECRET));
  CHECK(std::strcmp(api_key.env, "FULLSTORY_API_KEY") == 0);
  CHECK(api_key.default_json == nullptr);
  for (const etl_config_field& field : kSourceConfig.fields()) CHECK(field.struct_size == sizeof(etl_config_field));

  const std::string key = R"("api_key":"na1.secret-key",)";
  CHECK(config_error("{" + key + R"("idle_timeout_seconds":0})") ==
        "config key 'idle_timeout_seconds': expected an integer from 1 to 86400 (seconds), found 0");
  CHECK(config_error("{" + key + R"("max_event_bytes":1023})") ==
        "config key 'max_event_bytes': expected an integer from 1024 to 4294967296 (bytes), found 1023");
  CHECK(config_error("{" + key + R"("request_timeout_seconds":0})") ==
        "config key 'request_timeout_seconds': expected an integer from 1 to 86400 (seconds), found 0");
  CHECK(config_error("{" + key + R"("connect_retry_seconds":-1})") ==
        "config key 'connect_retry_seconds': expected an integer from 0 to 86400 (seconds), found -1");
  CHECK(config_error("{" + key + R"("max_attempts":101})") ==
        "config key 'max_attempts': expected an integer from 1 to 100, found 101");
  CHECK(config_error("{" + key + R"("downloads_per_minute":601})") ==
        "config key 'downloads_per_minute': expected an integer from 0 to 600 (0 = no pacing), found 601");
  CHECK(config_error("{" + key + R"("retry_max_delay_ms":3600001})") ==
        "config key 'retry_max_delay_ms': expected an integer from retry_base_delay_ms (1000) to 3600000 "
        "(milliseconds), found 3600001");
  const SourceConfig read = config_from("{" + key + R"("idle_timeout_seconds":86400,"max_attempts":1})");
  CHECK(read.idle_timeout == std::chrono::seconds(86400));
  CHECK(read.max_attempts == 1);
  CHECK(read.connect_timeout == std::chrono::seconds(30));
  CHECK(read.connect_retry == std::chrono::seconds(10));
  CHECK(read.retry_max_delay == std::chrono::milliseconds(60000));
  CHECK_FALSE(read.allow_bundle_gaps);
  CHECK(config_from("{" + key + R"("allow_bundle_gaps":true})").allow_bundle_gaps);
}

TEST_CASE("config: start_date accepts a date, an RFC 3339 date-time, and a date-time without offset as UTC") {
  const std::string key = R"("api_key":"na1.secret-key",)";
  const int64_t midnight = 1'704'067'200;  // 2024-01-01T00:00:00Z
  for (const char* text : {"2024-01-01", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00"}) {
    const SourceConfig read = config_from("{" + key + R"("start_date":")" + text + "\"}");
    CHECK_MESSAGE(read.start_unix == midnight, text);
    CHECK_FALSE(read.start_date_without_offset);
  }
  for (const char* text : {"2024-01-01T00:00:00", "2024-01-01 00:00:00", "2024-01-01T00:00:00.500"}) {
    const SourceConfig read = config_from("{" + key + R"("start_date":")" + text + "\"}");
    CHECK_MESSAGE(read.start_unix == midnight, text);
    CHECK(read.start_date_without_offset);
  }
  for (const char* text : {"2024-01-01 00:00", "2024-01-01x00:00:00", "2024-01-01T00:00:00 Z", "2024-01-01T25:00:00"}) {
    const std::string error = config_error("{" + key + R"("start_date":")" + text + "\"}");
    CHECK_MESSAGE(contains(error, "2023-01-31T00:00:00 read as UTC"), error);
  }
}

TEST_CASE("config: bad values name the key, what was expected and what was found, never the key's value") {
  const std::string key = R"("api_key":"na1.TopSecretValue",)";
  auto error = config_error("{" + key + R"("start_date":"last tuesday"})");
  CHECK(contains(error, "'start_date'"));
  CHECK(contains(error, "RFC 3339"));
  CHECK(contains(error, "last tuesday"));
  CHECK(contains(config_error("{" + key + R"("start_date":"2999-01-01"})"), "in the past"));
  error = config_error("{" + key + R"("base_url":"ftp://example.com"})");
  CHECK(contains(error, "'base_url'"));
  CHECK(contains(error, "ftp://example.com"));
  CHECK(contains(config_error("{" + key + R"("base_url":"https://example.com?x=1"})"), "query"));
  CHECK(contains(config_error("{" + key + R"("base_url":"https://example.com:99999"})"), "port"));
  error = config_error("{" + key + R"("base_url":"https://user:hunter2@example.com"})");
  CHECK(contains(error, "user info"));
  CHECK_FALSE(contains(error, "hunter2"));
  error = config_error("{" + key + R"("max_attempts":0})");
  CHECK(contains(error, "'max_attempts'"));
  CHECK(contains(error, "from 1 to 100"));
  CHECK(contains(error, "found 0"));
  CHECK(contains(config_error("{" + key + R"("retry_base_delay_ms":5000,"retry_max_delay_ms":100})"),
                 "'retry_max_delay_ms'"));
  CHECK(contains(config_error("{" + key + R"("downloads_per_minute":-1})"), "'downloads_per_minute'"));
  CHECK(contains(config_error("{" + key + R"("ca_file":"/nonexistent/ca.pem"})"), "'ca_file'"));
  CHECK(contains(config_error("{" + key + R"("user_agent":"a\nb"})"), "'user_agent'"));
  for (const std::string& api_key :
       {std::string(""), std::string("Basic na1.TopSecretValue"), std::string("na1.TopSecretValue\\n")}) {
    error = config_error(R"({"api_key":")" + api_key + R"("})");
    CHECK(contains(error, "'api_key'"));
    CHECK_FALSE(contains(error, "TopSecretValue"));
  }
  // No key is fine for discover (create() accepts it); sync() refuses before any request.
  CHECK(config_error("{}").empty());
  try {
    require_api_key(config_from("{}"));
    FAIL("require_api_key accepted a config without api_key");
  } catch (const etl::Error& e) {
    CHECK(e.code() == ETL_E_INVALID_ARGUMENT);
    CHECK(contains(e.what(), "FULLSTORY_API_KEY"));
  }
}

TEST_CASE("config: event_key names the key or turns it off, custom_fields declares fields up front") {
  const std::string key = R"("api_key":"na1.secret-key",)";
  CHECK(config_from("{" + key.substr(0, key.size() - 1) + "}").key_field == "event_id");
  CHECK(config_from("{" + key + R"("event_key":"none"})").key_field.empty());
  CHECK(config_from("{" + key + R"("event_key":"fs_event_key"})").key_field == "fs_event_key");
  CHECK(contains(config_error("{" + key + R"("event_key":"a b"})"),
                 "config key 'event_key': expected \"none\" or a field name of 1 to 64 letters"));
  CHECK(contains(config_error("{" + key + R"("event_key":"UserId"})"), "a name FullStory does not use"));
  const SourceConfig read = config_from(
      "{" + key + R"("custom_fields":["user_plan_str",{"name":"EventSubType","type":"string"}]})");
  REQUIRE(read.custom_fields.size() == 2);
  CHECK(read.custom_fields[0].kinds == 0);
  CHECK(read.custom_fields[1].kinds == kind_bit(JsonKind::kString));
  CHECK(contains(config_error("{" + key + R"("custom_fields":["EventSubType"]})"),
                 "config key 'custom_fields' entry 0: 'EventSubType' is not a custom variable"));
  CHECK(contains(config_error("{" + key + R"("custom_fields":"user_plan_str"})"),
                 "config key 'custom_fields': expected an array of fields, found string"));
}

TEST_CASE("base_url: accepted forms") {
  std::string problem;
  auto url = parse_base_url("http://127.0.0.1:8080/", problem);
  REQUIRE(url);
  CHECK_FALSE(url->tls);
  CHECK(url->port == 8080);
  CHECK(url->path_prefix.empty());
  CHECK(url->is_loopback());
  url = parse_base_url("HTTPS://proxy.corp.example/fullstory/", problem);
  REQUIRE(url);
  CHECK(url->tls);
  CHECK(url->port == 443);
  CHECK(url->path_prefix == "/fullstory");
  CHECK(url->text() == "https://proxy.corp.example/fullstory");
  url = parse_base_url("https://[::1]:8443", problem);
  REQUIRE(url);
  CHECK(url->host == "::1");
  CHECK(url->text() == "https://[::1]:8443");
  for (const char* bad : {"export.fullstory.com", "https://", "https://:80", "https://a b",
                          "https://host:", "https://host:x", "https://host#frag", "https://[::1"}) {
    CHECK_MESSAGE(!parse_base_url(bad, problem).has_value(), bad);
  }
}

TEST_CASE("base_url: only loopback addresses are loopback, not host names that look like one") {
  std::string problem;
  for (const char* loopback : {"http://127.0.0.1:8080", "http://127.255.0.9", "http://localhost:1", "http://[::1]:9"}) {
    CAPTURE(loopback);
    CHECK(parse_base_url(loopback, problem)->is_loopback());
  }
  for (const char* remote : {"http://127.evil.example", "http://127.0.0.1.evil.example", "http://128.0.0.1",
                             "http://10.127.0.1", "http://1270.0.0.1"}) {
    CAPTURE(remote);
    CHECK_FALSE(parse_base_url(remote, problem)->is_loopback());
  }
}

TEST_CASE("export list: int64 ids survive, the server's order is kept, bad bodies refused") {
  const auto page = parse_export_page(R"({"exports":[{"Id":9007199254741993,"Start":1700092800,"Stop":1700179200},)"
                                      R"({"ID":9223372036854775807,"start":1700006400,"stop":1700092800}]})");
  REQUIRE(page.bundles.size() == 2);
  // Not sorted: ListingCheck must see a list served out of order to refuse it.
  CHECK(page.bundles[0].id == 9'007'199'254'741'993);
  CHECK(page.bundles[1].id == 9'223'372'036'854'775'807);
  CHECK(page.bundles[1].stop == 1'700'092'800);
  CHECK(parse_export_page(R"({"exports":[]})").bundles.empty());
  for (const char* bad : {"[]", "{}", R"({"exports":{}})", R"({"exports":[{"Id":1.5,"Start":1,"Stop":2}]})",
                          R"({"exports":[{"Id":18446744073709551615,"Start":1,"Stop":2}]})",
                          R"({"exports":[{"Start":1,"Stop":2}]})", "nope"}) {
    CHECK_THROWS_AS(parse_export_page(bad), etl::Error);
  }
}

TEST_CASE("replay guard: skips the emitted prefix, verifies it, notices change") {
  ReplayGuard guard;
  guard.start_attempt();
  CHECK(guard.admit("a"));
  CHECK(guard.admit("b"));
  CHECK(guard.emitted() == 2);
  guard.start_attempt();  // retry: the same bundle again
  CHECK_FALSE(guard.admit("a"));
  CHECK_FALSE(guard.admit("b"));
  CHECK(guard.admit("c"));
  guard.finish_attempt();
  CHECK(guard.emitted() == 3);

  guard.start_attempt();
  CHECK_FALSE(guard.admit("a"));
  CHECK_FALSE(guard.admit("b"));
  CHECK_THROWS_AS(guard.admit("X"), BundleChangedError);

  guard.start_attempt();
  CHECK_FALSE(guard.admit("a"));
  CHECK_THROWS_AS(guard.finish_attempt(), BundleChangedError);  // fewer events than emitted

  CHECK(chain_digest(0, "abcdefghij") != chain_digest(0, "abcdefghik"));
  CHECK(chain_digest(0, "ab") != chain_digest(chain_digest(0, "a"), "b"));
}

TEST_CASE("validator: objects pass, everything else is named") {
  EventValidator validator;
  // As the splitter hands them over: kTailPadding readable bytes after the element.
  std::string buffer;
  const auto problem = [&](std::string_view json) {
    buffer.assign(json).append(JsonArraySplitter::kTailPadding, ' ');
    return validator.problem(std::string_view(buffer.data(), json.size()));
  };
  CHECK_FALSE(problem(R"({"a":[1,{"b":"\u00e9"}],"n":9223372036854775807})").has_value());
  CHECK(problem("[1]").value_or("").find("not a JSON object") != std::string::npos);
  CHECK(problem(R"({"a":})").has_value());
  CHECK(problem(R"({"a":"\x"})").has_value());
  CHECK(problem("{\"a\":\"\xff\"}").has_value());  // invalid UTF-8
  CHECK(problem("{\"a\":\"raw\nnewline\"}").has_value());
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(problem(deep).value_or("").find("invalid JSON") != std::string::npos);  // refused, no crash
}

TEST_CASE("schema: documented fields typed and nullable, custom vars by suffix, extras allowed") {
  const StreamSchema events(events_spec(ExportApiKind::kDataExport, false, "event_id"), {},
                            [](const std::string& line) { FAIL("warned: " << line); });
  const auto message = nlohmann::json::parse(events.message());
  CHECK(message["key_properties"] == nlohmann::json({"event_id"}));
  const auto& schema = message["schema"];
  CHECK(schema["additionalProperties"] == true);
  CHECK(schema["properties"]["event_id"]["type"] == "string");
  CHECK(schema["properties"]["UserId"]["type"] == nlohmann::json({"null", "integer"}));
  CHECK(schema["properties"]["EventStart"]["format"] == "date-time");
  CHECK(schema["properties"]["EventCustomName"]["type"] == nlohmann::json({"null", "string"}));
  CHECK(schema["properties"]["LoadFirstPaintTime"]["type"] == nlohmann::json({"null", "integer"}));
  CHECK(schema["properties"].size() == 34);
  CHECK(schema["patternProperties"]["^(user|evt|page)_.+_reals$"]["items"]["type"] ==
        nlohmann::json({"null", "number"}));
  CHECK_FALSE(message.contains("metadata"));

  const auto catalog = nlohmann::json::parse(events.catalog_message());
  const auto& root = catalog["metadata"][0];
  CHECK(root["breadcrumb"] == nlohmann::json::array());
  CHECK(root["metadata"]["forced-replication-method"] == "INCREMENTAL");
  CHECK(root["metadata"]["valid-replication-keys"] == nlohmann::json({"EventStart"}));
  CHECK(root["metadata"]["table-key-properties"] == nlohmann::json({"event_id"}));
  CHECK(catalog["metadata"].size() == 35);
}

TEST_CASE("config: export_api picks the API and base_url's default, an eu1. key the EU host") {
  const SourceConfig legacy = config_from(R"({"api_key":"na1.abcdefghijkl"})");
  CHECK(legacy.export_api == ExportApiKind::kDataExport);
  CHECK(legacy.base_url.text() == "https://export.fullstory.com");
  const SourceConfig modern = config_from(R"({"api_key":"na1.abcdefghijkl","export_api":"segment_export"})");
  CHECK(modern.export_api == ExportApiKind::kSegmentExport);
  CHECK(modern.base_url.text() == "https://api.fullstory.com");
  CHECK(modern.segment_id == "everyone");
  CHECK(modern.window == std::chrono::minutes(60));
  CHECK(modern.settle == std::chrono::minutes(1440));
  CHECK(modern.exports_in_flight == 4);
  CHECK(modern.max_windows_per_run == 0);
  CHECK_FALSE(modern.legacy_field_names);
  CHECK(modern.export_fields.empty());
  const SourceConfig eu = config_from(R"({"api_key":"eu1.abcdefghijkl","export_api":"segment_export"})");
  CHECK(eu.base_url.text() == "https://api.eu1.fullstory.com");
  CHECK(contains(eu.base_url_origin, "eu1."));
  // A base_url the user set wins, and Data Export never guesses a region.
  CHECK(config_from(R"({"api_key":"eu1.abcdefghijkl","export_api":"segment_export","base_url":"http://127.0.0.1:9"})")
            .base_url.text() == "http://127.0.0.1:9");
  CHECK(config_from(R"({"api_key":"eu1.abcdefghijkl"})").base_url.text() == "https://export.fullstory.com");
}

TEST_CASE("config: api_base_url, the metadata streams' root, is the current API under either export_api") {
  // Data Export's base_url is the export host: the current API has its own root, by region.
  const SourceConfig legacy = config_from(R"({"api_key":"na1.abcdefghijkl"})");
  CHECK(legacy.api_base_url.text() == "https://api.fullstory.com");
  CHECK(legacy.skip_forbidden_streams);
  const SourceConfig eu = config_from(R"({"api_key":"eu1.abcdefghijkl"})");
  CHECK(eu.api_base_url.text() == "https://api.eu1.fullstory.com");
  CHECK(contains(eu.api_base_url_origin, "set api_base_url to override"));
  // Under segment_export it is base_url, whatever that is.
  const SourceConfig modern = config_from(
      R"({"api_key":"na1.abcdefghijkl","export_api":"segment_export","base_url":"http://127.0.0.1:9"})");
  CHECK(modern.api_base_url.text() == "http://127.0.0.1:9");
  // Set, it wins; a bad one names its key.
  CHECK(config_from(R"({"api_key":"na1.abcdefghijkl","api_base_url":"http://127.0.0.1:8"})").api_base_url.text() ==
        "http://127.0.0.1:8");
  CHECK(contains(config_error(R"({"api_base_url":"ftp://x"})"), "config key 'api_base_url'"));
}

TEST_CASE("config: Segment Export keys refuse bad values, naming the key") {
  CHECK(contains(config_error(R"({"export_api":"segment"})"), "config key 'export_api': expected"));
  CHECK(contains(config_error(R"({"export_window_minutes":50})"), "divides a day"));
  CHECK(contains(config_error(R"({"export_window_minutes":10})"), "export_window_minutes"));
  CHECK(contains(config_error(R"({"segment_id":""})"), "config key 'segment_id'"));
  CHECK(contains(config_error(R"({"segment_id":"a b"})"), "'a b'"));
  CHECK(contains(config_error(R"({"export_fields":[]})"), "config key 'export_fields'"));
  CHECK(contains(config_error(R"({"export_fields":["EventStart",3]})"), "config key 'export_fields'"));
  CHECK(contains(config_error(R"({"exports_in_flight":0})"), "exports_in_flight"));
  const SourceConfig fields = config_from(R"({"export_fields":["EventStart","user_*"],"export_window_minutes":1440})");
  CHECK(fields.export_fields == std::vector<std::string>{"EventStart", "user_*"});
  CHECK(fields.window == std::chrono::minutes(1440));
}
