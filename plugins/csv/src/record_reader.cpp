#include "record_reader.h"

#include "json_text.h"

namespace etl_csv {

using json::JsonSyntaxError;

size_t RecordReader::read(std::string_view record, ColumnIndex& columns, std::vector<Cell>& cells) {
  const char* p = record.data();
  const char* const end = p + record.size();
  cells.assign(columns.column_count(), Cell{});
  // Every decoded or compacted value is no longer than its raw text, so reserving the
  // record's size up front means views into decoded_ never move while we fill it.
  decoded_.clear();
  decoded_.reserve(record.size());
  extras_.clear();
  size_t dropped = 0;

  p = json::skip_whitespace(p, end);
  if (p >= end || *p != '{') throw JsonSyntaxError("expected a JSON object", p);
  p = json::skip_whitespace(p + 1, end);
  if (p < end && *p == '}') {
    ++p;
  } else {
    for (size_t position = 0;; ++position) {
      if (p >= end || *p != '"') throw JsonSyntaxError("expected a quoted key", p);
      const char* const key_start = p;
      bool key_escapes = false;
      p = json::scan_string(p, end, key_escapes);
      const std::string_view raw_key(key_start, static_cast<size_t>(p - key_start));
      std::string_view key = raw_key.substr(1, raw_key.size() - 2);
      if (key_escapes) {
        key_.clear();
        json::unescape_string(key, key_);
        key = key_;
      }
      p = json::skip_whitespace(p, end);
      if (p >= end || *p != ':') throw JsonSyntaxError("expected ':' after a key", p);
      p = json::skip_whitespace(p + 1, end);

      const int column = columns.column_of(key, position);
      const bool wanted = column != ColumnIndex::kNoColumn;
      const char* const value_start = p;
      bool has_whitespace = false;
      Cell cell;
      if (p < end && *p == '"') {
        bool has_escapes = false;
        p = json::scan_string(p, end, has_escapes);
        const std::string_view body(value_start + 1, static_cast<size_t>(p - value_start - 2));
        cell = Cell{take_string(body, has_escapes, wanted), true};
      } else {
        p = json::scan_value(p, end, has_whitespace);
        const std::string_view raw(value_start, static_cast<size_t>(p - value_start));
        if (raw == "null") {
          cell = Cell{};
        } else if (has_whitespace && wanted) {
          const size_t offset = decoded_.size();
          json::append_compact(raw, decoded_);
          cell = Cell{std::string_view(decoded_).substr(offset), true};
        } else {
          cell = Cell{raw, true};
        }
      }

      if (wanted) {
        cells[static_cast<size_t>(column)] = cell;  // a repeated key: the last one wins
      } else if (columns.extras_column() != ColumnIndex::kNoColumn) {
        add_extra(raw_key, std::string_view(value_start, static_cast<size_t>(p - value_start)), has_whitespace);
      } else {
        ++dropped;
      }

      p = json::skip_whitespace(p, end);
      if (p < end && *p == ',') {
        p = json::skip_whitespace(p + 1, end);
        continue;
      }
      if (p < end && *p == '}') {
        ++p;
        break;
      }
      throw JsonSyntaxError("expected ',' or '}'", p);
    }
  }
  if (json::skip_whitespace(p, end) != end) throw JsonSyntaxError("unexpected text after the object", p);

  if (!extras_.empty()) {
    extras_.push_back('}');
    cells[static_cast<size_t>(columns.extras_column())] = Cell{extras_, true};
  }
  return dropped;
}

std::string_view RecordReader::take_string(std::string_view raw_body, bool has_escapes, bool wanted) {
  if (!has_escapes) return raw_body;
  const size_t offset = decoded_.size();
  // Decode even when the value is not wanted: it validates the escapes (lone surrogates).
  json::unescape_string(raw_body, decoded_);
  const std::string_view text = std::string_view(decoded_).substr(offset);
  if (!wanted) decoded_.resize(offset);
  return wanted ? text : std::string_view();
}

void RecordReader::add_extra(std::string_view raw_key, std::string_view raw_value, bool has_whitespace) {
  // Key and value keep their JSON spelling (escapes included): the extras cell is JSON.
  extras_.push_back(extras_.empty() ? '{' : ',');
  extras_.append(raw_key);
  extras_.push_back(':');
  if (has_whitespace) {
    json::append_compact(raw_value, extras_);
  } else {
    extras_.append(raw_value);
  }
}

std::string RecordReader::describe_error(std::string_view record, const char* problem, const char* position) {
  const size_t offset = position >= record.data() && position <= record.data() + record.size()
                            ? static_cast<size_t>(position - record.data())
                            : 0;
  std::string excerpt(record.substr(offset, 40));
  for (char& c : excerpt) {
    // Keep the message plain ASCII: the excerpt may end inside a UTF-8 sequence.
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return std::string(problem) + " at byte " + std::to_string(offset) + " of " + std::to_string(record.size()) +
         " (near \"" + excerpt + "\")";
}

}  // namespace etl_csv
