// Untrusted JSON nested far deeper than any real document (a state file, an export/list
// body) is refused with a message, never a stack overflow while quoting it.
#include <doctest/doctest.h>

#include <string>

#include "bookmark.h"
#include "etlhost/plugin.hpp"
#include "export_list.h"

using namespace fullstory;

namespace {

std::string nested_array(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("deep nesting: a state nested 100k levels is ETL_E_INVALID_STATE, quoted by type only") {
  for (const std::string& state :
       {R"({"bookmarks":)" + nested_array(100'000) + "}", R"({"events":)" + nested_array(100'000) + "}",
        R"({"bookmarks":{"events":{"last_bundle_stop":)" + nested_array(100'000) + "}}}"}) {
    try {
      parse_bookmark(state);
      FAIL("accepted");
    } catch (const etl::Error& error) {
      CHECK(error.code() == ETL_E_INVALID_STATE);
      CHECK(std::string(error.what()).find("an array of 1 elements") != std::string::npos);
      CHECK(std::string(error.what()).size() < 600);
    }
  }
}

TEST_CASE("deep nesting: an export/list entry nested 100k levels is ETL_E_INVALID_DATA") {
  const std::string body = R"({"exports":[{"Id":)" + nested_array(100'000) + R"(,"Start":1,"Stop":2}]})";
  CHECK_THROWS_WITH_AS(parse_export_page(body), doctest::Contains("exports[0].Id is of type array"), etl::Error);
}
