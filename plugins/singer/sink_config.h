// The singer sink's configuration: its table (spec, defaults, help), read once in create().
#pragma once

#include <string>

#include "etlhost/plugin.hpp"

namespace singer {

// No member has an initializer: every value comes from the config, defaults from kSinkConfig.
struct SinkConfig {
  /// The managed target's command line (run as /bin/sh -c 'exec CMD'); empty: stdout.
  std::string target;
  /// Where the target's STATE lines are appended; empty: nowhere.
  std::string target_state_file;
  /// stdout mode only: flush() is the acknowledgement (etlhost 1.0's behaviour).
  bool commit_when_written{};

  /// Reads and checks the keys together. Throws etl::Error(ETL_E_INVALID_ARGUMENT).
  static SinkConfig from(const etl::Config& config);
};

inline constexpr etl::ConfigMap kSinkConfig{{
    etl::string_key<&SinkConfig::target>("target",
                                         "A Singer target command line, e.g. 'target-postgres --config target.json', "
                                         "run by /bin/sh. etlhost feeds it the stream and commits only the STATEs it "
                                         "emits back. Empty: write to stdout.")
        .defaults_to(""),
    etl::string_key<&SinkConfig::target_state_file>(
        "target_state_file", "With target: a file the target's STATE lines are appended to, as it emits them.")
        .defaults_to(""),
    etl::boolean_key<&SinkConfig::commit_when_written>(
        "commit_when_written",
        "Without target: commit --state once the stream is written to stdout (only for a reader you trust, such as "
        "a file). Default: stdout never advances the state.")
        .defaults_to(false),
}};

}  // namespace singer
