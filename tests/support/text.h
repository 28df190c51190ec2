// Small text checks the suites share.
#pragma once

#include <string>

namespace etltest {

/// True when `needle` occurs anywhere in `haystack`.
bool contains(const std::string& haystack, const std::string& needle);

}  // namespace etltest
