// The csv sink's configuration, read once in create() and checked value by value.
#pragma once

#include <string>

#include "etlhost/plugin.hpp"

namespace etl_csv {

struct SinkConfig {
  /// Absolute and lexically normal, so the instance keeps meaning the same directory even
  /// if something later changes the process's current directory.
  std::string output_dir;
  char delimiter = ',';
  /// "\r\n" (RFC 4180) or "\n".
  std::string line_terminator = "\r\n";
  /// When false, flush() still hands every byte to the kernel (a killed process loses
  /// nothing) but does not wait for the disk (a power loss may).
  bool fsync = true;

  /// Throws etl::Error(ETL_E_INVALID_ARGUMENT) naming the key, what was expected and found.
  static SinkConfig from(const etl::Config& config);
};

}  // namespace etl_csv
