// Small text checks the suites share.
#pragma once

#include <cstddef>
#include <string>

namespace etltest {

/// True when `needle` occurs anywhere in `haystack`.
bool contains(const std::string& haystack, const std::string& needle);
/// How often `needle` occurs in `text` (overlapping occurrences counted).
size_t occurrences(const std::string& text, const std::string& needle);

}  // namespace etltest
