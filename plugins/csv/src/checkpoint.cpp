#include "checkpoint.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "file_names.h"

namespace etl_csv {
namespace {

// 2 added each file's header; 1 is still read.
constexpr int kVersion = 2;

[[noreturn]] void reject(const std::string& what) {
  throw etl::Error(ETL_E_INVALID_STATE, "checkpoint: " + what +
                                            ". The state file does not hold a checkpoint of this csv sink; restore the "
                                            "state file that belongs to this output directory, or start without one.");
}

uint64_t length_of(const std::string& name, const nlohmann::json& length) {
  if (!length.is_number_unsigned()) {
    reject("expected the length of \"" + name + "\" to be a non-negative integer, found " + length.dump());
  }
  return length.get<uint64_t>();
}

// Version 2: {"length":N} or {"length":N,"columns":["a","b"]}.
void read_file_entry(const std::string& name, const nlohmann::json& entry, Checkpoint& out) {
  if (!entry.is_object() || !entry.contains("length")) {
    reject("expected \"" + name + "\" to be an object with a \"length\", found " + entry.dump());
  }
  out.files.emplace(name, length_of(name, entry["length"]));
  if (!entry.contains("columns")) return;
  const auto& columns = entry["columns"];
  if (!columns.is_array() || columns.empty() ||
      !std::all_of(columns.begin(), columns.end(), [](const auto& column) { return column.is_string(); })) {
    reject("expected the columns of \"" + name + "\" to be a non-empty array of strings, found " + columns.dump());
  }
  out.columns.emplace(name, columns.get<FileColumns>());
}

}  // namespace

Checkpoint parse_checkpoint(std::string_view text) {
  const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) reject("expected a JSON object");
  const bool known_version = json.contains("version") && (json["version"] == 1 || json["version"] == kVersion);
  if (!known_version) {
    reject("expected \"version\": 1 or " + std::to_string(kVersion) + ", found " +
           (json.contains("version") ? json["version"].dump() : std::string("no version")));
  }
  Checkpoint out;
  if (!json.contains("output_dir") || !json["output_dir"].is_string()) {
    reject("expected \"output_dir\" to be a string");
  }
  out.output_dir = json["output_dir"].get<std::string>();
  if (!json.contains("files") || !json["files"].is_object()) reject("expected \"files\" to be an object");
  for (const auto& [name, entry] : json["files"].items()) {
    if (!is_csv_file_name(name)) reject("\"" + name + "\" is not the name of a .csv file");
    if (json["version"] == 1) {
      out.files.emplace(name, length_of(name, entry));
    } else {
      read_file_entry(name, entry, out);
    }
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

void append_checkpoint_file(std::string& out, bool first, std::string_view name, uint64_t length,
                            const FileColumns* columns) {
  if (!first) out += ',';
  etl::append_json_string(out, name);
  out += ":{\"length\":";
  out += std::to_string(length);
  if (columns != nullptr) {
    out += ",\"columns\":[";
    for (size_t i = 0; i < columns->size(); ++i) {
      if (i > 0) out += ',';
      etl::append_json_string(out, (*columns)[i]);
    }
    out += ']';
  }
  out += '}';
}

void append_checkpoint_tail(std::string& out) { out += "}}"; }

}  // namespace detail

}  // namespace etl_csv
