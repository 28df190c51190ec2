// The fullstory STATE parser of export_api segment_export (window bookmarks, and the Data
// Export states it continues from) on any text. Only etl::Error(ETL_E_INVALID_STATE) may come
// out. Property: a state that parses is written back so that it parses to the same windows.
#include "bookmark.h"
#include "etlhost/plugin.hpp"
#include "fuzz_check.h"

namespace {

void check_same(const std::optional<fullstory::WindowBookmark>& before,
                const std::optional<fullstory::WindowBookmark>& after) {
  fuzz::check(before.has_value() == after.has_value(), "every stream's bookmark is written back");
  if (!before) return;
  fuzz::check(before->window_end == after->window_end && !after->from_bundles,
              "a window bookmark written back has the same end");
  fuzz::check(before->fields.size() == after->fields.size(), "the fields seen are written back, all of them");
  for (size_t i = 0; i < before->fields.size(); ++i) {
    fuzz::check(before->fields[i].name == after->fields[i].name && before->fields[i].kinds == after->fields[i].kinds,
                "each field written back is the same field with the same types");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fullstory::WindowState state;
  try {
    state = fullstory::parse_window_state(fuzz::text_of(data, size));
  } catch (const etl::Error& error) {
    fuzz::check(error.code() == ETL_E_INVALID_STATE, "a state that is refused is ETL_E_INVALID_STATE");
    return 0;
  }
  const fullstory::WindowState again = fullstory::parse_window_state(fullstory::window_state_json(state));
  check_same(state.events, again.events);
  check_same(state.individuals, again.individuals);
  return 0;
}
