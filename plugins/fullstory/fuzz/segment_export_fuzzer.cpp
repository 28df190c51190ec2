// What the Segment Export API and its storage host send back, on any text: the create answer,
// an operation, the export results, a signed location and a Content-Range. The parsers may
// only refuse with etl::Error(ETL_E_INVALID_DATA). Properties: a location's text never shows
// its query (the signature); a Content-Range never ends before it starts or past its total.
#include <string>

#include "content_range.h"
#include "etlhost/plugin.hpp"
#include "fuzz_check.h"
#include "segment_export_json.h"
#include "signed_location.h"

namespace {

template <class Parse>
void refused_cleanly(const Parse& parse) {
  try {
    parse();
  } catch (const etl::Error& error) {
    fuzz::check(error.code() == ETL_E_INVALID_DATA, "a server document that is refused is ETL_E_INVALID_DATA");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  refused_cleanly([&] { fullstory::parse_create_export_answer(text); });
  refused_cleanly([&] { fullstory::parse_operation_status(text); });
  refused_cleanly([&] { fullstory::parse_export_results(text); });
  std::string problem;
  if (const auto location = fullstory::parse_signed_location(text, problem)) {
    const std::string shown = location->text();
    fuzz::check(shown.find('?') == std::string::npos, "a signed location is shown without its query");
  }
  if (const auto range = fullstory::parse_content_range(text)) {
    fuzz::check(range->first <= range->last, "a Content-Range ends at or after its start");
    fuzz::check(!range->total || range->last < *range->total, "a Content-Range ends inside its total");
  }
  return 0;
}
