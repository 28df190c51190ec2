#include "row_relayout.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "etlhost/plugin.hpp"

namespace etl_csv {
namespace {

// Large enough that reading costs a few system calls per megabyte.
constexpr size_t kReadChunk = 1024 * 1024;

struct Span {
  size_t begin;
  size_t end;
};

enum class Parse { kComplete, kNeedMore, kMalformed };

// One RFC 4180 record of `text` from `at`: the raw span of each cell (quotes included) and
// of the line terminator. kNeedMore when `text` ends before the record does.
struct RecordScanner {
  char delimiter;
  std::vector<Span> cells;
  Span terminator{0, 0};
  std::string problem;

  Parse scan(std::string_view text, size_t at) {
    cells.clear();
    size_t cell_start = at;
    size_t i = at;
    while (true) {
      if (i == text.size()) return Parse::kNeedMore;
      if (i == cell_start && text[i] == '"') {
        const Parse quoted = skip_quoted(text, i);
        if (quoted != Parse::kComplete) return quoted;
      }
      while (i < text.size() && text[i] != delimiter && text[i] != '\n') ++i;
      if (i == text.size()) return Parse::kNeedMore;
      if (text[i] == delimiter) {
        cells.push_back({cell_start, i});
        cell_start = ++i;
        continue;
      }
      const size_t end = i > cell_start && text[i - 1] == '\r' ? i - 1 : i;
      cells.push_back({cell_start, end});
      terminator = {end, i + 1};
      return Parse::kComplete;
    }
  }

  // From the opening quote at `i` to just after the closing one.
  Parse skip_quoted(std::string_view text, size_t& i) {
    for (++i;; i += 2) {
      const size_t quote = text.find('"', i);
      if (quote == std::string_view::npos || quote + 1 == text.size()) return Parse::kNeedMore;
      i = quote;
      if (text[quote + 1] == '"') continue;  // a doubled quote inside the cell
      ++i;
      if (text[i] != delimiter && text[i] != '\r' && text[i] != '\n') {
        problem = "a quoted cell goes on after its closing quote";
        return Parse::kMalformed;
      }
      return Parse::kComplete;
    }
  }
};

// Reads the input in chunks, keeping the unparsed rest of the last one.
class ChunkReader {
 public:
  ChunkReader(int fd, uint64_t length, const std::string& name) : fd_(fd), length_(length), name_(name) {}

  std::string_view text() const { return {buffer_.data() + consumed_, buffer_.size() - consumed_}; }
  bool at_end() const { return offset_ == length_; }
  void consume(size_t bytes) { consumed_ += bytes; }

  void read_more() {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
    const size_t want = static_cast<size_t>(
        std::min<uint64_t>(std::max(kReadChunk, buffer_.size()), length_ - offset_));
    const size_t old_size = buffer_.size();
    buffer_.resize(old_size + want);
    size_t got_total = 0;
    while (got_total < want) {
      const ssize_t got = ::pread(fd_, buffer_.data() + old_size + got_total, want - got_total,
                                  static_cast<off_t>(offset_ + got_total));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        const int error = got < 0 ? errno : EIO;
        throw etl::Error(ETL_E_IO, "cannot read " + name_ + ": " + std::strerror(error), error);
      }
      got_total += static_cast<size_t>(got);
    }
    offset_ += want;
  }

 private:
  int fd_;
  uint64_t length_;
  const std::string& name_;
  std::string buffer_;
  size_t consumed_ = 0;
  uint64_t offset_ = 0;
};

// Appends one record in `layout` to `out`; the header's new cells get their names.
void write_record(std::string_view text, const RecordScanner& record, const RowLayout& layout, bool is_header,
                  std::string& out) {
  size_t next_new = 0;
  for (size_t o = 0; o < layout.sources.size(); ++o) {
    if (o > 0) out.push_back(record.delimiter);
    const int source = layout.sources[o];
    if (source != RowLayout::kNewCell) {
      const Span cell = record.cells[static_cast<size_t>(source)];
      out.append(text.substr(cell.begin, cell.end - cell.begin));
    } else if (is_header) {
      out += layout.new_header_cells[next_new++];
    }
  }
  out.append(text.substr(record.terminator.begin, record.terminator.end - record.terminator.begin));
}

// A cell the layout drops that holds something: narrowing would lose it.
bool drops_a_value(const RecordScanner& record, const std::vector<bool>& kept) {
  for (size_t i = 0; i < record.cells.size(); ++i) {
    if (!kept[i] && record.cells[i].end > record.cells[i].begin) return true;
  }
  return false;
}

}  // namespace

RowLayout widening_layout(size_t header_cells, size_t at, std::vector<std::string> new_cells) {
  RowLayout layout;
  layout.input_cells = header_cells;
  for (size_t i = 0; i < header_cells; ++i) {
    if (i == at) layout.sources.insert(layout.sources.end(), new_cells.size(), RowLayout::kNewCell);
    layout.sources.push_back(static_cast<int>(i));
  }
  if (at >= header_cells) layout.sources.insert(layout.sources.end(), new_cells.size(), RowLayout::kNewCell);
  layout.new_header_cells = std::move(new_cells);
  return layout;
}

std::optional<RowLayout> narrowing_layout(const std::vector<std::string>& from, const std::vector<std::string>& to) {
  RowLayout layout;
  layout.input_cells = from.size();
  size_t next = 0;
  for (const auto& column : to) {
    while (next < from.size() && from[next] != column) ++next;
    if (next == from.size()) return std::nullopt;
    layout.sources.push_back(static_cast<int>(next++));
  }
  return layout;
}

RewriteResult rewrite_rows(int in_fd, uint64_t in_length, const std::string& in_name, const RowLayout& layout,
                           char delimiter, StreamFile& out, std::optional<uint64_t> stop_at) {
  std::vector<bool> kept(layout.input_cells, false);
  for (const int source : layout.sources) {
    if (source != RowLayout::kNewCell) kept[static_cast<size_t>(source)] = true;
  }
  RewriteResult result;
  RecordScanner record{delimiter, {}, {}, {}};
  ChunkReader input(in_fd, in_length, in_name);
  std::string row;
  auto fail = [&](const std::string& what) {
    const std::string where = result.bytes_written == 0
                                  ? std::string("the header")
                                  : "line " + std::to_string(result.rows + 1) + " after the header";
    result.problem = in_name + ", " + where + ": " + what;
    return result;
  };
  while (!stop_at || result.bytes_written < *stop_at) {
    if (input.text().empty() && input.at_end()) {
      if (stop_at) return fail("the file ends before the committed length, " + std::to_string(*stop_at) + " bytes");
      return result;
    }
    const Parse parsed = record.scan(input.text(), 0);
    if (parsed == Parse::kMalformed) return fail(record.problem);
    if (parsed == Parse::kNeedMore) {
      if (input.at_end()) return fail("the last row does not end with a line break");
      input.read_more();
      continue;
    }
    if (record.cells.size() != layout.input_cells) {
      return fail(std::to_string(record.cells.size()) + " cells where the header has " +
                  std::to_string(layout.input_cells));
    }
    const bool is_header = result.bytes_written == 0;
    if (!is_header && drops_a_value(record, kept)) return fail("a value in a column the committed header lacks");
    row.clear();
    write_record(input.text(), record, layout, is_header, row);
    if (stop_at && result.bytes_written + row.size() > *stop_at) return fail("no row ends at the committed length");
    out.append(row);
    result.bytes_written += row.size();
    result.rows += is_header ? 0 : 1;
    input.consume(record.terminator.end);
  }
  return result;
}

}  // namespace etl_csv
