#include "export_list.h"

#include <algorithm>
#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"

namespace fullstory {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw etl::Error(ETL_E_INVALID_DATA, "export/list answered with an unexpected body: " + what);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

int64_t integer_member(const nlohmann::json& entry, std::string_view name, size_t index) {
  for (const auto& [key, value] : entry.items()) {
    if (!equals_ignoring_case(key, name)) continue;
    if (value.is_number_integer() && !(value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX)) {
      return value.get<int64_t>();
    }
    // A number is short to quote; anything else is named by its type, never re-serialised
    // (an array nested 100k deep would overflow the stack in dump()).
    malformed("exports[" + std::to_string(index) + "]." + std::string(name) + " is " +
              (value.is_number() ? value.dump() : "of type " + std::string(value.type_name())) +
              ", expected an integer within int64");
  }
  malformed("exports[" + std::to_string(index) + "] has no " + std::string(name));
}

}  // namespace

ExportPage parse_export_page(std::string_view json) {
  const auto body = nlohmann::json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) malformed("not JSON");
  if (!body.is_object() || !body.contains("exports")) malformed("expected an object with an \"exports\" array");
  const auto& exports = body.at("exports");
  if (exports.is_null()) return ExportPage{};  // some servers write null for "none"
  if (!exports.is_array()) malformed("\"exports\" is " + std::string(exports.type_name()) + ", expected an array");

  ExportPage page;
  page.bundles.reserve(exports.size());
  for (size_t i = 0; i < exports.size(); ++i) {
    const auto& entry = exports[i];
    if (!entry.is_object()) malformed("exports[" + std::to_string(i) + "] is not an object");
    BundleRef bundle;
    bundle.id = integer_member(entry, "Id", i);
    bundle.start = integer_member(entry, "Start", i);
    bundle.stop = integer_member(entry, "Stop", i);
    page.bundles.push_back(bundle);
  }
  // Kept in the server's order: sorting would hide a list served newest first, which has
  // skipped every bundle between the bookmark and its oldest entry (ListingCheck refuses it).
  return page;
}

}  // namespace fullstory
