// shaping.h: the unit tests' way to shape records: one record at a time through the real
// validator, shaper and schema, as BundleReader runs them.
#pragma once

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "event_validator.h"
#include "events_schema.h"
#include "json_array_splitter.h"
#include "record_shaper.h"

namespace fstest {

// Runs `event` through the validator and the shaper as BundleReader does.
class Shaping {
 public:
  explicit Shaping(fullstory::StreamSpec spec, std::set<std::string> deselected = {})
      : schema(std::move(spec), std::move(deselected), [this](const std::string& line) { warnings.push_back(line); }),
        shaper(schema) {}
  // The Data Export events stream with this key.
  explicit Shaping(std::string key, std::set<std::string> deselected = {})
      : Shaping(fullstory::events_spec(fullstory::ExportApiKind::kDataExport, false, std::move(key)),
                std::move(deselected)) {}

  std::string shape(const std::string& event, int64_t bundle = 7, uint64_t position = 0) {
    padded_ = event + std::string(fullstory::JsonArraySplitter::kTailPadding, ' ');
    const std::string_view view(padded_.data(), event.size());
    shaper.begin_event();
    const auto problem = validator_.problem(view, &shaper);
    REQUIRE_MESSAGE(!problem, *problem);
    return std::string(shaper.shape(view, bundle, position));
  }
  nlohmann::json properties() { return nlohmann::json::parse(schema.message())["schema"]["properties"]; }

  std::vector<std::string> warnings;
  fullstory::StreamSchema schema;
  fullstory::RecordShaper shaper;

 private:
  fullstory::EventValidator validator_;
  std::string padded_;
};

}  // namespace fstest
