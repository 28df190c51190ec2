// The fullstory STATE parser (ours and tap-fullstory's shape) on any text. Only
// etl::Error(ETL_E_INVALID_STATE) may come out. Property: a bookmark that parses is written
// back (always our shape) so that it parses to the same bookmark.
#include "bookmark.h"
#include "etlhost/plugin.hpp"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<fullstory::Bookmark> bookmark;
  try {
    bookmark = fullstory::parse_bookmark(fuzz::text_of(data, size));
  } catch (const etl::Error& error) {
    fuzz::check(error.code() == ETL_E_INVALID_STATE, "a state that is refused is ETL_E_INVALID_STATE");
    return 0;
  }
  if (!bookmark) return 0;
  const auto again = fullstory::parse_bookmark(fullstory::bookmark_state_json(*bookmark));
  fuzz::check(again && again->last_bundle_stop == bookmark->last_bundle_stop &&
                  again->last_bundle_id == bookmark->last_bundle_id && !again->from_tap_fullstory,
              "a parsed bookmark written back parses to the same bookmark");
  fuzz::check(again->fields.size() == bookmark->fields.size(), "the fields seen are written back, all of them");
  for (size_t i = 0; i < bookmark->fields.size(); ++i) {
    fuzz::check(
        again->fields[i].name == bookmark->fields[i].name && again->fields[i].kinds == bookmark->fields[i].kinds,
        "each field written back is the same field with the same types");
  }
  return 0;
}
