#include "sink_config.h"

#include <filesystem>

namespace etl_csv {
namespace {

std::string printable(const std::string& text) {
  std::string out;
  etl::append_json_string(out, text);
  return out;
}

[[noreturn]] void reject(const std::string& key, const std::string& expected, const std::string& found) {
  throw etl::Error(ETL_E_INVALID_ARGUMENT, "config key '" + key + "': expected " + expected + ", found " + found);
}

}  // namespace

SinkConfig SinkConfig::from(const etl::Config& config) {
  SinkConfig out = kSinkConfig.read(config);

  const std::string dir = config.string("output_dir");
  if (dir.empty() || dir.find('\0') != std::string::npos) {
    reject("output_dir", "a non-empty directory path without NUL bytes", printable(dir));
  }
  out.output_dir_relative = std::filesystem::path(dir).is_relative();
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(dir, ec);
  if (ec) reject("output_dir", "a path that can be made absolute", printable(dir) + " (" + ec.message() + ")");
  out.output_dir = absolute.lexically_normal().string();
  // "out/" normalizes to "out/" (a trailing empty component); drop it so names compare.
  while (out.output_dir.size() > 1 && out.output_dir.back() == '/') out.output_dir.pop_back();

  const std::string delimiter = config.string("delimiter");
  const auto byte = delimiter.size() == 1 ? static_cast<unsigned char>(delimiter[0]) : 0u;
  if (delimiter.size() != 1 || byte >= 0x80 || byte == '"' || byte == '\r' || byte == '\n') {
    reject("delimiter", "exactly one ASCII character other than '\"', CR and LF", printable(delimiter));
  }
  out.delimiter = delimiter[0];

  const std::string terminator = config.string("line_terminator");
  if (terminator == "crlf") {
    out.line_terminator = "\r\n";
  } else if (terminator == "lf") {
    out.line_terminator = "\n";
  } else {
    reject("line_terminator", "\"crlf\" or \"lf\"", printable(terminator));
  }

  const std::string if_exists = config.string("if_exists");
  if (if_exists != "refuse" && if_exists != "append") {
    reject("if_exists", "\"refuse\" or \"append\"", printable(if_exists));
  }
  out.append_to_existing = if_exists == "append";
  return out;
}

}  // namespace etl_csv
