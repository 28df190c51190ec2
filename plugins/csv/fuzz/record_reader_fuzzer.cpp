// The RECORD reader on any line. Only json::JsonSyntaxError may come out. Properties:
// - a record a full JSON parser accepts as an object is read, and agrees with it: a key's
//   string value is its cell's text, null or absent is an empty cell, and a key without a
//   column lands in the extras object (which is itself valid JSON);
// - reading the same record twice (the key-order memo) gives the same cells.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "column_index.h"
#include "fuzz_check.h"
#include "json_text.h"
#include "record_reader.h"

namespace {

using namespace etl_csv;

const std::vector<std::string> kHeader = {"id", "name", "a", "b", "_extra"};

std::vector<std::string> texts(const std::vector<Cell>& cells) {
  std::vector<std::string> out;
  for (const Cell& cell : cells) out.push_back(cell.present ? "+" + std::string(cell.text) : "-");
  return out;
}

// nlohmann's view of the record, without recursion on deep input (nested at most 64 levels).
// nlohmann takes a NUL byte for the end of the text; the reader rightly refuses it.
nlohmann::json reference(std::string_view record) {
  if (record.find('\0') != std::string_view::npos) return nlohmann::json(nlohmann::json::value_t::discarded);
  const nlohmann::json::parser_callback_t shallow = [](int depth, nlohmann::json::parse_event_t event,
                                                       nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= 64) {
      throw std::length_error("deep");
    }
    return true;
  };
  try {
    return nlohmann::json::parse(record.begin(), record.end(), shallow);
  } catch (const std::exception&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

void check_agrees(const nlohmann::json& object, const std::vector<Cell>& cells, size_t dropped) {
  fuzz::check(dropped == 0, "with an extras column no key is dropped");
  for (size_t column = 0; column + 1 < kHeader.size(); ++column) {
    const auto value = object.find(kHeader[column]);
    const bool empty = value == object.end() || value->is_null();
    fuzz::check(cells[column].present == !empty, "null or absent is an empty cell, anything else is not");
    if (!empty && value->is_string()) {
      fuzz::check(cells[column].text == value->get_ref<const std::string&>(), "a string cell is the string's value");
    }
  }
  const Cell& extras = cells.back();
  if (extras.present) {
    fuzz::check(nlohmann::json::accept(extras.text.begin(), extras.text.end()), "the extras cell is valid JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record = fuzz::text_of(data, size);
  const nlohmann::json object = reference(record);
  ColumnIndex columns(kHeader, "_extra");
  RecordReader reader;
  std::vector<Cell> cells;
  size_t dropped = 0;
  try {
    dropped = reader.read(record, columns, cells);
  } catch (const json::JsonSyntaxError&) {
    fuzz::check(!object.is_object(), "a record that is a valid JSON object is read");
    return 0;
  }
  fuzz::check(cells.size() == kHeader.size(), "one cell per column");
  const auto first = texts(cells);
  if (object.is_object()) check_agrees(object, cells, dropped);
  reader.read(record, columns, cells);
  fuzz::check(texts(cells) == first, "the same record reads the same the second time");
  return 0;
}
