#include "column_index.h"

namespace etl_csv {

// Keys beyond this position are looked up by hash every time; records that wide are rare
// and the memo must not grow without bound on hostile input.
constexpr size_t kMaxRememberedPositions = 4096;

ColumnIndex::ColumnIndex(const std::vector<std::string>& header, std::string_view extras_column)
    : column_count_(header.size()) {
  for (size_t i = 0; i < header.size(); ++i) {
    const int column = static_cast<int>(i);
    if (header[i] == extras_column) {
      if (extras_column_ == kNoColumn) extras_column_ = column;
    } else {
      by_name_.emplace(header[i], column);  // a duplicated header name: the first one wins
    }
  }
}

int ColumnIndex::remember(std::string_view key, size_t position) {
  const auto it = by_name_.find(key);
  const int column = it == by_name_.end() ? kNoColumn : it->second;
  if (position < last_keys_.size()) {
    last_keys_[position].key.assign(key);
    last_keys_[position].column = column;
  } else if (position == last_keys_.size() && position < kMaxRememberedPositions) {
    last_keys_.push_back(SeenKey{std::string(key), column});
  }
  return column;
}

}  // namespace etl_csv
