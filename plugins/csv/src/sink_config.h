// The csv sink's configuration: its table (spec, defaults, help), read once in create()
// and checked value by value. The host fills every default from the table before create().
#pragma once

#include <string>

#include "etlhost/plugin.hpp"

namespace etl_csv {

// No member has an initializer: every value comes from the config, defaults from kSinkConfig.
struct SinkConfig {
  /// Absolute and lexically normal, so the instance keeps meaning the same directory even
  /// if something later changes the process's current directory.
  std::string output_dir;            // absolute, normalized
  bool output_dir_relative = false;  // as the user gave it: resolved against the working directory
  char delimiter{};
  /// "\r\n" (RFC 4180) or "\n".
  std::string line_terminator;
  /// When false, flush() still hands every byte to the kernel (a killed process loses
  /// nothing) but does not wait for the disk (a power loss may).
  bool fsync{};
  /// if_exists: "append": a run without a committed checkpoint appends to the csv files
  /// already in output_dir; false ("refuse"): it refuses to, as the rows would be duplicates.
  bool append_to_existing{};

  /// Throws etl::Error(ETL_E_INVALID_ARGUMENT) naming the key, what was expected and found.
  static SinkConfig from(const etl::Config& config);
};

/// The config spec (the descriptor's config fields) and the reader of the plain keys; the
/// custom keys are checked and converted in SinkConfig::from.
inline constexpr etl::ConfigMap kSinkConfig{{
    etl::custom_key<SinkConfig>(ETL_CONFIG_STRING, "output_dir",
                                "Directory for the csv files, one per stream (<stream>.csv); created if missing. The "
                                "sink owns it: on restore it removes csv files the committed checkpoint does not list.")
        .defaults_to("output"),
    etl::custom_key<SinkConfig>(ETL_CONFIG_STRING, "delimiter",
                                "The cell separator: one ASCII character other than '\"', CR and LF.")
        .defaults_to(","),
    etl::custom_key<SinkConfig>(ETL_CONFIG_STRING, "line_terminator", "\"crlf\" (RFC 4180) or \"lf\".")
        .defaults_to("crlf"),
    etl::boolean_key<&SinkConfig::fsync>("fsync",
                                         "Make every checkpoint durable with fsync (true). false still survives a "
                                         "killed process, but a power loss may lose committed rows.")
        .defaults_to(true),
    etl::custom_key<SinkConfig>(ETL_CONFIG_STRING, "if_exists",
                                "What a run without a committed checkpoint (no --state, or a new state file) does "
                                "with csv files already in output_dir: \"refuse\" (they would get the rows again) "
                                "or \"append\" (e.g. when the source resumes from a state of its own).")
        .defaults_to("refuse"),
}};

}  // namespace etl_csv
