// Stop requests. SIGINT/SIGTERM set a flag that plugins poll (is_cancelled) and the
// emitter checks; a second signal while stopping exits at once. SIGPIPE is ignored so a
// closed stdout shows up as EPIPE in the singer sink instead of killing the process.
#pragma once

#include <atomic>

namespace etlhost {

/// A stop request: 0 while running, then the number of the signal that asked to stop.
/// Lock-free, so the signal handler may set it.
class CancelFlag {
 public:
  void request(int signal_number) noexcept { signal_.store(signal_number); }
  bool requested() const noexcept { return signal_.load(std::memory_order_relaxed) != 0; }
  int signal_number() const noexcept { return signal_.load(); }

 private:
  friend void handle_stop_signal(int) noexcept;
  std::atomic<int> signal_{0};
  static_assert(std::atomic<int>::is_always_lock_free);
};

/// The process-wide flag the signal handlers set.
CancelFlag& process_cancel_flag() noexcept;

/// Ignores SIGPIPE. Every command does this first.
void ignore_sigpipe();

/// Installs the SIGINT/SIGTERM handlers that set process_cancel_flag(). A second signal
/// after the first calls _exit(128 + signal) at once: state commits are atomic (rename),
/// so this is exactly as safe as a kill.
void install_stop_handlers();

/// "SIGINT", "SIGTERM", or "signal N".
const char* signal_name(int signal_number) noexcept;

/// The exit code for a run stopped by `signal_number`: 130 for SIGINT, 143 for SIGTERM.
int exit_code_for_signal(int signal_number) noexcept;

}  // namespace etlhost
