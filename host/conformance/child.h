// Isolation for the conformance kit: every check that calls plugin code runs in a forked
// child, so a crash, an exit() or a hang in the plugin ends the child, not the kit.
//
// Before each plugin call the child writes a breadcrumb into a page shared with the kit:
// the callback's name and the time by which it must return. When the child dies or the
// deadline passes, the kit reads the breadcrumb and reports "crashed with SIGSEGV in
// sink.write()" or "source.sync() did not return within 10 s of cancellation".
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace etlhost::conformance {

/// Marks a plugin call in the child: sets the breadcrumb and the call's deadline, and puts
/// the previous ones back when it goes out of scope. A no-op outside a child.
class CallScope {
 public:
  CallScope(const char* call, double timeout_s);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  bool active_ = false;
  char saved_call_[64] = {};
  char saved_note_[96] = {};
  int64_t saved_deadline_ms_ = 0;
  int64_t saved_limit_ms_ = 0;
};

/// Replaces the current call's deadline: it must return within `seconds` from now, and a
/// timeout is reported with `note` appended ("of cancellation"). No-op outside a child.
void set_call_deadline(double seconds, const char* note);

/// The name of the plugin call the child is in ("" between calls). For messages.
std::string current_call();

struct ChildOutcome {
  enum class Kind {
    kCompleted,  // the body ran to its end; `result` holds what it returned
    kCrashed,    // a signal ended the child
    kExited,     // the child exited without a result: exit() / _exit() in the plugin
    kTimedOut,   // a call outlived its deadline (or the whole check its budget); killed
  };
  Kind kind = Kind::kCompleted;
  nlohmann::json result;
  int signal = 0;
  int exit_code = 0;
  std::string call;  // the breadcrumb when the child ended: "sink.write()" or ""
  std::string note;  // the deadline's note, for kTimedOut
  double limit_s = 0;
  std::string stdout_path;  // what the child wrote to fd 1 and 2
  std::string stderr_path;

  bool completed() const { return kind == Kind::kCompleted; }
  /// "crashed with SIGSEGV in sink.write()", "source.create() called exit(3)",
  /// "source.sync() did not return within 10 s of cancellation".
  std::string describe() const;
  /// One sentence on how to fix what describe() reports.
  std::string advice() const;
};

struct ChildOptions {
  /// Where the child's stdout and stderr go (files, created). Required.
  std::string stdout_path;
  std::string stderr_path;
  /// Budget for the whole child, on top of the per-call deadlines.
  double overall_timeout_s = 600;
};

/// Forks, runs `body` in the child (fresh copy of this process, its own process group,
/// stdin /dev/null, stdout/stderr to files) and returns what happened. `body` returns a
/// JSON value that travels back over a pipe; exceptions it throws become
/// {"kit_error": what()}.
ChildOutcome run_in_child(const std::function<nlohmann::json()>& body, const ChildOptions& options);

/// "SIGSEGV", "SIGABRT", "signal 77".
std::string signal_text(int signal_number);

/// Installs SIGINT/SIGTERM/SIGHUP handlers in the kit: the first signal kills the running
/// child's process group (no plugin outlives a Ctrl-C) and is remembered, so the kit can
/// stop and clean up; a second one ends the kit at once.
void install_kit_signal_handlers();

/// The signal that asked the kit to stop, or 0.
int kit_stop_signal();

/// Runs a program (the kit's own `etlhost __conformance-run ...`) with stdout appended to
/// `stdout_path` and stderr to `stderr_path`, in its own process group, killed after
/// `timeout_s`. `environment` (name, value) is set for the program on top of the kit's.
struct SpawnResult {
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  bool timed_out = false;
  std::string stderr_text;
};
SpawnResult spawn_and_wait(const std::string& program, const std::vector<std::string>& args,
                           const std::string& stdout_path, const std::string& stderr_path, double timeout_s,
                           const std::vector<std::pair<std::string, std::string>>& environment = {});

/// The last `lines` lines of `text` (for failure explanations).
std::string tail_lines(const std::string& text, size_t lines);
/// The content of a file, at most `max_bytes` (empty when unreadable).
std::string read_text_file(const std::string& path, size_t max_bytes = 16u << 20);

}  // namespace etlhost::conformance
