// Small helpers: suggestions, timestamps, exact JSON member extraction, protocol checks.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "etlhost/plugin.hpp"
#include "etlhost/plugin_util.h"
#include "json_members.h"
#include "protocol.h"
#include "text_util.h"

TEST_CASE("text: did-you-mean suggests close names and prefixes, nothing for far ones") {
  const std::vector<std::string> keys{"delimiter", "batch_size", "api_key"};
  CHECK(etlhost::did_you_mean("delimeter", keys) == "delimiter");
  CHECK(etlhost::did_you_mean("batch", keys) == "batch_size");
  CHECK(etlhost::did_you_mean("apikey", keys) == "api_key");
  CHECK_FALSE(etlhost::did_you_mean("zzzzzz", keys));
  CHECK(etlhost::edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("text: UTC timestamps have milliseconds and a Z") {
  using namespace std::chrono;
  const system_clock::time_point at{milliseconds(1790000000123)};
  CHECK(etlhost::utc_timestamp(at) == "2026-09-21T14:13:20.123Z");
  CHECK(etlhost::utc_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("text: every truncation (host and SDK) cuts before a UTF-8 sequence it would split") {
  constexpr size_t kKept = ETL_ERROR_MESSAGE_CAPACITY - 1;  // bytes an error message holds
  // A two-byte "\u00e9" whose second byte would be the first one dropped.
  const std::string ascii(kKept - 1, 'a');
  const std::string text = ascii + "\xC3\xA9" + "tail";
  CHECK(etlhost::abbreviate("h\xC3\xA9llo", 2) == "h...");
  CHECK(etlhost::abbreviate(text, kKept) == ascii + "...");

  etl_error c_error{};
  c_error.struct_size = ETL_STRUCT_SIZE(etl_error);
  CHECK(etl_set_error(&c_error, ETL_E_IO, 7, "%s", text.c_str()) == ETL_E_IO);
  CHECK(std::string(c_error.message) == ascii);
  CHECK(c_error.detail == 7);

  etl_error cpp_error{};
  cpp_error.struct_size = ETL_STRUCT_SIZE(etl_error);
  CHECK(etl::set_error(&cpp_error, ETL_E_IO, text) == ETL_E_IO);
  CHECK(std::string(cpp_error.message) == ascii);

  etl_set_error(&c_error, ETL_E_IO, 0, "%s", "short \xC3\xA9");  // what fits is kept whole
  CHECK(std::string(c_error.message) == "short \xC3\xA9");
}

TEST_CASE("text: names are checked against their character sets") {
  CHECK(etlhost::is_plugin_name("t-script_2"));
  CHECK_FALSE(etlhost::is_plugin_name("Demo"));
  CHECK_FALSE(etlhost::is_plugin_name(""));
  CHECK(etlhost::is_config_key("api_key"));
  CHECK_FALSE(etlhost::is_config_key("api-key"));
  CHECK(etlhost::is_stream_name("Orders.v2-x_y"));
  CHECK_FALSE(etlhost::is_stream_name("a/b"));
}

TEST_CASE("json text: a top-level member's exact text, nested strings and brackets included") {
  const std::string json = R"( {"a":{"x":"}\"{","y":[1, {"z":2}]} , "state" : {"n": 1.50, "s":"a,b}"},"b":null} )";
  CHECK(etlhost::top_level_member_text(json, "state") == R"({"n": 1.50, "s":"a,b}"})");
  CHECK(etlhost::top_level_member_text(json, "b") == "null");
  CHECK(etlhost::top_level_member_text(json, "a") == R"({"x":"}\"{","y":[1, {"z":2}]})");
  CHECK_FALSE(etlhost::top_level_member_text(json, "x"));
  CHECK_FALSE(etlhost::top_level_member_text("[1]", "a"));
  CHECK(etlhost::top_level_member_text(R"({"k":1,"k":22})", "k") == "22");  // last wins, as in nlohmann
  CHECK(etlhost::trim_json_space(" \n{}\t ") == "{}");
}

TEST_CASE("protocol: RECORD json must be one line and look like an object") {
  CHECK_FALSE(etlhost::check_record_json("s", R"({"a":"line\nbreak escaped"})"));
  CHECK_FALSE(etlhost::check_record_json("s", "  {} "));
  const auto raw_lf = etlhost::check_record_json("s", "{\"a\":\n1}");
  REQUIRE(raw_lf);
  CHECK(raw_lf->find("raw CR or LF") != std::string::npos);
  CHECK(etlhost::check_record_json("s", "{\"a\":1}\r"));
  CHECK(etlhost::check_record_json("s", "[1,2]"));
  CHECK(etlhost::check_record_json("s", ""));
}

TEST_CASE("protocol: SCHEMA needs a schema object and string key_properties") {
  const auto schema = [](const char* stream, const char* json) {
    etl_message m{ETL_STRUCT_SIZE(etl_message), ETL_MSG_SCHEMA, etl_str{stream, std::strlen(stream)},
                  etl_str{json, std::strlen(json)}, 0};
    return etlhost::check_schema(m, nullptr);
  };
  CHECK_FALSE(schema("orders", R"({"schema":{"type":"object"},"key_properties":["id"]})"));
  CHECK(schema("orders", R"({"key_properties":["id"]})"));
  CHECK(schema("orders", R"({"schema":{},"key_properties":"id"})"));
  CHECK(schema("orders", R"({"schema":{},"key_properties":[1]})"));
  CHECK(schema("../etc", R"({"schema":{}})"));  // stream names become file names in sinks
  CHECK(schema("", R"({"schema":{}})"));
  CHECK(schema("orders", "{nope"));
}

TEST_CASE("protocol: message shape: NULL, short struct_size, unknown kind") {
  CHECK(etlhost::check_message_shape(nullptr, 3)->find("NULL pointer as message #3") != std::string::npos);
  etl_message m{ETL_STRUCT_SIZE(etl_message), ETL_MSG_RECORD, etl_str{"s", 1}, etl_str{"{}", 2}, 0};
  CHECK_FALSE(etlhost::check_message_shape(&m, 0));
  m.struct_size = 8;
  CHECK(etlhost::check_message_shape(&m, 0));
  m.struct_size = ETL_STRUCT_SIZE(etl_message);
  m.kind = 7;
  CHECK(etlhost::check_message_shape(&m, 0)->find("unknown kind 7") != std::string::npos);
  m.kind = ETL_MSG_RECORD;
  m.json = etl_str{nullptr, 5};
  CHECK(etlhost::check_message_shape(&m, 0));
}
