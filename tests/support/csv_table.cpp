#include "csv_table.h"

#include <stdexcept>

namespace etltest {

std::vector<CsvRow> parse_csv(const std::string& text, char delimiter) {
  std::vector<CsvRow> rows;
  CsvRow row;
  CsvCell cell;
  size_t i = 0;
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("csv: " + what + " at byte " + std::to_string(i));
  };
  while (i < text.size()) {
    if (text[i] == '"') {
      if (!cell.text.empty() || cell.quoted) fail("quote inside an unquoted cell");
      cell.quoted = true;
      ++i;
      while (true) {
        if (i >= text.size()) fail("unterminated quoted cell");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell.text.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.text.push_back(text[i++]);
      }
      if (i < text.size() && text[i] != delimiter && text[i] != '\r') fail("text after a closing quote");
      continue;
    }
    if (text[i] == delimiter) {
      row.push_back(std::move(cell));
      cell = CsvCell{};
      ++i;
    } else if (text[i] == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') fail("CR without LF outside quotes");
      row.push_back(std::move(cell));
      cell = CsvCell{};
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else if (text[i] == '\n') {
      fail("bare LF outside quotes (rows must end with CRLF)");
    } else {
      if (cell.quoted) fail("text after a closing quote");
      cell.text.push_back(text[i++]);
    }
  }
  if (!row.empty() || !cell.text.empty() || cell.quoted) fail("last row not terminated by CRLF");
  return rows;
}

}  // namespace etltest
