#include "header_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "etlhost/plugin.hpp"

namespace etl_csv {
namespace {

// A header longer than this is not a header we wrote; refuse rather than read a huge file.
constexpr uint64_t kMaxHeaderBytes = uint64_t{16} << 20;
constexpr size_t kReadChunk = 64 * 1024;

std::string delimiter_text(char delimiter) {
  return delimiter == '\t' ? "'\\t' (TAB)" : std::string("'") + delimiter + "'";
}

}  // namespace

char written_with_other_delimiter(const std::vector<std::string>& columns, char configured,
                                  const std::vector<std::string>& expected) {
  if (columns.size() != 1 || expected.empty()) return 0;
  for (const char candidate : {',', ';', '\t', '|'}) {
    if (candidate == configured) continue;
    CsvHeader split;
    if (!parse_csv_header(columns[0] + "\n", candidate, split) || split.columns.size() < 2) continue;
    const bool all_there = std::all_of(expected.begin(), expected.end(), [&](const std::string& column) {
      return std::find(split.columns.begin(), split.columns.end(), column) != split.columns.end();
    });
    if (all_there) return candidate;
  }
  return 0;
}

std::string other_delimiter_message(const std::string& file_name, char written, char configured) {
  return file_name + " was written with delimiter " + delimiter_text(written) + " but the config says " +
         delimiter_text(configured) +
         ": its header is one cell with this delimiter. Nothing was changed. Set the csv "
         "option delimiter back to " +
         delimiter_text(written) +
         ", or move the file out of the output directory (or "
         "run with --full-refresh to replace the output) to change it.";
}

bool parse_csv_header(std::string_view text, char delimiter, CsvHeader& out) {
  out.columns.assign(1, std::string());
  bool in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& cell = out.columns.back();
    if (in_quotes) {
      if (c != '"') {
        cell.push_back(c);
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == delimiter) {
      out.columns.emplace_back();
    } else if (c == '\n') {
      const bool crlf = !cell.empty() && cell.back() == '\r';
      if (crlf) cell.pop_back();
      out.line_terminator = crlf ? "\r\n" : "\n";
      return true;
    } else {
      cell.push_back(c);
    }
  }
  return false;
}

CsvHeader read_csv_header(int fd, uint64_t file_size, char delimiter, const std::string& file_name) {
  std::string text;
  CsvHeader header;
  const uint64_t limit = std::min(file_size, kMaxHeaderBytes);
  while (text.size() < limit) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, limit - text.size()));
    const size_t old_size = text.size();
    text.resize(old_size + want);
    const ssize_t got = ::pread(fd, text.data() + old_size, want, static_cast<off_t>(old_size));
    if (got < 0 && errno == EINTR) {
      text.resize(old_size);
      continue;
    }
    if (got < 0) {
      const int error = errno;
      throw etl::Error(ETL_E_IO, "cannot read the header of " + file_name + ": " + std::strerror(error), error);
    }
    text.resize(old_size + static_cast<size_t>(got));
    if (got == 0) break;
    // Re-parsing from the start is fine: headers are short, and this runs once per file.
    if (parse_csv_header(text, delimiter, header)) return header;
  }
  throw etl::Error(ETL_E_INVALID_STATE, file_name + " does not start with a complete header line (" +
                                            std::to_string(file_size) +
                                            " bytes, no line break after the header). It was probably cut short by an "
                                            "interrupted run without a state file; move it out of the output directory "
                                            "and run again.");
}

}  // namespace etl_csv
