// Maps the keys of a record to the columns of the file its rows go to.
//
// Records of one stream nearly always list their keys in the same order, so the index
// first checks whether the key at position i is the key that was at position i in the
// previous record (one short memcmp) and only hashes on a miss.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "byte_scan.h"

namespace etl_csv {

class ColumnIndex {
 public:
  static constexpr int kNoColumn = -1;

  /// `header`: the file's columns. `extras_column`: the name of the column that collects
  /// undeclared keys; it is not a column for a key of that name (such a key is undeclared).
  ColumnIndex(const std::vector<std::string>& header, std::string_view extras_column);

  size_t column_count() const noexcept { return column_count_; }
  /// The extras column's position in the header, or kNoColumn when the file has none.
  int extras_column() const noexcept { return extras_column_; }

  /// The column of `key`, which is the `position`-th key of the record; kNoColumn if none.
  int column_of(std::string_view key, size_t position) {
    if (position < last_keys_.size()) {
      const SeenKey& seen = last_keys_[position];
      if (seen.key.size() == key.size() && byte_scan::equal(seen.key.data(), key.data(), key.size())) {
        return seen.column;
      }
    }
    return remember(key, position);
  }

 private:
  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };
  int remember(std::string_view key, size_t position);

  struct SeenKey {
    std::string key;
    int column;
  };
  std::unordered_map<std::string, int, TransparentHash, std::equal_to<>> by_name_;
  std::vector<SeenKey> last_keys_;
  size_t column_count_;
  int extras_column_ = kNoColumn;
};

}  // namespace etl_csv
