// shutdown_signal.h: lets a stalled request end early when the server shuts down, so
// SIGTERM never waits out a --stall-seconds sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace fssim {

class ShutdownSignal {
 public:
  void trigger();
  // Sleeps up to `duration`; returns early (true) once trigger() was called.
  bool wait_for(std::chrono::milliseconds duration);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool triggered_ = false;
};

}  // namespace fssim
