// The managed-target tests' tools: the real etlhost running demo -> singer with the test
// target (tests/support/singer_target.cpp) as its --target, and readers for what the
// target loaded and what the state file committed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "files.h"
#include "process.h"

namespace singertest {

/// One run's parts, in one temporary directory.
struct TargetRun {
  int64_t records = 1000;          // demo.records, per stream
  int64_t state_every = 100;       // demo.state_every
  std::string target_options;      // e.g. "--batch 100 --fail-at-end"
  std::vector<std::string> extra;  // more etlhost arguments
};

class Workspace {
 public:
  /// The etlhost arguments of run number `n` (its target loads into loaded_path(n)).
  std::vector<std::string> arguments(const TargetRun& run, int n) const;
  /// Runs etlhost to its end.
  etltest::ProcessResult run(const TargetRun& run, int n) const;
  /// Starts etlhost (for signals).
  etltest::Process start(const TargetRun& run, int n) const;

  std::string state_path() const { return dir_.file("state.json"); }
  std::string loaded_path(int n) const { return dir_.file("loaded." + std::to_string(n)); }
  std::string pid_path(int n) const { return dir_.file("target.pid." + std::to_string(n)); }
  std::string file(const std::string& name) const { return dir_.file(name); }

 private:
  etltest::TempDir dir_;
};

/// Runs the real etlhost with `args` to its end, plugins found next to it.
etltest::ProcessResult run_etlhost(const std::vector<std::string>& args);

/// The test target's command line: the binary, --loaded FILE, then `options`.
std::string target_command(const std::string& loaded_path, const std::string& options);

/// Record ids per stream, in the order the target of run `path` loaded them.
std::map<std::string, std::vector<int64_t>> loaded_ids(const std::string& path);
/// The committed source state per stream ("customers" -> n); empty without a state file.
std::map<std::string, int64_t> committed(const std::string& state_path);
/// Checks every id 1..state[stream] is among `loaded` (what the state says is delivered is).
void check_state_is_loaded(const std::map<std::string, int64_t>& state,
                           const std::vector<std::map<std::string, std::vector<int64_t>>>& loaded);
/// Checks ids 1..records of both streams are all among `loaded` (nothing lost).
void check_everything_loaded(int64_t records, const std::vector<std::map<std::string, std::vector<int64_t>>>& loaded);

/// Waits (up to 60 s) until the process whose pid is in `pid_path` has ended; an orphaned
/// target is not our child, so it is watched through /proc.
void wait_for_target_exit(const std::string& pid_path);

}  // namespace singertest
