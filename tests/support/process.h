// Running a program from a test: arguments and environment in, stdout, stderr and the exit
// status out, with a generous timeout so a hung child fails the test instead of the suite.
//
//   auto result = etltest::run_process(etlhost_bin(), {"run", "demo", "to", "null"});
//   CHECK_MESSAGE(result.exit_code == 0, result.describe());
//
// For interaction (signals), start it and wait for a line on stderr:
//
//   auto process = etltest::Process::start(bin, args, options);
//   REQUIRE(process.wait_for_stderr("sent state 3", std::chrono::seconds(30)));
//   process.send_signal(SIGTERM);
//   auto result = process.wait();
//
// Children are spawned with posix_spawnp, default signal dispositions and an empty
// signal mask. Nothing is run through a shell. The helper ignores SIGPIPE in the test
// process (once), so feeding stdin to a child that exited early cannot kill the test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etltest {

struct ProcessOptions {
  /// Variables set (or replaced) in the child's environment.
  std::map<std::string, std::string> env;
  /// Variables removed from the child's environment.
  std::vector<std::string> unset_env;
  /// Start from an empty environment instead of the test's own (then `env` is all it gets).
  bool clear_env = false;
  /// The child's working directory; empty keeps the test's.
  std::string working_dir;
  /// Fed to the child's stdin, which is then closed. Unset: stdin is /dev/null.
  std::optional<std::string> stdin_text;
  /// Non-empty: the child's stdout goes to this file (created or truncated) instead of
  /// being captured, e.g. to test how a program reacts to stdout being a regular file.
  std::string stdout_path;
  /// Non-empty: the child's stderr goes to this file instead of being captured (a log the
  /// test reads at any time, without pumping a pipe).
  std::string stderr_path;
  /// After this long the child is killed with SIGKILL and the result says timed_out.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

struct ProcessResult {
  /// The exit status, or 128 + the signal number when a signal ended the child (as a shell
  /// reports it); -1 when it could not be started.
  int exit_code = -1;
  /// The signal that ended the child, 0 when it exited normally.
  int signal = 0;
  /// True when the child was killed because it outlived the timeout.
  bool timed_out = false;
  std::string out;
  std::string err;

  /// A one-paragraph summary for failing test messages: exit code, timeout, both outputs.
  std::string describe() const;
};

/// A running child process. Move-only; the destructor kills (SIGKILL) and reaps a child
/// that is still running, so a failing test never leaks processes.
class Process {
 public:
  /// Starts `program` (a path, or a name searched in PATH) with `args` (not including
  /// argv[0]). Throws std::runtime_error when it cannot be started.
  static Process start(const std::string& program, const std::vector<std::string>& args,
                       const ProcessOptions& options = {});

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  pid_t pid() const { return pid_; }
  /// True until the child has exited (checked without blocking).
  bool running();

  /// Sends `signal_number` to the child (no-op once it was reaped).
  void send_signal(int signal_number);

  /// Reads the child's output until stderr contains `needle` (true), or the child exits or
  /// `timeout` passes (false). What was read stays available in out()/err().
  bool wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout);
  /// Same for stdout.
  bool wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout);

  /// Waits for the child to exit, reading its output meanwhile. After the timeout (the
  /// options' timeout, counted from start, unless given here) it is killed with SIGKILL.
  ProcessResult wait(std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  Process() = default;
  /// Reads whatever is available, waiting up to `max_wait` for something to happen.
  void pump(std::chrono::milliseconds max_wait);
  void check_exit();
  void close_fds() noexcept;
  /// Kills and reaps a running child, closes the pipes.
  void reset() noexcept;
  bool wait_for(const std::string& stream, std::string_view needle, std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int in_fd_ = -1;
  std::string stdin_left_;
  std::string out_;
  std::string err_;
  std::chrono::steady_clock::time_point deadline_;
};

/// Starts `program`, waits for it, returns everything.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const ProcessOptions& options = {});

}  // namespace etltest
