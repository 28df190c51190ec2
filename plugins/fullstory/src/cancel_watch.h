// cancel_watch.h: makes a blocked socket read return promptly when the user stops the run,
// or when the request's deadline passes.
//
// Waits between attempts go through host.sleep_for and are cancellable already. A read
// that waits for the next byte is not: it may block up to idle_timeout_seconds (300 s by
// default) on a stalled server, and a server that sends a byte a second never lets it time
// out at all. This small thread polls host.cancelled() and the armed deadline and, once
// either says stop, shuts down the socket the HTTP client registered, so the read returns
// at once: the run ends with ETL_E_CANCELLED, or the request fails as timed out.
//
// The thread lives for one sync() and is joined before it returns (plugin.h section 4).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "etlhost/plugin.hpp"

namespace fullstory {

class CancelWatch {
 public:
  explicit CancelWatch(const etl::Host& host);
  ~CancelWatch();
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

  using Clock = std::chrono::steady_clock;

  /// Watch `socket_fd` until disarm(), shutting it down on a stop request or at `deadline`.
  /// The caller must disarm before it closes the socket, so the watcher can never touch a
  /// descriptor number that was reused.
  void arm(int socket_fd, Clock::time_point deadline = Clock::time_point::max());
  /// Moves the armed socket's deadline (a body that keeps flowing earns time).
  void set_deadline(Clock::time_point deadline);
  /// True when, since the last arm(), the watcher shut the socket because the deadline passed.
  bool deadline_passed();
  void disarm();

 private:
  void run();

  const etl::Host& host_;
  std::mutex mutex_;
  std::condition_variable wake_;
  int socket_fd_ = -1;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool deadline_passed_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

/// Arms a CancelWatch for one scope.
class ArmedSocket {
 public:
  ArmedSocket(CancelWatch& watch, int socket_fd) : watch_(watch) { watch_.arm(socket_fd); }
  ~ArmedSocket() { watch_.disarm(); }
  ArmedSocket(const ArmedSocket&) = delete;
  ArmedSocket& operator=(const ArmedSocket&) = delete;

 private:
  CancelWatch& watch_;
};

}  // namespace fullstory
