// A managed Singer target: the child process `/bin/sh -c 'exec CMD'` with its stdin,
// stdout and stderr on pipes, in a process group of its own.
//
// Why its own group: Ctrl-C in a terminal then reaches etlhost only, which stops the
// source and closes the target's stdin, so the target loads what it has and acknowledges
// it instead of dying with it; and a stop after the grace period reaches the target's own
// children too. Every descriptor is O_CLOEXEC: only the child's 0, 1 and 2 cross exec.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace singer {

/// How a target ended, as a shell reports it.
struct TargetExit {
  int code = 0;    // exit status when signal == 0
  int signal = 0;  // the signal that ended it, 0 when it exited

  bool succeeded() const { return signal == 0 && code == 0; }
  /// The exit status a shell shows: the code, or 128 + the signal.
  int shell_status() const { return signal != 0 ? 128 + signal : code; }
  /// "exited with status 3", "was killed by signal 9 (SIGKILL)", "exited with status 127
  /// (command not found)".
  std::string describe() const;
};

class TargetProcess {
 public:
  /// Starts `command`. Throws etl::Error(ETL_E_DOWNSTREAM) when it cannot be started.
  explicit TargetProcess(const std::string& command);
  /// Kills (SIGKILL, the whole group) and reaps a target still running; closes the pipes.
  ~TargetProcess();
  TargetProcess(const TargetProcess&) = delete;
  TargetProcess& operator=(const TargetProcess&) = delete;

  /// Our ends: the target's stdin (non-blocking), stdout and stderr. -1 once closed.
  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }
  /// Closes the target's stdin: the end of the stream.
  void close_stdin() noexcept;

  /// Its exit, once it exited (reaped without blocking), else nullopt.
  std::optional<TargetExit> poll_exit();
  /// Waits until it exited or `deadline` passed.
  std::optional<TargetExit> wait_until(std::chrono::steady_clock::time_point deadline);
  /// Sends `signal_number` to the target's process group (no-op once it was reaped).
  void signal_group(int signal_number) noexcept;

 private:
  pid_t pid_ = -1;
  std::optional<TargetExit> exit_;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
};

}  // namespace singer
