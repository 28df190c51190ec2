#include "termination_signals.h"

#include <pthread.h>
#include <stdexcept>

namespace fssim {

TerminationSignals::TerminationSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &signals_, nullptr) != 0) throw std::runtime_error("cannot block SIGTERM/SIGINT");
  std::signal(SIGPIPE, SIG_IGN);
}

int TerminationSignals::wait() const {
  int received = 0;
  while (sigwait(&signals_, &received) != 0) {
  }
  return received;
}

}  // namespace fssim
