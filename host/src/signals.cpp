#include "signals.h"

#include <unistd.h>

#include <csignal>
#include <cstring>

#include "exit_codes.h"

namespace etlhost {

CancelFlag& process_cancel_flag() noexcept {
  static CancelFlag flag;
  return flag;
}

void handle_stop_signal(int signal_number) noexcept {
  const int previous = process_cancel_flag().signal_.exchange(signal_number);
  if (previous != 0) {
    // Only async-signal-safe calls here: write() and _exit().
    static const char kMessage[] = "etlhost: second stop signal, exiting now\n";
    const ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    (void)ignored;
    ::_exit(128 + signal_number);
  }
}

namespace {
extern "C" void stop_signal_trampoline(int signal_number) { handle_stop_signal(signal_number); }
}  // namespace

void ignore_sigpipe() {
  struct sigaction action {};
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  sigaction(SIGPIPE, &action, nullptr);
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = stop_signal_trampoline;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: a plugin blocked in read() keeps reading instead of failing with EINTR;
  // plugins notice the stop through is_cancelled() and the emitter.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const char* signal_name(int signal_number) noexcept {
  switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
  }
}

int exit_code_for_signal(int signal_number) noexcept {
  if (signal_number == SIGTERM) return exit_code::kTerminated;
  if (signal_number == SIGINT) return exit_code::kInterrupted;
  return 128 + signal_number;
}

}  // namespace etlhost
