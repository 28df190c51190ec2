#include "fullstory_support.h"

#include <doctest/doctest.h>

#include <regex>
#include <set>

#include <nlohmann/json.hpp>

namespace fstest {

RunResult sync_ok(PluginHarness& plugin, const std::string& config_json, const std::string& state_json,
                  const std::string& catalog_json) {
  RunResult result = plugin.sync(config_json, state_json, catalog_json);
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  return result;
}

std::string without_event_id(const std::string& record, std::string* id) {
  const std::string prefix = R"({"event_id":")";
  REQUIRE_MESSAGE(record.rfind(prefix, 0) == 0, "no event_id first in " << record.substr(0, 200));
  const size_t close = record.find('"', prefix.size());
  REQUIRE(close != std::string::npos);
  if (id != nullptr) *id = record.substr(prefix.size(), close - prefix.size());
  const char next = record.at(close + 1);
  REQUIRE((next == ',' || next == '}'));
  return next == ',' ? "{" + record.substr(close + 2) : "{" + record.substr(close + 1);
}

void check_same_events(const std::vector<std::string>& got_records, const std::vector<std::string>& expected) {
  REQUIRE(got_records.size() == expected.size());
  std::vector<std::string> got;
  std::set<std::string> ids;
  const std::regex id_shape("-?[0-9]+:[0-9]+");
  for (const std::string& record : got_records) {
    std::string id;
    got.push_back(without_event_id(record, &id));
    if (!std::regex_match(id, id_shape)) FAIL("event_id '" << id << "' is not <bundle Id>:<position>");
    ids.insert(id);
  }
  CHECK(ids.size() == got.size());
  size_t value_mismatches = 0;
  size_t byte_mismatches = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (nlohmann::json::parse(got[i]) != nlohmann::json::parse(expected[i])) {
      if (++value_mismatches <= 3)
        CHECK_MESSAGE(false, "event " << i << " differs:\n" << got[i] << "\n" << expected[i]);
    }
    if (got[i] != expected[i]) ++byte_mismatches;
  }
  CHECK(value_mismatches == 0);
  CHECK(byte_mismatches == 0);
}

void check_no_key(const RunResult& result) {
  CHECK_MESSAGE(!contains(result.everything(), kApiKey), "the API key leaked");
}

std::vector<std::string> slice(const std::vector<std::string>& events, size_t from, size_t to) {
  return {events.begin() + static_cast<std::ptrdiff_t>(from), events.begin() + static_cast<std::ptrdiff_t>(to)};
}

}  // namespace fstest
