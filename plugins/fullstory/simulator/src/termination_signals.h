// termination_signals.h: waiting for SIGTERM/SIGINT without a signal handler.
#pragma once

#include <csignal>

namespace fssim {

class TerminationSignals {
 public:
  // Blocks SIGTERM and SIGINT in the calling thread. Construct it before starting any thread:
  // threads inherit the mask, so the signals stay pending until wait() collects them, rather
  // than killing the process from whichever thread the kernel picks. Also ignores SIGPIPE,
  // which a client hanging up mid-write would otherwise raise.
  TerminationSignals();

  // Blocks until SIGTERM or SIGINT arrives; returns its number.
  int wait() const;

 private:
  sigset_t signals_{};
};

}  // namespace fssim
