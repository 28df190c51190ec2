#include "checkpoint.h"

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "file_names.h"

namespace etl_csv {
namespace {

constexpr int kVersion = 1;

[[noreturn]] void reject(const std::string& what) {
  throw etl::Error(ETL_E_INVALID_STATE, "checkpoint: " + what +
                                            ". The state file does not hold a checkpoint of this csv sink; restore the "
                                            "state file that belongs to this output directory, or start without one.");
}

}  // namespace

Checkpoint parse_checkpoint(std::string_view text) {
  const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) reject("expected a JSON object");
  if (!json.contains("version") || json["version"] != kVersion) {
    reject("expected \"version\": " + std::to_string(kVersion) + ", found " +
           (json.contains("version") ? json["version"].dump() : std::string("no version")));
  }
  Checkpoint out;
  if (!json.contains("output_dir") || !json["output_dir"].is_string()) {
    reject("expected \"output_dir\" to be a string");
  }
  out.output_dir = json["output_dir"].get<std::string>();
  if (!json.contains("files") || !json["files"].is_object()) reject("expected \"files\" to be an object");
  for (const auto& [name, length] : json["files"].items()) {
    if (!is_csv_file_name(name)) reject("\"" + name + "\" is not the name of a .csv file");
    if (!length.is_number_unsigned()) {
      reject("expected the length of \"" + name + "\" to be a non-negative integer, found " + length.dump());
    }
    out.files.emplace(name, length.get<uint64_t>());
  }
  return out;
}

namespace detail {

void append_checkpoint_head(std::string& out, std::string_view output_dir) {
  out += "{\"version\":";
  out += std::to_string(kVersion);
  out += ",\"output_dir\":";
  etl::append_json_string(out, output_dir);
  out += ",\"files\":{";
}

void append_checkpoint_file(std::string& out, bool first, std::string_view name, uint64_t length) {
  if (!first) out += ',';
  etl::append_json_string(out, name);
  out += ':';
  out += std::to_string(length);
}

void append_checkpoint_tail(std::string& out) { out += "}}"; }

}  // namespace detail

}  // namespace etl_csv
