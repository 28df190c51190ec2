// The singer sink's managed target (config key `target`): starts the target command at the
// first write, feeds it the Singer stream, learns from its STATE output what is loaded,
// and at the end closes its stdin and waits for it. A target that fails (exits non-zero,
// dies by a signal, stops reading early) becomes etl::Error(ETL_E_DOWNSTREAM) naming the
// command, its exit status and its last stderr lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "etlhost/plugin.hpp"
#include "fd_writer.h"
#include "state_ledger.h"
#include "target_output.h"
#include "target_process.h"

namespace singer {

class ManagedTarget {
 public:
  /// `state_file` (may be empty): where the target's STATE lines are appended.
  ManagedTarget(const etl::Host& host, std::string command, std::string state_file);
  /// Kills and reaps a target still running, joins the reader.
  ~ManagedTarget();
  ManagedTarget(const ManagedTarget&) = delete;
  ManagedTarget& operator=(const ManagedTarget&) = delete;

  /// Runs `write_lines(FdWriter& input)`, starting the target first if it is not running.
  /// A closed stdin (the target stopped reading) becomes the target's failure.
  template <class WriteLines>
  void deliver(WriteLines&& write_lines);
  /// Numbers a STATE the sink is about to send (before its line reaches the target).
  void sending_state(std::string_view value_json) { ledger_.wrote(value_json); }
  /// Writes out what is buffered (nothing when the target was never started).
  void flush();
  /// Drops lines not yet written (a failed run's tail).
  void discard() noexcept;

  uint64_t acknowledged() const noexcept { return ledger_.acknowledged(); }
  /// The end of the stream: flushes, closes the target's stdin, waits for it to exit
  /// (`aborted`: at most a grace period, then SIGTERM, then SIGKILL) and reads its last
  /// output, so that acknowledged() is final. Throws ETL_E_DOWNSTREAM when it failed.
  void finish(bool aborted);

 private:
  struct Running;

  void start();
  FdWriter& input();
  void input_blocked();
  [[noreturn]] void closed_early();
  [[noreturn]] void fail(const std::string& what_happened, std::optional<TargetExit> exit);
  std::optional<TargetExit> wait_for_exit(bool aborted);
  std::string error_text(const std::string& what_happened) const;

  etl::Host host_;
  std::string command_;
  std::string name_;  // the command's program, for log lines
  std::string state_file_;
  StateLedger ledger_;
  std::unique_ptr<Running> running_;
  std::optional<std::string> failure_;                              // the failure already reported, once there was one
  std::optional<std::chrono::steady_clock::time_point> stop_seen_;  // when a blocked write saw the stop request
};

template <class WriteLines>
void ManagedTarget::deliver(WriteLines&& write_lines) {
  if (failure_) throw etl::Error(ETL_E_DOWNSTREAM, *failure_);
  if (!running_) start();
  try {
    write_lines(input());
  } catch (const etl::Error& error) {
    if (error.code() == ETL_E_CLOSED) closed_early();
    throw;
  }
}

}  // namespace singer
