#include "csv_cell_writer.h"

#include <cstring>

namespace etl_csv {

CsvCellWriter::CsvCellWriter(char delimiter) : delimiter_(delimiter) {
  special_[static_cast<unsigned char>(delimiter)] = true;
  special_['"'] = true;
  special_['\r'] = true;
  special_['\n'] = true;
}

char* CsvCellWriter::write(char* out, std::string_view text) const noexcept {
  using namespace byte_scan;
  // One pass for the common case: copy eight bytes at a time while checking them, and
  // start over with quotes only when a special byte shows up.
  char* const cell_start = out;
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p == end) return write_quoted(out, text);  // "" tells an empty string from a null
  for (; end - p >= 8; p += 8, out += 8) {
    const uint64_t word = load8(p);
    if (special_bytes(word) != 0) return write_quoted(cell_start, text);
    std::memcpy(out, &word, 8);
  }
  for (; p < end; ++p) {
    if (special_[static_cast<unsigned char>(*p)]) return write_quoted(cell_start, text);
    *out++ = *p;
  }
  return out;
}

char* CsvCellWriter::write_quoted(char* out, std::string_view text) noexcept {
  using namespace byte_scan;
  *out++ = '"';
  const char* p = text.data();
  const char* const end = p + text.size();
  // Copy eight bytes at a time up to each '"', which is written twice.
  while (end - p >= 8) {
    const uint64_t quotes = bytes_equal(load8(p), '"');
    const size_t run = quotes == 0 ? 8 : first_flagged(quotes) + 1;
    std::memcpy(out, p, run);
    out += run;
    p += run;
    if (quotes != 0) *out++ = '"';
  }
  for (; p < end; ++p) {
    *out++ = *p;
    if (*p == '"') *out++ = '"';
  }
  *out++ = '"';
  return out;
}

void CsvCellWriter::append(std::string& out, std::string_view text) const {
  const size_t old_size = out.size();
  out.resize(old_size + max_size(text.size()));
  char* const end = write(out.data() + old_size, text);
  out.resize(static_cast<size_t>(end - out.data()));
}

}  // namespace etl_csv
