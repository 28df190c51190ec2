#include "shutdown_signal.h"

namespace fssim {

void ShutdownSignal::trigger() {
  {
    const std::lock_guard lock(mutex_);
    triggered_ = true;
  }
  changed_.notify_all();
}

bool ShutdownSignal::wait_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, duration, [this] { return triggered_; });
}

}  // namespace fssim
