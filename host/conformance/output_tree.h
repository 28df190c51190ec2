// The sink's output as the kit sees it (--output): a directory, one file, or the captured
// stdout. Snapshots are compared byte for byte and searched for record tokens.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace etlhost::conformance {

/// Relative path ("" for a single file) -> content.
using OutputSnapshot = std::map<std::string, std::string>;

/// Everything under `path` (a directory, recursively, or one file); empty when missing.
OutputSnapshot snapshot_output(const std::string& path);

/// Removes what is under `path`: the contents of a directory (the directory stays), or the
/// file. Throws std::runtime_error when something cannot be removed.
void clear_output(const std::string& path);

/// True when `path` does not exist or is an empty directory.
bool output_is_empty(const std::string& path);

/// The first difference between an expected and an actual snapshot, in words ("file
/// kit_people.csv: 1234 bytes, expected 1200; first difference at byte 1200 (line 31)"),
/// or nullopt when they are identical.
std::optional<std::string> first_difference(const OutputSnapshot& expected, const OutputSnapshot& actual);

/// Record tokens (synthetic_source.h) in every file of the snapshot.
std::map<std::string, int64_t> count_tokens(const OutputSnapshot& snapshot);

struct TokenComparison {
  int64_t expected_records = 0;  // distinct tokens in the reference
  int64_t lost = 0;              // occurrences the reference has and the output lacks
  int64_t duplicated = 0;        // occurrences the output has beyond the reference
  int64_t unexpected = 0;        // tokens the reference does not have at all
  std::string first_lost;        // a token, for the message
  std::string first_duplicated;
};
TokenComparison compare_tokens(const std::map<std::string, int64_t>& reference,
                               const std::map<std::string, int64_t>& actual);

/// Sum of the sizes of every file.
uint64_t snapshot_bytes(const OutputSnapshot& snapshot);

}  // namespace etlhost::conformance
