#include "fullstory_support.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace fstest {

void check_same_events(const std::vector<std::string>& got, const std::vector<std::string>& expected) {
  REQUIRE(got.size() == expected.size());
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
