#include "file_names.h"

#include "etlhost/plugin.hpp"

namespace etl_csv {
namespace {

constexpr std::string_view kSuffix = ".csv";
// A bound that keeps generation numbers far from overflow; no stream gets near it.
constexpr uint32_t kMaxGeneration = 1'000'000;

bool is_name_byte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/// Parses a generation number as generation_file_name writes it: decimal, no leading zero,
/// from 2 up. Returns 0 for anything else.
uint32_t parse_generation(std::string_view digits) {
  if (digits.empty() || digits.size() > 7 || digits[0] == '0') return 0;
  uint32_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  return value >= 2 && value <= kMaxGeneration ? value : 0;
}

}  // namespace

void check_stream_name(std::string_view stream) {
  const std::string quoted = "'" + std::string(stream.substr(0, 200)) + "'";
  if (stream.empty() || stream == "." || stream == "..") {
    throw etl::Error(ETL_E_INVALID_DATA, "stream name " + quoted + " cannot name a file");
  }
  for (char c : stream) {
    if (!is_name_byte(c)) {
      throw etl::Error(ETL_E_INVALID_DATA,
                       "stream name " + quoted + ": expected only the characters A-Z a-z 0-9 _ . -");
    }
  }
  const size_t dot = stream.rfind('.');
  if (dot != std::string_view::npos && parse_generation(stream.substr(dot + 1)) != 0) {
    throw etl::Error(ETL_E_INVALID_DATA, "stream name " + quoted + " ends in '." + std::string(stream.substr(dot + 1)) +
                                             "', but " + std::string(stream) + ".csv is the name of generation " +
                                             std::string(stream.substr(dot + 1)) + " of stream '" +
                                             std::string(stream.substr(0, dot)) +
                                             "'; rename the stream (e.g. with '_' instead of the last '.')");
  }
}

std::string generation_file_name(std::string_view stream, uint32_t generation) {
  std::string name(stream);
  if (generation > 1) {
    name += '.';
    name += std::to_string(generation);
  }
  name += kSuffix;
  return name;
}

uint32_t generation_of(std::string_view file_name, std::string_view stream) {
  if (file_name.size() < stream.size() + kSuffix.size() || !file_name.starts_with(stream) ||
      !file_name.ends_with(kSuffix)) {
    return 0;
  }
  const std::string_view middle = file_name.substr(stream.size(), file_name.size() - stream.size() - kSuffix.size());
  if (middle.empty()) return 1;
  if (middle[0] != '.') return 0;
  return parse_generation(middle.substr(1));
}

std::string rewrite_temp_name(std::string_view file_name) { return "." + std::string(file_name) + ".rewrite"; }

bool is_csv_file_name(std::string_view file_name) {
  return file_name.size() > kSuffix.size() && file_name.ends_with(kSuffix) &&
         file_name.find('/') == std::string_view::npos;
}

}  // namespace etl_csv
