// The metadata streams' readers of untrusted text: a page FullStory sent (every stream's
// shape), the record made of each item, and a state's metadata bookmarks. Only
// std::runtime_error (a page) and etl::Error(ETL_E_INVALID_STATE) (a state) may come out.
// Properties: a record is a JSON object holding every member of its item; a state that
// StateBook read and a commit wrote reads back with the committed bookmark.
#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "fuzz_check.h"
#include "metadata_api.h"
#include "metadata_streams.h"
#include "metadata_sync.h"
#include "state_book.h"

namespace {

void check_page(const fullstory::MetadataStream& stream, std::string_view text) {
  fullstory::MetadataPage page;
  try {
    page = fullstory::parse_metadata_page(stream, text);
  } catch (const std::runtime_error&) {
    return;
  }
  for (const auto& item : page.items) {
    if (!item.is_object()) continue;  // MetadataApi refuses it
    const auto record = nlohmann::ordered_json::parse(fullstory::metadata_record(stream, item, {}));
    fuzz::check(record.is_object(), "a record is an object");
    for (const auto& [name, value] : item.items()) {
      fuzz::check(record.contains(name), "a record keeps every member of its item");
    }
  }
}

void check_state(std::string_view text) {
  fullstory::StateBook book(text);
  for (const fullstory::MetadataStream& stream : fullstory::metadata_streams()) {
    try {
      fullstory::check_metadata_bookmark(book, stream);
    } catch (const etl::Error& error) {
      fuzz::check(error.code() == ETL_E_INVALID_STATE, "a bookmark that is refused is ETL_E_INVALID_STATE");
    }
  }
  const std::string committed = book.commit("users", {{"records", 1}});
  const fullstory::StateBook again(committed);
  const auto* users = again.bookmark("users");
  fuzz::check(users != nullptr && (*users)["records"] == 1, "a committed bookmark reads back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text = fuzz::text_of(data + 1, size - 1);
  const auto streams = fullstory::metadata_streams();
  if (data[0] < streams.size()) {
    check_page(streams[data[0]], text);
  } else {
    check_state(text);
  }
  return 0;
}
