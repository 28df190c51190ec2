// The record shaper (the event key splice, member_filter's removal of deselected members)
// on any text the validator accepts as a JSON object. Property: the RECORD parses, and is
// the event with "event_id" added and the deselected members gone, every other value equal.
#include <string>

#include <nlohmann/json.hpp>

#include "event_validator.h"
#include "events_schema.h"
#include "fuzz_check.h"
#include "json_array_splitter.h"
#include "record_shaper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using fullstory::StreamSchema;
  const std::string event(fuzz::text_of(data, size));
  const std::string padded = event + std::string(fullstory::JsonArraySplitter::kTailPadding, ' ');
  const std::string_view view(padded.data(), event.size());
  // The size's parity chooses whether members are dropped (selection), so both paths run.
  const bool select = (size & 1) != 0;
  StreamSchema schema(fullstory::events_spec(fullstory::ExportApiKind::kDataExport, false, "event_id"),
                      select ? std::set<std::string>{"a", "UserEmail", ""} : std::set<std::string>{},
                      [](const std::string&) {});
  fullstory::RecordShaper shaper(schema);
  fullstory::EventValidator validator;
  shaper.begin_event();
  if (validator.problem(view, &shaper)) return 0;
  const auto input = nlohmann::json::parse(event, nullptr, false);
  if (input.is_discarded() || input.contains("event_id")) return 0;  // nlohmann refuses what simdjson took
  const auto record = nlohmann::json::parse(shaper.shape(view, -42, 7), nullptr, false);
  fuzz::check(record.is_object(), "the RECORD is a JSON object");
  auto expected = input;
  if (select) {
    for (const char* gone : {"a", "UserEmail", ""}) expected.erase(gone);
  }
  expected["event_id"] = "-42:7";
  fuzz::check(record == expected, "the RECORD is the event with its key and without deselected members");
  return 0;
}
